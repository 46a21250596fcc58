"""Reminders: what the app tells a member unasked, while it runs.

- a promise to a client falls due within the hour, and when it has been missed;
- my timer runs past the end of my working day, or for over four hours;
- a client has had no update for longer than its cadence (or the agency's silence alert);
- a client's budget reached one of its alert thresholds (`alert_reminders`: the alerts
  are logged in the store, so each is said once by whichever app looks first).

(The stand-up's own reminders are `model.standup.due_reminder`.) This module says what
holds now. Each reminder has a key naming its occasion (the promise and its deadline, the
timer, the client and its last contact), so the app shows each once however often it
looks, and a new occasion (a moved deadline, a new silence) is a new reminder. Each kind
has its switch in the config's `[reminders]` table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pendulum
from sqlalchemy.engine import Engine

from model import clock
from model.alerts import FORECAST, Alert, ClientAlerts
from model.config import Config
from model.health import Promise, client_health, promises
from model.i18n import _, ngettext
from model.promises import PromiseState
from model.timetrack import end_of_work_day, running_entry
from model.weeks import as_date

SOON = pendulum.duration(hours=1)
"""A promise this close to its deadline is reminded of."""
MISSED_WITHIN = pendulum.duration(days=1)
"""A promise missed longer ago than this is the Clients screen's to show, not a toast's."""
LONG_TIMER_HOURS = 4


@dataclass(frozen=True)
class Reminder:
    switch: str
    """The config's `reminders.<switch>` that turns this kind off."""
    occasion: str
    """What makes this one of its kind new (a promise's deadline, a timer, a silence)."""
    title: str
    message: str
    task_id: int | None = None
    """The task it is about (a promise's, the running timer's): what the toast opens."""
    client_id: int | None = None
    """The client it is about, when no one task is: its detail is what the toast opens."""

    @property
    def key(self) -> str:
        """Said once per key while the app runs."""
        return f"{self.switch}:{self.occasion}"


def _at(instant: pendulum.DateTime) -> str:
    local = clock.to_local(instant)
    return local.format("HH:mm" if local.date() == clock.today() else "ddd HH:mm")


def _promise_message(*, promise: Promise, due: pendulum.DateTime, missed: bool) -> str:
    """The deadline as the client was told it: a time, or the end of a day."""
    title = promise.title
    if promise.due_time is not None:
        if missed:
            return _("was due at {time}: {title}", time=_at(due), title=title)
        return _("due at {time}: {title}", time=_at(due), title=title)
    assert promise.due_date is not None  # a promise has a deadline
    on = as_date(promise.due_date)
    day = on.format("ddd D MMM")
    if missed:
        return _("was due on {day}: {title}", day=day, title=title)
    return _("due by the end of {day}: {title}", day=day, title=title)


def _promise_occasion(
    *, promise: Promise, on: dict[str, bool], now: pendulum.DateTime
) -> tuple[str, str, str] | None:
    """The switch, title and message of what the promise calls for now, if anything."""
    due = promise.deadline
    if due is None:
        return None
    if on["promise_soon"] and promise.state == PromiseState.OPEN and due <= now + SOON:
        message = _promise_message(promise=promise, due=due, missed=False)
        return "promise_soon", _("Promise"), message
    missed = promise.state == PromiseState.OVERDUE and due > now - MISSED_WITHIN
    if on["promise_missed"] and missed:
        message = _promise_message(promise=promise, due=due, missed=True)
        return "promise_missed", _("Promise missed"), message
    return None


def _promises(engine: Engine, *, on: dict[str, bool], now: pendulum.DateTime) -> list[Reminder]:
    found = []
    for promise in promises(engine, since=now - MISSED_WITHIN):
        occasion = _promise_occasion(promise=promise, on=on, now=now)
        if occasion is None:
            continue
        switch, title, message = occasion
        found.append(
            Reminder(
                switch=switch,
                occasion=f"{promise.task_id}:{promise.deadline}",
                title=title,
                message=message,
                task_id=promise.task_id,
            )
        )
    return found


