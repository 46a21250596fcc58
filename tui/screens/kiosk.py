"""The stand-up on the office TV: the team, one member's lists and the fires, read-only.

The screen reuses the stand-up's own widgets, so the TV and the meeting show the same
lists in the same words. It writes nothing (the store it reads is opened read-only), so
there are no notes, no triage and no finish here; the turn moves to the next member on
a key, or by itself every `every` seconds of the one clock.
"""

from __future__ import annotations

import pendulum
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen

from model import clock
from model.changes import Fingerprint, fingerprint
from model.i18n import _
from model.now import standing_sprint
from model.outage import OUTAGES, outage_message
from model.standup import Meeting, MemberLists, meeting
from tui.keys import translate_bindings
from tui.screens.standup import FiresList, MemberPanel, StandupScreen, TeamList
from tui.widgets import DeckFooter, DeckHeader

CHECK_SECONDS = 2.0
"""How often the TV asks whether the data changed: what others do shows within this."""


class KioskStandupScreen(Screen):
    CSS_PATH = "standup.tcss"
    BINDINGS = [
        Binding("tab,space,right,l", "member(1)", "Next member", id="kiosk.next_member"),
        Binding("shift+tab,left,h", "member(-1)", "Previous member", id="kiosk.prev_member"),
    ]
    HORIZONTAL_BREAKPOINTS = StandupScreen.HORIZONTAL_BREAKPOINTS

    def __init__(self, *, every: int) -> None:
        super().__init__(classes="standup-layout")
        translate_bindings(self)
        self.every = every
        """Seconds each member's turn lasts on screen; 0 leaves the turn to the keys."""
        self.view: Meeting | None = None
        self.member_index = 0
        self.notes: dict[int, str] = {}
        self.turned_at = clock.now()
        self._read_for: tuple[Fingerprint, pendulum.DateTime] | None = None
        """The data and the minute last read: the TV reads again when either moves on."""

    def compose(self) -> ComposeResult:
        yield DeckHeader(title=_("Stand-up"))
        with Horizontal(id="live"):
            yield TeamList(id="team")
            with Vertical(id="member-column"):
                yield MemberPanel(id="member")
            with Vertical(id="fires-column"):
                yield FiresList()
        yield DeckFooter()

    def on_mount(self) -> None:
        self.load()
        self.set_interval(1.0, self.tick)
        self.set_interval(CHECK_SECONDS, self.load)

    @property
    def member(self) -> MemberLists | None:
        if self.view is None or not self.view.members:
            return None
        return self.view.members[self.member_index]

    @work(thread=True, exclusive=True, group="kiosk-read")
    def load(self) -> None:
        """Read the stand-up at hand when the data or the slot changed: on a server the
        reads wait for the network, so they run here and the screen keeps its keys."""
        engine, config, now = self.app.engine, self.app.config, clock.now()
        minute = now.replace(second=0, microsecond=0)
        try:
            seen = fingerprint(engine)
            if (seen, minute) == self._read_for:  # running timers' minutes move on by themselves
                fresh = None
            else:
                sprint = standing_sprint(engine, config=config)
                fresh = meeting(
                    engine,
                    now=now,
                    times=config.standup_times,
                    zone=clock.zone(),
                    sprint_id=sprint.id if sprint else None,
                    coefficients=config.urgency,
                )
        except OUTAGES as error:  # the TV keeps what it shows, says so, and asks again
            self.app.call_from_thread(self.app.went_offline, why=outage_message(error))
            return
        self.app.call_from_thread(self.app.went_offline, why=None)
        if fresh is not None:
            self.app.call_from_thread(self.show, view=fresh, read_for=(seen, minute))

    def show(self, *, view: Meeting, read_for: tuple[Fingerprint, pendulum.DateTime]) -> None:
        """Draw the meeting read in the thread; the member on show stays on show."""
        on_show = self.member.member_id if self.member else None
        self.view, self._read_for = view, read_for
        self.notes = dict(view.notes)
        ids = [member.member_id for member in view.members]
        self.member_index = ids.index(on_show) if on_show in ids else 0
        self._draw()

    def _draw(self) -> None:
        for widget in (self.query_one(TeamList), self.query_one(MemberPanel)):
            widget.refresh()
        self.query_one(FiresList).refresh()
        self.query_one(DeckHeader).set_scope(
            _("read-only · next member every {n} s", n=self.every) if self.every else _("read-only")
        )

    def tick(self) -> None:
        """Each second: the member's turn ends when `every` seconds of the clock passed."""
        if self.every and clock.now() - self.turned_at >= pendulum.duration(seconds=self.every):
            self.action_member(1)

    def action_member(self, step: int) -> None:
        self.turned_at = clock.now()
        count = len(self.view.members) if self.view else 0
        if count:
            self.member_index = (self.member_index + step) % count
            self._draw()
