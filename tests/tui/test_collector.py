"""The cycle collector kept off the key path: frozen screens, lines that do not keep themselves."""

from __future__ import annotations

import gc
import sys

from hypothesis import given
from hypothesis import strategies as st
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui import collector

WORDS = st.lists(st.text(alphabet="abc déf", min_size=1, max_size=6), min_size=1, max_size=4)


def strip_of(words: list[str]) -> Strip:
    return Strip([Segment(word, Style(bold=index % 2 == 0)) for index, word in enumerate(words)])


def plain(strip: Strip) -> list[tuple[str, Style | None]]:
    return [(segment.text, segment.style) for segment in strip]


def test_a_line_cropped_or_divided_to_its_own_width_does_not_keep_itself():
    collector.break_strip_cycles()
    strip = strip_of(["one ", "two"])
    held = sys.getrefcount(strip)
    assert strip.crop_extend(0, strip.cell_length, None) is strip
    assert strip.divide([strip.cell_length]) == [strip]
    assert sys.getrefcount(strip) == held


@given(
    words=WORDS,
    start=st.integers(min_value=-2, max_value=30),
    width=st.integers(min_value=0, max_value=30),
    cuts=st.lists(st.integers(min_value=1, max_value=30), max_size=4),
)
def test_lines_come_out_as_textual_draws_them(words, start, width, cuts):
    collector.break_strip_cycles()
    pad = Style(italic=True)
    ours, theirs = strip_of(words), strip_of(words)
    end = start + width
    cropped = ours.crop_extend(start, end, pad)
    assert plain(cropped) == plain(collector._plain_crop_extend(theirs, start, end, pad))
    assert cropped.cell_length == collector._plain_crop_extend(theirs, start, end, pad).cell_length
    for edges in (sorted(set(cuts)), [ours.cell_length]):
        assert [plain(part) for part in ours.divide(edges)] == [
            plain(part) for part in collector._plain_divide(theirs, edges)
        ]


async def test_each_mode_is_frozen_once_after_its_first_paint(agency, make_app):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert gc.isenabled()
        assert gc.get_threshold()[0] == collector.YOUNG_THRESHOLD
        settled = gc.get_freeze_count()
        await pilot.press("2")
        await pilot.pause()
        assert gc.get_freeze_count() > settled, "the plan's first paint froze it"
        await pilot.press("1")
        await pilot.pause()
        settled = gc.get_freeze_count()
        await pilot.press("2")
        await pilot.pause()
        assert gc.get_freeze_count() <= settled, "a second visit freezes nothing more"
        assert app._settled_modes == {"board", "plan"}
