"""What "now" means for the rituals: the day, the week's sprint, the sprint new work goes
into, and the stand-up at hand, taken together from the one clock.

An app left open from Friday to Monday, or from the 11:00 stand-up to the 16:00 one,
must move on by itself; and once Friday's retro closes the week, new work goes into
the next week's sprint while the closed one keeps the numbers it closed with. Every
screen reads these from one `Now`, so none of them keeps a week of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pendulum
from sqlalchemy.engine import Engine

from model import clock
from model.config import Config
from model.slots import current_slot
from model.sprints import ensure_sprint, find_sprint, this_week_start
from model.tables import Sprint, SprintState
from model.weeks import as_date


@dataclass(frozen=True)
class Moment:
    """The clock's part of `Now`: when it differs, `Now` must be read again."""

    day: date
    slot: pendulum.DateTime  # the stand-up at hand: the latest that has begun


@dataclass(frozen=True)
class Now:
    moment: Moment
    week_sprint: Sprint  # the sprint of the week holding today: the retro's, closed or not
    sprint: Sprint  # where new work goes: this week's, or once that is closed the next open one

    @property
    def key(self) -> tuple:
        """What tells one `Now` from another: the rows themselves compare by identity."""
        return (self.moment, self.week_sprint.id, self.week_sprint.state, self.sprint.id)


def moment_of(*, config: Config) -> Moment:
    """Pure clock arithmetic: cheap enough to ask every second."""
    now = clock.now()
    return Moment(
        day=clock.today(),
        slot=current_slot(now=now, times=config.standup_times, zone=clock.zone()),
    )


def working_sprint(engine: Engine, *, week_sprint: Sprint) -> Sprint:
    """The first sprint from `week_sprint` on that is not closed (created when needed)."""
    sprint = week_sprint
    while sprint.state == SprintState.CLOSED:
        sprint = ensure_sprint(engine, week_start=as_date(sprint.week_start).add(weeks=1))
    return sprint


def now_of(engine: Engine, *, config: Config) -> Now:
    """The day, the stand-up and the sprints as they are at this instant."""
    week_sprint = ensure_sprint(
        engine, week_start=this_week_start(start_weekday=config.sprint_start_index)
    )
    return Now(
        moment=moment_of(config=config),
        week_sprint=week_sprint,
        sprint=working_sprint(engine, week_sprint=week_sprint),
    )


def standing_sprint(engine: Engine, *, config: Config) -> Sprint | None:
    """The sprint new work goes into, found without creating one: a read-only screen (the
    stand-up on the office TV) cannot open a week, and a week nobody opened has no work."""
    week_start = this_week_start(start_weekday=config.sprint_start_index)
    sprint = find_sprint(engine, week_start=week_start)
    while sprint is not None and sprint.state == SprintState.CLOSED:
        sprint = find_sprint(engine, week_start=as_date(sprint.week_start).add(weeks=1))
    return sprint
