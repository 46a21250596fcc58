"""A board column: the page of cards that fits, drawn line by line from cached card lines,
and the cards read ahead around it so that paging does not wait for the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget

from model import clock
from model.board import Card, Scope
from model.budgets import Level
from model.i18n import _, language
from model.tables import Priority, Status
from tui.format import days_since, due_phrase, hours, literal
from tui.labels import PRIORITY_MARKS, STATUS_TITLES
from tui.paging import Placing, page_offset

CARD_LINES = 4
CARD_HEIGHT = CARD_LINES + 1
COLUMN_LEAST = 19
"""Cells a column takes at least (16 for a card's lines): a narrow board shows fewer columns."""
CARD_STRIPS_KEPT = 512
"""Cards whose drawn lines a column keeps: several pages of the longest column."""


def wrap(text: str, *, width: int, lines: int) -> list[str]:
    """Cut `text` into at most `lines` lines of `width` cells, with … when it is longer."""
    content = Content(" ".join(literal(text).split()))
    out = [line.plain for line in content.wrap(width)] if width > 0 else []
    if len(out) > lines:
        out = out[:lines]
        out[-1] = Content(out[-1]).truncate(max(width - 1, 0)).plain.rstrip() + "…"
    return out + [""] * (lines - len(out))


BUDGET_TAGS = {
    Level.WARNING: "bold $text on $warning",
    Level.OVER: "bold $text on $error",
}


@lru_cache(maxsize=1024)
def card_lines(
    *,
    card: Card,
    width: int,
    selected: bool,
    level: Level,
    today: date,
    hour: datetime,
    language: str,
) -> tuple[Content, ...]:
    """A card as four lines of content, user text always literal.

    The client's tag turns to the warning colour at 80 % of the month's paid
    hours and to the error colour at 100 %. Cached: a key press redraws the
    same cards, and `hour` (now, to the hour) is all the waiting days need;
    `language` keys the cache because the due phrases are translated.
    """
    mark, mark_style = PRIORITY_MARKS[Priority(card.priority)]
    tag = BUDGET_TAGS.get(level, f"bold #ffffff on {card.client_colour}")
    head = Content.assemble(
        (f" {literal(card.client_code)} ", tag),
        " ",
        (mark, mark_style),
        ("🔥" if card.fire else "", ""),
        ("⚑" if card.promised else "", "$accent"),
        (f" {card.assignee}" if card.assignee else "", "$text-muted"),
    )
    title = [Content(line) for line in wrap(card.title, width=width, lines=2)]
    meta: list[tuple[str, str] | str] = []
    if card.due_date is not None:
        phrase, late = due_phrase(due=card.due_date, today=today)
        meta.append((phrase, "$error" if late else ""))
    if card.estimate_hours is not None or card.spent_hours:
        estimate = hours(card.estimate_hours) if card.estimate_hours is not None else "?"
        over = card.estimate_hours is not None and card.spent_hours > card.estimate_hours
        spent = hours(card.spent_hours, places=1)
        meta.append((f"{spent}/{estimate}h", "$warning" if over else ""))
    if card.waiting_since is not None:
        meta.append((f"⏳{days_since(since=card.waiting_since, now=hour)}d", "$warning"))
    parts: list[tuple[str, str] | str] = []
    for index, part in enumerate(meta):
        if index:
            parts.append(" · ")
        parts.append(part)
    lines = [head, *title, Content.assemble(*parts)]
    style = "on $boost" if not selected else "reverse"
    return tuple(line.truncate(width, pad=True).stylize(style) for line in lines)


@dataclass(frozen=True)
class Ahead:
    """Cards of a column read around its page in the background: paging within them
    waits for nothing. Good only while `key` (the scope, size and count the page was
    placed for, and the app's data version) still holds."""

    key: tuple
    offset: int
    cards: tuple[Card, ...]


class AheadRead(Message):
    """Cards read ahead have arrived from the data thread."""

    def __init__(self, ahead: Ahead) -> None:
        super().__init__()
        self.ahead = ahead


@dataclass
class ColumnState:
    status: str
    count: int = 0
    offset: int = 0
    cursor: int = 0


class BoardColumn(Widget):
    """One status column: a title with the count, then the visible page of cards."""

    def __init__(self, *, status: str) -> None:
        super().__init__(id=f"col-{status}")
        # A card holds no links: looking for them in every repainted line is wasted.
        self.auto_links = False
        self.state = ColumnState(status=status)
        self.cards: list[Card] = []
        self.active = False
        self.hint = ""
        """What the column says when it is selected and has no card (its screen's word)."""
        self.edges = (False, False)
        """Whether columns are left off the screen before this one, and after it."""
        self._drawn: tuple = ()
        self._levels: dict | None = None
        self._placed: tuple = ()
        self._reading_for: int | None = None
        """The capacity a page is being read for, until it is shown."""
        self._lines: list[Strip] = []
        """This render's lines, read by `render_line`."""
        self._card_strips: dict[tuple, list[Strip]] = {}
        self._ahead: Ahead | None = None
        self._asked: tuple | None = None
        """The read ahead asked for last, so a key pressed while it runs asks no other."""

    @property
    def capacity(self) -> int:
        return max(1, (self.size.height - 2) // CARD_HEIGHT)

    @property
    def selected(self) -> Card | None:
        index = self.state.cursor - self.state.offset
        return self.cards[index] if 0 <= index < len(self.cards) else None

    def fits(self) -> bool:
        """Whether the page shown, or the one being read, is for the column's present size."""
        capacity = self.capacity
        return self._reading_for == capacity or (bool(self._placed) and self._placed[1] == capacity)

    def placing(self) -> Placing:
        """What the page is to be read for; the column is being read for its size until
        the page is shown."""
        state = self.state
        self._reading_for = self.capacity
        return Placing(cursor=state.cursor, offset=state.offset, capacity=self._reading_for)

    def show_page(
        self, *, scope: Scope, count: int, offset: int, cards: list[Card], kept: Card | None
    ) -> bool:
        """Show a page read in a thread; with `kept`, the cursor stays on that card. Says
        whether the cursor is on it: a key may have moved it meanwhile."""
        state = self.state
        state.count, state.offset = count, offset
        state.cursor = min(state.cursor, max(count - 1, 0))
        self._placed = (scope, self.capacity, count, self.active)
        self._reading_for = None
        self.load(cards=cards, kept=kept)
        return not cards or offset <= state.cursor < offset + len(cards)

    def _keep_cursor_on_page(self) -> None:
        state = self.state
        state.offset = page_offset(
            cursor=state.cursor, offset=state.offset, count=state.count, capacity=self.capacity
        )

    def ahead_key(self) -> tuple:
        """What cards read ahead must have been read for to be shown now."""
        return (*self._placed[:3], self.app.data_version)

    def _held(self, *, start: int, end: int) -> tuple[Card, ...] | None:
        """Cards `start` to `end` of the column from those read ahead, if they hold them
        and still show the data as it is."""
        ahead = self._ahead
        if ahead is None or ahead.key != self.ahead_key():
            return None
        if not ahead.offset <= start <= end <= ahead.offset + len(ahead.cards):
            return None
        return ahead.cards[start - ahead.offset : end - ahead.offset]

    def card_at(self, index: int) -> Card | None:
        """The column's `index`th card, if the page or the cards read ahead hold it."""
        state = self.state
        if 0 <= index - state.offset < len(self.cards):
            return self.cards[index - state.offset]
        held = self._held(start=index, end=index + 1)
        return held[0] if held else None

    def page_from_ahead(self) -> bool:
        """Show the page the cursor has moved onto from the cards read ahead, when they
        hold all of it; otherwise leave the column as it is for a read."""
        state = self.state
        offset = state.offset
        self._keep_cursor_on_page()
        held = self._held(start=state.offset, end=min(state.offset + self.capacity, state.count))
        if held is None:
            state.offset = offset
            return False
        self.load(cards=list(held))
        return True

    def wanted_ahead(self) -> tuple[int, int] | None:
        """The cards to read ahead, a page each side of the one shown (offset, limit); None
        when they are held already, asked for already, or all on the page."""
        state, capacity = self.state, self.capacity
        start = max(0, state.offset - capacity)
        end = min(state.count, state.offset + 2 * capacity)
        if start == state.offset and end <= state.offset + len(self.cards):
            return None
        if self._held(start=start, end=end) is not None:
            return None
        key = self.ahead_key()
        if self._asked == (key, start, end - start):
            return None
        self._asked = (key, start, end - start)
        return start, end - start

    def on_ahead_read(self, message: AheadRead) -> None:
        message.stop()
        self._ahead = message.ahead

    def load(self, *, cards: list[Card], kept: Card | None = None) -> None:
        """Show the page `place` asked for; with `kept`, the cursor stays on that card."""
        state = self.state
        self.cards = cards
        ids = [card.id for card in cards]
        if kept is not None and kept.id in ids:
            state.cursor = state.offset + ids.index(kept.id)
        if self._drawing() != self._drawn or self.screen.levels is not self._levels:
            # Repainting a column that did not change is most of a key's cost.
            self.paint()

    def _drawing(self) -> tuple:
        state = self.state
        return (tuple(self.cards), state.count, state.offset, state.cursor, self.active, self.hint)

    def paint(self) -> None:
        """Repaint, noting what is drawn: a stored page the same as a change drawn ahead
        of it paints nothing."""
        self._drawn, self._levels = self._drawing(), self.screen.levels
        self.refresh()

    def take_out(self, card: Card) -> None:
        """`card` leaves the page before its move is stored; the stored page follows."""
        state = self.state
        self.cards = [shown for shown in self.cards if shown.id != card.id]
        state.count = max(state.count - 1, 0)
        state.cursor = min(state.cursor, max(state.count - 1, 0))
        self.paint()

    def put_on_top(self, card: Card) -> None:
        """`card` arrives at the top, selected, as a status change puts it."""
        state = self.state
        state.count += 1
        state.offset = state.cursor = 0
        self.cards = [card, *self.cards][: self.capacity]
        self.paint()

    def swap(self, *, step: int) -> None:
        """The selected card trades places with its neighbour `step` away; the selection
        follows it."""
        state = self.state
        here, there = state.cursor - state.offset, state.cursor + step - state.offset
        if 0 <= here < len(self.cards) and 0 <= there < len(self.cards):
            self.cards[here], self.cards[there] = self.cards[there], self.cards[here]
        state.cursor += step
        if not state.offset <= state.cursor < state.offset + self.capacity:
            state.offset = max(0, min(state.cursor, state.count - self.capacity))
        self.paint()

    def redraw_card(self, card: Card) -> None:
        """`card` as it will be stored, in place of its stored self."""
        self.cards = [card if shown.id == card.id else shown for shown in self.cards]
        self.paint()

    def _parts(self, *, width: int) -> list[tuple[tuple | None, list[Content]]]:
        """The column in pieces: its head, each card (with all its look depends on), its foot."""
        state = self.state
        today, hour, lang = clock.today(), clock.now().start_of("hour"), language()
        before, after = self.edges
        title = Content.assemble(
            ("‹ " if before else "", "$text-muted"),
            (_(STATUS_TITLES[Status(state.status)]), "bold"),
            (f" {state.count}", "$text-muted"),
        ).truncate(width - 2 * after, pad=True)
        if after:
            title = Content.assemble(title, (" ›", "$text-muted"))
        above = (
            Content.styled(_("↑ {n} more", n=state.offset), "$text-muted")
            if state.offset
            else Content("")
        )
        parts: list[tuple[tuple | None, list[Content]]] = [
            (None, [title.stylize("underline" if self.active else ""), above])
        ]
        if self.active and not state.count and self.hint:
            said = wrap(self.hint, width=width - 1, lines=CARD_LINES)
            parts.append((None, [Content.styled(line, "$text-muted") for line in said if line]))
        for index, card in enumerate(self.cards):
            look = {
                "card": card,
                "width": width,
                "selected": self.active and state.offset + index == state.cursor,
                "level": self.screen.levels.get(card.client_id, Level.NONE),
                "today": today,
                "hour": hour,
                "language": lang,
            }
            parts.append((tuple(look.values()), [*card_lines(**look), Content("")]))
        below = state.count - state.offset - len(self.cards)
        if below > 0:
            parts.append((None, [Content.styled(_("↓ {n} more", n=below), "$text-muted")]))
        return parts

    def render(self) -> Content:
        """The whole column as one text, as a mouse selection sees it."""
        parts = self._parts(width=max(self.size.width, 1))
        return Content("\n").join([line for _look, lines in parts for line in lines])

    def render_lines(self, crop: Region) -> list[Strip]:
        """Each card's lines are kept while the card and its look are unchanged: laying out
        a whole column's text again was most of what a move cost, and a move changes
        two or three cards at most."""
        width = max(self.size.width, 1)
        style = self.visual_style
        if len(self._card_strips) > CARD_STRIPS_KEPT:
            self._card_strips.clear()
        self._lines = []
        for look, lines in self._parts(width=width):
            kept = self._card_strips.get((look, style)) if look else None
            if kept is None:
                kept = Visual.to_strips(self, Content("\n").join(lines), width, None, style)
                if look:
                    self._card_strips[(look, style)] = kept
            self._lines += kept
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        if self.text_selection is not None:
            return super().render_line(y)
        if y < len(self._lines):
            return self._lines[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)
