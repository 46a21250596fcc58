"""The stand-up: per member done, doing, next and blocked; the fires; notes; the meeting timer.

The screen is for the slot at hand and reads it whole on every reload (a
handful of queries for the team). Opening it near its slot starts the
meeting, whose timer runs in the header until `F` finishes it. `[` and `]`
leaf through the finished stand-ups, shown as they were recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import pendulum
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from model import clock
from model.alerts import client_alerts
from model.i18n import N_, _, ngettext
from model.standup import (
    Fire,
    Item,
    Meeting,
    MemberLists,
    finish_standup,
    meeting,
    meeting_seconds,
    neighbour_standup,
    numbers,
    numbers_of,
    standup_notes,
    start_on_opening,
)
from model.tables import Priority, Standup, Status
from model.tasks import ValidationError
from tui.budget_marks import alerts_line
from tui.dialogs.confirm import ConfirmDialog
from tui.format import hours, literal
from tui.keys import key_hint, translate_bindings
from tui.labels import KIND_TITLES, PRIORITY_MARKS, status_title
from tui.outage import SurvivesOutages, survive
from tui.screens.inbox import TRIAGE_BINDINGS, TriageActions, received
from tui.screens.reading import ReadsInThread
from tui.widgets import DeckFooter, DeckHeader

SLOT_FORMAT = "ddd D MMM HH:mm"
COUNT_MARKS = (("✓", N_("done")), ("▶", N_("doing")), ("→", N_("next")), ("⊘", N_("blocked")))
TRIAGE_IDS = tuple(binding.id for binding in TRIAGE_BINDINGS)


def triage_hint(screen: Screen) -> str:
    """The fires' keys as they are in force, named under the fires, three to a line."""
    return key_hint(screen, ids=TRIAGE_IDS, per_line=3)


def _clock_text(units: int) -> str:
    """Minutes and seconds as m:ss (or hours and minutes as h:mm)."""
    big, small = divmod(units, 60)
    return f"{big}:{small:02d}"


def _counts(*, done: int, doing: int, next_: int, blocked: int) -> Content:
    parts: list = []
    for (mark, _name), value in zip(COUNT_MARKS, (done, doing, next_, blocked), strict=True):
        parts += [(f"{mark}{value} ", "$text-muted" if not value else "")]
    return Content.assemble(*parts)


def _item_line(*, item: Item, detail: str = "", width: int) -> Content:
    mark, style = PRIORITY_MARKS[Priority(item.priority)]
    line = Content.assemble(
        "  ",
        (literal(item.client_code), "bold"),
        " ",
        (mark + " " if mark else "", style),
        ("🔥 " if item.fire else "", ""),
        " ".join(literal(item.title).split()),
        (f" · {detail}" if detail else "", "$text-muted"),
    )
    return line.truncate(width, ellipsis=True)