def _timer(
    engine: Engine, *, member_id: int, on: dict[str, bool], config: Config, now: pendulum.DateTime
) -> list[Reminder]:
    running = running_entry(engine, member_id=member_id)
    if running is None:
        return []
    entry, found = running.entry, []
    title = f"{running.client_code}: {running.task_title}"
    day_end = end_of_work_day(entry=entry, work_day_end=config.work_day_end)
    if on["timer_late"] and day_end <= now:
        found.append(
            Reminder(
                switch="timer_late",
                occasion=str(entry.id),
                title=_("Timer still running"),
                message=_(
                    "the working day ended at {time}: {title}", time=_at(day_end), title=title
                ),
                task_id=entry.task_id,
            )
        )
    if on["timer_long"] and running.elapsed_seconds > LONG_TIMER_HOURS * 3600:
        found.append(
            Reminder(
                switch="timer_long",
                occasion=str(entry.id),
                title=_("Timer still running"),
                message=ngettext(
                    "over {n} hour on {title}",
                    "over {n} hours on {title}",
                    n=LONG_TIMER_HOURS,
                    title=title,
                ),
                task_id=entry.task_id,
            )
        )
    return found


def _cadence(engine: Engine, *, sprint_id: int, config: Config) -> list[Reminder]:
    found = []
    for health in client_health(
        engine, sprint_id=sprint_id, silence_alert_days=config.silence_alert_days
    ):
        signals = health.signals
        if not health.silence_alert or signals.paused:
            continue
        last = "never" if signals.last_contact is None else signals.last_contact.isoformat()
        found.append(
            Reminder(
                switch="cadence",
                occasion=f"{signals.client_id}:{last}",
                title=_("No update"),
                message=ngettext(
                    "{client}: no update for {n} working day",
                    "{client}: no update for {n} working days",
                    n=signals.silent_days,
                    client=signals.name,
                ),
                client_id=signals.client_id,
            )
        )
    return found


def due_reminders(
    engine: Engine, *, member_id: int | None, sprint_id: int, config: Config
) -> list[Reminder]:
    """Every reminder whose occasion holds now and whose switch is on."""
    now, on = clock.now(), config.reminders
    found = []
    if on["promise_soon"] or on["promise_missed"]:
        found += _promises(engine, on=on, now=now)
    if member_id is not None and (on["timer_late"] or on["timer_long"]):
        found += _timer(engine, member_id=member_id, on=on, config=config, now=now)
    if on["cadence"]:
        found += _cadence(engine, sprint_id=sprint_id, config=config)
    return found


def _hours(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _said(*, client: ClientAlerts, kind: str, message: str) -> Reminder:
    return Reminder(
        switch="budget",
        occasion=f"{client.client_id}:{client.month}:{kind}",
        title=_("Budget"),
        message=message,
        client_id=client.client_id,
    )


def alert_reminders(*, alerts: Sequence[Alert]) -> list[Reminder]:
    """What the app says of alerts just logged: for each client the highest threshold
    reached (a jump past two says the higher), and the forecast on its own."""
    highest: dict[int, Alert] = {}
    forecasts: list[Alert] = []
    for alert in alerts:
        if alert.kind == FORECAST:
            forecasts.append(alert)
        else:
            highest[alert.client.client_id] = alert  # lowest first: the last is the highest
    said = [
        _said(
            client=alert.client,
            kind=alert.kind,
            message=_(
                "{client} has used {threshold} % of the month's hours: {used} of {budget} h",
                client=alert.client.name,
                threshold=alert.kind,
                used=_hours(alert.client.used_hours),
                budget=_hours(alert.client.budget_hours or 0.0),
            ),
        )
        for alert in highest.values()
    ]
    for alert in forecasts:
        day = alert.client.runs_out_on
        assert day is not None  # a forecast is reached only with a day
        message = _(
            "{client}: at this pace the month's hours run out on {day}",
            client=alert.client.name,
            day=day.format("ddd D MMM"),
        )
        said.append(_said(client=alert.client, kind=FORECAST, message=message))
    return said
