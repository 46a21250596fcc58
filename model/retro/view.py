"""The retro as a whole: what the retro screen shows, and the same as a Markdown document.

`retro_view` gathers the numbers, checklist, notes and action items of one
sprint; the screen and `render_markdown` (behind `report retro`) both show it,
with the same words for the week and for what became of each action item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from model import clock
from model.config import DEFAULT_UTILISATION
from model.i18n import _
from model.reports.hours import md_cell
from model.retro.checklist import Check, checklist
from model.retro.notes import (
    NOTE_KINDS,
    NOTE_TITLES,
    ActionLine,
    action_items,
    notes,
    previous_action_items,
)
from model.retro.numbers import SprintNumbers, sprint_numbers
from model.retro.sprint import get_sprint
from model.tables import RetroNote, Sprint, SprintState, Status
from model.utilisation import BAND_WORDS, Utilisation
from model.weeks import as_date, iso_week_label


@dataclass(frozen=True)
class RetroView:
    """Everything the retro screen and its Markdown show."""

    sprint: Sprint
    numbers: SprintNumbers
    checks: tuple[Check, ...]
    notes: dict[str, tuple[RetroNote, ...]]
    actions: tuple[ActionLine, ...]
    previous: tuple[ActionLine, ...]

    @property
    def week(self) -> str:
        return iso_week_label(day=as_date(self.sprint.week_start))

    @property
    def closed(self) -> bool:
        return self.sprint.state == SprintState.CLOSED


def retro_view(
    engine: Engine,
    *,
    sprint_id: int,
    checklist_keys: Sequence[str],
    target: Mapping[str, float] = DEFAULT_UTILISATION,
) -> RetroView:
    """`target` is the config's utilisation band, which the team's utilisation is held to."""
    return RetroView(
        sprint=get_sprint(engine, sprint_id=sprint_id),
        numbers=sprint_numbers(engine, sprint_id=sprint_id, target=target),
        checks=checklist(engine, sprint_id=sprint_id, keys=checklist_keys),
        notes=notes(engine, sprint_id=sprint_id),
        actions=action_items(engine, sprint_id=sprint_id),
        previous=previous_action_items(engine, sprint_id=sprint_id),
    )


def week_title(*, sprint: Sprint) -> str:
    """ "2026-W47 · 16–22 Nov 2026", or "2026-W49 · 30 Nov – 6 Dec 2026" over a month's end."""
    first = as_date(sprint.week_start)
    last = first.add(days=6)
    if first.month == last.month:
        days = f"{first.format('D')}–{last.format('D MMM YYYY')}"
    else:
        days = f"{first.format('D MMM')} – {last.format('D MMM YYYY')}"
    return f"{iso_week_label(day=first)} · {days}"


def action_state(*, line: ActionLine) -> str:
    """What became of an action item, in words."""
    if line.task_id is None:
        return _("not a task yet")
    if line.task_archived and line.task_status != Status.DONE:
        return _("dropped (task #{id})", id=line.task_id)
    return _("{status} (task #{id})", status=_(line.task_status or ""), id=line.task_id)


def action_details(*, line: ActionLine) -> str:
    """Owner and due date: "Olena Koval, due 2026-11-27"."""
    parts = [line.owner] if line.owner else []
    if line.due_date is not None:
        parts.append(_("due {date}", date=as_date(line.due_date).isoformat()))
    return ", ".join(parts)


def utilisation_words(figure: Utilisation | None) -> str:
    """ "62 % (under target), 24.5 of 40 h billable", or a dash when no hours were available."""
    if figure is None or figure.band is None:
        return "—"
    return _(
        "{percent} % ({band}), {billable} of {available} h billable",
        percent=figure.percent,
        band=_(BAND_WORDS[figure.band]),
        billable=f"{round(figure.billable_hours, 1):g}",
        available=f"{round(figure.available_hours, 1):g}",
    )


def _number(value: float | None, *, places: int = 2) -> str:
    return "—" if value is None else f"{value:.{places}f}"


def render_markdown(view: RetroView) -> str:
    """The retro as a Markdown document for the team's notes."""
    numbers = view.numbers
    if view.closed:
        closed = clock.to_local(view.sprint.closed_at).format("YYYY-MM-DD HH:mm")
        status = _("closed {when}", when=closed)
    else:
        status = _("open")
    lines = [
        f"# {_('Retro {week}', week=week_title(sprint=view.sprint))}",
        "",
        f"- {_('Sprint')}: {status}",
    ]
    if view.sprint.goal:
        lines.append(f"- {_('Goal')}: {md_cell(view.sprint.goal)}")
    figures = (
        (_("Planned when agreed"), str(numbers.planned)),
        (_("Done"), str(numbers.done)),
        (_("Added mid-sprint"), str(numbers.added)),
        (_("Not done"), str(numbers.not_done)),
        (_("Fires"), str(numbers.fires)),
        (_("Promises kept"), str(numbers.promises_kept)),
        (_("Promises broken"), str(numbers.promises_broken)),
        (_("Days waiting on clients"), _number(numbers.waiting_days, places=1)),
        (_("Stand-ups held"), str(numbers.standups)),
        (_("Utilisation"), utilisation_words(numbers.utilisation)),
    )
    lines += ["", f"## {_('Numbers')}", "", f"| {_('Figure')} | |", "|---|---:|"]
    lines += [f"| {label} | {value} |" for label, value in figures]
    lines += ["", f"## {_('Hours per client')}", ""]
    if numbers.clients:
        lines += [
            f"| {_('Client')} | {_('Week')} | {_('Plan')} | {_('Month')} | {_('Budget')} |",
            "|---|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {md_cell(row.name)} ({md_cell(row.code)}) | {_number(row.hours)} | "
            f"{_number(row.planned_hours)} | {_number(row.month_hours)} | "
            f"{_number(row.budget_hours)} |"
            for row in numbers.clients
        ]
    else:
        lines.append(_("No time recorded."))
    first = as_date(view.sprint.week_start)
    days = [first.add(days=offset).format("ddd") for offset in range(7)]
    lines += [
        "",
        f"## {_('Remaining estimate per day (hours)')}",
        "",
        "| " + " | ".join(days) + " |",
        "|" + "---:|" * 7,
        "| " + " | ".join(_number(point, places=1) for point in numbers.burn) + " |",
        "",
        f"## {_('Checklist')}",
        "",
    ]
    for check in view.checks:
        mark = "x" if check.checked else " "
        why = f" — {md_cell(check.why)}" if check.why else ""
        lines.append(f"- [{mark}] {md_cell(check.label)}{why}")
    for kind in NOTE_KINDS:
        lines += ["", f"## {_(NOTE_TITLES[kind])}", ""]
        lines += [f"- {md_cell(note.text)}" for note in view.notes.get(kind, ())] or [_("None.")]
    lines += ["", f"## {_('Action items')}", ""]
    lines += [_action_markdown(line) for line in view.actions] or [_("None.")]
    if view.previous:
        lines += ["", f"## {_('From the last retro')}", ""]
        lines += [_action_markdown(line) for line in view.previous]
    return "\n".join(lines) + "\n"


def _action_markdown(line: ActionLine) -> str:
    details = action_details(line=line)
    parts = [md_cell(line.text), *([md_cell(details)] if details else [])]
    return "- " + " — ".join([*parts, action_state(line=line)])