class TeamList(Widget):
    """The members with the sizes of their lists, as many as fit around the one on show."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.top = 0

    def _window(self, *, count: int, index: int) -> range:
        capacity = max(1, (self.size.height - 4) // 2)
        if index < self.top:
            self.top = index
        elif index >= self.top + capacity:
            self.top = index - capacity + 1
        self.top = max(0, min(self.top, max(count - capacity, 0)))
        return range(self.top, min(self.top + capacity, count))

    STRIP_WIDTH = 48
    """From this width on (a strip across a narrow terminal) the members sit side by side."""

    def _strip(self, *, width: int) -> Content:
        """The members side by side in as many lines as the strip has, the selected one
        always among them; the legend follows when there is room."""
        screen = self.screen
        members = screen.view.members if screen.view else ()
        height = max(self.size.height, 1)
        pieces = []
        for index, member in enumerate(members):
            selected = index == screen.member_index
            noted = "✎" if screen.notes.get(member.member_id, "").strip() else " "
            piece = Content.assemble(
                ("▸" if selected else " ", "$accent"),
                (member.initials, "bold"),
                f"{noted}",
                (" " + _("off"), "bold $warning") if member.away else "",
                " ",
                _counts(
                    done=len(member.done),
                    doing=len(member.doing),
                    next_=member.next_total,
                    blocked=len(member.blocked),
                ),
            ).rstrip()
            pieces.append(piece.stylize("reverse") if selected else piece)
        legend = [Content.styled(f"{mark} {_(name)}", "$text-muted") for mark, name in COUNT_MARKS]
        title = Content.styled(_("Team"), "bold")
        self.top = min(self.top, screen.member_index)
        while True:
            lines, shown = self._flow(
                title=title, pieces=pieces[self.top :], legend=legend, width=width, height=height
            )
            if self.top + shown > screen.member_index or self.top >= len(pieces) - 1:
                break
            self.top += 1
        for _attempt in range(2):  # say which are on show; saying it may leave one off
            if shown >= len(pieces) - self.top and not self.top:
                break
            where = f" {self.top + 1}–{self.top + shown}/{len(pieces)}"
            lines, shown = self._flow(
                title=Content.assemble(title, (where, "$text-muted")),
                pieces=pieces[self.top :],
                legend=[],
                width=width,
                height=height,
            )
        return Content("\n").join(line.truncate(width) for line in lines)

    @staticmethod
    def _flow(
        *, title: Content, pieces: list[Content], legend: list[Content], width: int, height: int
    ) -> tuple[list[Content], int]:
        """The title, then the pieces side by side in at most `height` lines, then the
        legend if every piece fitted; how many pieces fitted."""
        lines = [title]
        shown = 0
        for piece, counted in [(p, True) for p in pieces] + [(p, False) for p in legend]:
            if not counted and shown < len(pieces):
                break
            line = Content.assemble(lines[-1], "  ", piece)
            if line.cell_length <= width:
                lines[-1] = line
            elif len(lines) < height:
                lines.append(piece)
            else:
                break
            shown += counted
        return lines, shown

    def render(self) -> Content:
        screen = self.screen
        width = max(self.size.width, 1)
        if width >= self.STRIP_WIDTH:
            return self._strip(width=width)
        view = screen.view
        members = view.members if view else ()
        window = self._window(count=len(members), index=screen.member_index)
        where = (
            f" {window.start + 1}–{window.stop}/{len(members)}"
            if len(window) < len(members)
            else ""
        )
        lines = [Content.assemble((_("Team"), "bold"), (where, "$text-muted")).truncate(width)]
        for index in window:
            member = members[index]
            selected = index == screen.member_index
            noted = "✎" if screen.notes.get(member.member_id, "").strip() else " "
            # a member off today gets a short mark the name cannot push off the line
            mark = Content.styled(" " + _("off"), "bold $warning") if member.away else Content("")
            head = Content.assemble(
                ("▸ " if selected else "  ", "$accent"),
                (member.initials, "bold"),
                " ",
                literal(member.name),
                f" {noted}",
            ).truncate(max(width - mark.cell_length, 1), ellipsis=True, pad=True)
            head = Content.assemble(head, mark)
            counts = Content.assemble(
                "    ",
                _counts(
                    done=len(member.done),
                    doing=len(member.doing),
                    next_=member.next_total,
                    blocked=len(member.blocked),
                ),
            ).truncate(width, pad=True)
            style = "reverse" if selected else ""
            lines += [head.stylize(style), counts.stylize(style)]
        legend = [f"{mark} {_(name)}" for mark, name in COUNT_MARKS]
        lines += [Content("")] + [
            Content.styled("  ".join(pair), "$text-muted").truncate(width)
            for pair in (legend[:2], legend[2:])
        ]
        return Content("\n").join(lines)


def fit_sections(*, sizes: list[int], budget: int) -> list[int]:
    """How many lines each list may show in `budget` lines, shared out one line at a time.

    A list cut short gives one of its lines to "…and n more".
    """
    caps = [0] * len(sizes)
    left = max(budget, 0)
    while left > 0 and any(cap < size for cap, size in zip(caps, sizes, strict=True)):
        for index, size in enumerate(sizes):
            if left and caps[index] < size:
                caps[index] += 1
                left -= 1
    return caps


class MemberPanel(Widget):
    """One member's four lists: done since the last stand-up, doing, next, blocked."""

    def render(self) -> Content:
        screen = self.screen
        width = max(self.size.width, 1)
        member = screen.member
        view = screen.view
        if member is None or view is None:
            return Content.styled(_("Add the team first"), "$text-muted")
        since = clock.to_local(view.since).format("ddd HH:mm")
        head = Content.assemble(
            (member.initials, "bold $accent"),
            " ",
            (literal(member.name), "bold"),
            (f" · {literal(member.role)}" if member.role else "", "$text-muted"),
        )
        away = (
            Content.styled(
                _("off today: {why}", why=_(KIND_TITLES[member.away]).lower()), "bold $warning"
            )
            if member.away
            else Content("")
        )
        sections = (
            (
                _("Done since {when}", when=since),
                [_item_line(item=i, detail=self._done(i), width=width) for i in member.done],
                len(member.done),
            ),
            (
                _("Doing"),
                [_item_line(item=i, detail=self._doing(i), width=width) for i in member.doing],
                len(member.doing),
            ),
            (_("Next"), [_item_line(item=i, width=width) for i in member.next], member.next_total),
            (
                _("Blocked"),
                [_item_line(item=i, detail=self._blocked(i), width=width) for i in member.blocked],
                len(member.blocked),
            ),
        )
        sizes = [max(total, 1) for _title, _items, total in sections]
        # a blank line after each list while all fits, else every line for the lists
        spaced = 2 + sum(sizes) + 2 * len(sections) <= self.size.height
        chrome = 2 + 2 * len(sections) if spaced else 1 + bool(member.away) + len(sections)
        caps = fit_sections(sizes=sizes, budget=self.size.height - chrome)
        lines = [head.truncate(width)]
        if spaced or member.away:
            lines.append(away.truncate(width))
        for (title, items, total), cap in zip(sections, caps, strict=True):
            lines.append(Content.styled(title, "bold underline"))
            if not total:
                lines.append(Content.styled("  —", "$text-muted"))
            fits = cap >= total and len(items) == total
            shown = items if fits else items[: max(cap - 1, 0)]
            lines += shown
            if total > len(shown):
                more = ngettext("…and {n} more", "…and {n} more", n=total - len(shown))
                lines.append(Content.styled(f"  {more}", "$text-muted"))
            if spaced:
                lines.append(Content(""))
        return Content("\n").join(lines)

    @staticmethod
    def _done(item: Item) -> str:
        parts = []
        if item.moved_to:
            parts.append(status_title(item.moved_to))
        if item.hours:
            parts.append(hours(item.hours, places=1) + "h")
        return " · ".join(parts)

    @staticmethod
    def _doing(item: Item) -> str:
        return "⏱ " + _clock_text(int(item.hours * 60)) if item.running else ""

    @staticmethod
    def _blocked(item: Item) -> str:
        if item.waiting_days is None:
            return _("blocked")
        return "⏳" + ngettext("{n} day", "{n} days", n=item.waiting_days)


class FiresList(Widget):
    """Requests and urgent tasks since the last stand-up, two lines each, with a cursor."""

    def __init__(self) -> None:
        super().__init__(id="fires")
        self.cursor = 0
        self.top = 0

    @property
    def capacity(self) -> int:
        return max(1, (self.size.height - 1) // 2)

    @property
    def selected(self) -> Fire | None:
        view = self.screen.view
        if view is None or not 0 <= self.cursor < len(view.fires):
            return None
        return view.fires[self.cursor]

    def move(self, step: int) -> None:
        count = len(self.screen.view.fires) if self.screen.view else 0
        self.cursor = max(0, min(self.cursor + step, count - 1))
        self.refresh()

    def render(self) -> Content:
        width = max(self.size.width, 1)
        view = self.screen.view
        fires = view.fires if view else ()
        self.cursor = max(0, min(self.cursor, len(fires) - 1))
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + self.capacity:
            self.top = self.cursor - self.capacity + 1
        title = Content.assemble((_("Fires"), "bold"), (f" {len(fires)}", "$text-muted"))
        lines = [title.truncate(width, pad=True)]
        if not fires:
            lines.append(Content.styled(_("No fires since the last stand-up."), "$text-muted"))
        for index, fire in enumerate(fires[self.top : self.top + self.capacity], start=self.top):
            mark, style = PRIORITY_MARKS[Priority(fire.priority)]
            head = Content.assemble(
                (literal(fire.client_code), "bold"),
                " ",
                (mark + " " if mark else "", style),
                ("🔥 " if fire.fire else "", ""),
                " ".join(literal(fire.title).split()),
            ).truncate(width, ellipsis=True, pad=True)
            state = status_title(fire.status)
            who = f" · {literal(fire.assignee)}" if fire.assignee else ""
            meta = Content.styled(
                f"  {state}{who} · {received(at=fire.created_at)}",
                "$warning" if fire.status == Status.INBOX else "$text-muted",
            ).truncate(width, pad=True)
            style = "reverse" if index == self.cursor else ""
            lines += [head.stylize(style), meta.stylize(style)]
        return Content("\n").join(lines)


NAMED = 4
"""How many of the members still to speak `F`'s question names."""


@dataclass(frozen=True)
class _MeetingRead:
    """A read of the meeting, with the alerts line when it was due to be read again."""

    view: Meeting
    alerts: str | None
    alerts_epoch: tuple[int, int]


class StandupScreen(SurvivesOutages, TriageActions, ReadsInThread):
    CSS_PATH = "standup.tcss"
    shows_standup = True
    """Reminders of the stand-up stay off this screen: its header says the time."""
    BINDINGS = [
        Binding("tab", "member(1)", "Next member", id="standup.next_member"),
        Binding("shift+tab", "member(-1)", "Previous member", show=False, id="standup.prev_member"),
        *[replace(binding, show=False) for binding in TRIAGE_BINDINGS],
        Binding("up,k", "cursor(-1)", "Up", show=False, id="standup.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="standup.down"),
        Binding("enter", "open", "Open", show=False, id="standup.open"),
        Binding("n", "note", "Note", id="standup.note"),
        Binding("N", "general_note", "Note for all", show=False, id="standup.general_note"),
        Binding("escape", "leave_note", "Leave the note", show=False, id="standup.leave_note"),
        Binding("F", "finish", "Finish", id="standup.finish"),
        Binding("left_square_bracket", "history(-1)", "Older", id="standup.older"),
        Binding("right_square_bracket", "history(1)", "Newer", show=False, id="standup.newer"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="standup-layout")
        translate_bindings(self)
        self.slot: pendulum.DateTime | None = None
        self._read_for: tuple | None = None
        """The slot and minute last read: coming back within the same minute, with no
        change in between, shows what is on screen instead of reading it all again."""
        self.view: Meeting | None = None
        self.record: Standup | None = None
        self.member_index = 0
        self.visited: set[int] = set()
        """Members whose turn was on screen: `F` asks before finishing without the others."""
        self.notes: dict[int, str] = {}
        self.general = ""
        self.shown: Standup | None = None
        """The finished stand-up on show while leafing through the history, else None."""
        self.budget_alerts = ""
        self._alerts_epoch: tuple[int, int] | None = None

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    """Below 110 columns the team goes along the top and the fires column narrows, so the
    member's lists keep the middle."""

    def compose(self) -> ComposeResult:
        yield DeckHeader(title=_("Stand-up"))
        with Horizontal(id="live"):
            yield TeamList(id="team")
            with Vertical(id="member-column"):
                yield MemberPanel(id="member")
                yield Label("", id="member-note-label", markup=False)
                yield Input(id="member-note", compact=True)
            with Vertical(id="fires-column"):
                yield Static("", id="budget-alerts", markup=False)
                yield FiresList()
                yield Static(triage_hint(self), id="triage-hint", markup=False)
                yield Label(_("Note for everyone (N)"), id="general-note-label", markup=False)
                yield Input(id="general-note", compact=True)
        with VerticalScroll(id="history"):
            yield Static("", id="history-body")
        yield DeckFooter()

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)

    def on_screen_resume(self) -> None:
        self._open()

    def _open(self) -> None:
        """Turn to the slot at hand, starting its meeting if this is the time for it."""
        now = clock.now()
        slot = self.app.now_at_hand().moment.slot
        if slot != self.slot:
            self.slot, self.notes, self.general, self.shown = slot, {}, "", None
            self.visited = set()
            self.query_one("#general-note", Input).value = ""
        minute = (slot, now.replace(second=0, microsecond=0))
        if self.app.stale(self) or minute != self._read_for:
            self._read_for = minute
            self.reload(opening=True)

    def reload(self, *, then: Callable[[], None] | None = None, opening: bool = False) -> None:
        """Read the slot at hand again (or show the recorded stand-up being browsed); when
        the app's "now" has reached the next slot, turn to it first. The meeting is read in
        a thread; `then()` once it is shown. `opening` the screen near its slot starts the
        meeting first, in the same thread (a minute later, or unchanged, it was started or
        left as it was already)."""
        if not self.is_mounted or self.slot is None:
            return
        if self.shown is None and self.app.now.moment.slot != self.slot:
            self.call_later(self._open)  # it may start the meeting: a write, after this read
            return
        live = self.shown is None
        self.query_one("#live").display = live
        self.query_one("#history").display = not live
        if not live:
            self._show_history()
            return
        engine, config, sprint_id = self.app.engine, self.app.config, self.app.now.sprint.id
        now, zone = clock.now(), clock.zone()
        epoch = (self.app.time_epoch, clock.today().month)
        alerts_due = self._alerts_epoch != epoch

        def read() -> _MeetingRead:
            view = meeting(
                engine,
                now=now,
                times=config.standup_times,
                zone=zone,
                sprint_id=sprint_id,
                coefficients=config.urgency,
            )
            alerts = alerts_line(client_alerts(engine)) if alerts_due else None
            return _MeetingRead(view=view, alerts=alerts, alerts_epoch=epoch)

        start = partial(start_on_opening, engine, slot_at=self.slot, now=now)
        self.read_in_thread(
            read=read, show=self._show_meeting, then=then, before=start if opening else None
        )

    def _show_meeting(self, read: _MeetingRead) -> None:
        if read.alerts is not None:
            self.budget_alerts, self._alerts_epoch = read.alerts, read.alerts_epoch
        self.view = read.view
        self.record = self.view.record
        if self.view.finished:
            self.notes, self.general = dict(self.view.notes), self.record.note
        self.member_index = min(self.member_index, max(len(self.view.members) - 1, 0))
        general = self.query_one("#general-note", Input)
        if general.value != self.general:
            general.value = self.general
        for field in self.query(Input):
            field.disabled = self.view.finished
        self._show_member()
        self.query_one(FiresList).refresh()
        self._show_budget_alerts()
        self._show_scope()

    def _show_budget_alerts(self) -> None:
        """The clients whose budget reached an alert this month, over the fires (which
        often ask for more hours): read again only when recorded time or the month changed."""
        line = self.query_one("#budget-alerts", Static)
        line.update(self.budget_alerts)
        line.display = bool(self.budget_alerts)

    @property
    def member(self) -> MemberLists | None:
        if self.view is None or not self.view.members:
            return None
        return self.view.members[self.member_index]

    def _show_member(self) -> None:
        member = self.member
        note = self.query_one("#member-note", Input)
        label = self.query_one("#member-note-label", Label)
        if member is None:
            label.update("")
            note.value = ""
        else:
            self.visited.add(member.member_id)
            label.update(Content(_("Note for {name} (n)", name=literal(member.name))))
            note.value = self.notes.get(member.member_id, "")
        self.query_one(TeamList).refresh()
        self.query_one(MemberPanel).refresh()

    def _show_scope(self) -> None:
        if self.slot is None:
            return
        slot = clock.to_local(self.shown.slot_at if self.shown else self.slot).format(SLOT_FORMAT)
        header = self.query_one(DeckHeader)
        if self.shown is not None:
            header.set_scope(_("{slot} · history", slot=slot))
            return
        record = self.record
        seconds = meeting_seconds(record=record, now=clock.now())
        if seconds is None:
            state = _("not started")
        elif record.finished_at is not None:
            finished = clock.to_local(record.finished_at).format("HH:mm")
            state = _("finished at {time}", time=finished)
        else:
            target = self.app.config.standup_minutes * 60
            state = _(
                "meeting {elapsed} of {target}",
                elapsed=_clock_text(seconds),
                target=_clock_text(target),
            )
            if seconds > target:
                state += " " + _("over time")
        header.set_scope(f"{slot} · {state}")

    def _tick(self) -> None:
        if self.slot is None or self.app.screen is not self:
            return
        if self.shown is None and self.app.now_at_hand().moment.slot != self.slot:
            self._open()
            return
        self._show_scope()

    def selected_task_id(self) -> int | None:
        if self.shown is not None:
            return None
        fire = self.query_one(FiresList).selected
        return fire.task_id if fire else None

    # Keys

    def _live_only(self) -> bool:
        if self.shown is not None:
            self.notify(
                _("This is a past stand-up: ] returns to the one at hand"), timeout=3, markup=False
            )
            return False
        return True

    def action_member(self, step: int) -> None:
        if not self._live_only() or self.view is None or not self.view.members:
            return
        self.member_index = (self.member_index + step) % len(self.view.members)
        self._show_member()

    def action_cursor(self, step: int) -> None:
        """Moves through the fires, or scrolls a past stand-up."""
        if self.shown is not None:
            self.query_one("#history").scroll_relative(y=step, animate=False)
        else:
            self.query_one(FiresList).move(step)

    def action_note(self) -> None:
        if self._live_only() and self.member is not None:
            self.query_one("#member-note", Input).focus()

    def action_general_note(self) -> None:
        if self._live_only():
            self.query_one("#general-note", Input).focus()

    def action_leave_note(self) -> None:
        self.set_focus(None)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "general-note":
            self.general = event.value
        elif event.input.id == "member-note" and self.member is not None:
            member_id = self.member.member_id
            had = bool(self.notes.get(member_id, "").strip())
            if event.value.strip():
                self.notes[member_id] = event.value
            else:
                self.notes.pop(member_id, None)
            if had != bool(event.value.strip()):
                self.query_one(TeamList).refresh()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.set_focus(None)

    def action_finish(self) -> None:
        """Finish and save the stand-up; with members whose turn never came, ask first."""
        if not self._live_only() or self.slot is None:
            return
        self.set_focus(None)
        self.reload(then=self._finish_read)

    @work(exclusive=True, group="standup-finish")
    @survive
    async def _finish_read(self) -> None:
        """Finishing, with the meeting as read just now."""
        assert self.view is not None
        if not self.view.members:  # nobody to hear: an empty meeting is not a stand-up held
            self.notify(_("Add the team first"), severity="warning", timeout=3)
            return
        skipped = [
            member.name
            for member in self.view.members
            if member.member_id not in self.visited and not member.away
        ]
        if not skipped:
            self._finish()
            return
        names = ", ".join(skipped[:NAMED])
        if len(skipped) > NAMED:  # a big team: the first few, and how many more
            names += " " + ngettext("…and {n} more", "…and {n} more", n=len(skipped) - NAMED)
        question = ngettext(
            "{names} has not had a turn yet. Finish the stand-up anyway?",
            "{n} members have not had a turn yet: {names}. Finish the stand-up anyway?",
            n=len(skipped),
            names=names,
        )
        if await self.app.push_screen_wait(
            ConfirmDialog(question=question, yes=_("Finish"), no=_("Go on"))
        ):
            self._finish()

    def _finish(self) -> None:
        try:
            finish_standup(
                self.app.engine,
                slot_at=self.slot,
                note=self.general,
                notes=self.notes,
                numbers=numbers(meeting=self.view),
            )
        except ValidationError as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        self.notify(
            _("Stand-up finished and saved: [ shows it in the history"), timeout=4, markup=False
        )
        self.reload()

    def action_history(self, step: int) -> None:
        """`[` older, `]` newer; newer than the newest finished one is the stand-up at hand."""
        if self.slot is None:
            return
        engine = self.app.engine
        if self.shown is None:
            if step > 0:
                self.app.bell()
                return
            found = neighbour_standup(engine, slot_at=self.slot, older=True, inclusive=True)
        else:
            found = neighbour_standup(engine, slot_at=self.shown.slot_at, older=step < 0)
            if found is None and step > 0:
                self.shown = None
                self.reload()
                return
        if found is None:
            self.notify(_("No earlier stand-up"), timeout=2, markup=False)
            return
        self.set_focus(None)
        self.shown = found
        self.reload()

    def _show_history(self) -> None:
        record = self.shown
        kept = numbers_of(standup=record)
        notes = standup_notes(self.app.engine, standup_id=record.id)
        members = kept.get("members", {})
        names = {m.member_id: m.name for m in self.view.members} if self.view else {}
        for key, facts in members.items():
            names.setdefault(int(key), facts.get("name", ""))
        started = clock.to_local(record.started_at or record.finished_at).format("HH:mm")
        finished = clock.to_local(record.finished_at).format("HH:mm")
        minutes = round((meeting_seconds(record=record, now=record.finished_at) or 0) / 60)
        parts: list = [
            (_("Stand-up {when}", when=clock.to_local(record.slot_at).format(SLOT_FORMAT)), "bold"),
            "\n",
            (
                ngettext(
                    "held {start}–{end}, {n} minute",
                    "held {start}–{end}, {n} minutes",
                    n=minutes,
                    start=started,
                    end=finished,
                ),
                "$text-muted",
            ),
            "\n",
        ]
        if "fires" in kept:
            parts += [
                _(
                    "Fires: {n}, untriaged at the end: {left}",
                    n=kept["fires"],
                    left=kept["untriaged"],
                ),
                "\n",
            ]
        if record.note:
            parts += ["\n", (_("Note for everyone"), "bold"), "\n", literal(record.note), "\n"]
        shown = set(names) & (set(notes) | {int(key) for key in members})
        for member_id in sorted(shown, key=lambda member_id: names[member_id]):
            facts = members.get(str(member_id))
            parts += ["\n", (literal(names[member_id]), "bold $accent")]
            if facts:
                parts += [
                    "  ",
                    _counts(
                        done=facts["done"],
                        doing=facts["doing"],
                        next_=facts["next"],
                        blocked=facts["blocked"],
                    ),
                    (
                        hours(facts["hours"], places=1) + "h" if facts["hours"] else "",
                        "$text-muted",
                    ),
                ]
            if notes.get(member_id):
                parts += ["\n", literal(notes[member_id])]
            parts.append("\n")
        parts += ["\n", (_("[ older · ] newer"), "$text-muted")]
        self.query_one("#history-body", Static).update(Content.assemble(*parts))
        self._show_scope()
