"""Every table of the store, in one place so the schema reads as one design.

Instants are aware datetimes stored as UTC; calendar days (a due date, a week
start) are plain dates in the configured time zone. Enumerations are stored as
their string values so that PostgreSQL needs no native enum types and a new
value needs no migration.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class Status(StrEnum):
    INBOX = "inbox"
    BACKLOG = "backlog"
    TODO = "todo"
    DOING = "doing"
    WAITING = "waiting"
    REVIEW = "review"
    DONE = "done"


BOARD_STATUSES = (
    Status.BACKLOG,
    Status.TODO,
    Status.DOING,
    Status.WAITING,
    Status.REVIEW,
    Status.DONE,
)


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


PRIORITY_ORDER = (Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW)


class ClientStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ARCHIVED = "archived"


class Channel(StrEnum):
    EMAIL = "email"
    CHAT = "chat"
    CALL = "call"
    MESSENGER = "messenger"
    MEETING = "meeting"


class Direction(StrEnum):
    INBOUND = "in"
    OUTBOUND = "out"


class InteractionKind(StrEnum):
    """What a logged interaction was for, when it was more than a contact."""

    CONTACT = ""
    REPORT = "report"  # the weekly report; the retro checks every client got one
    NUDGE = "nudge"  # a push on a task waiting on the client
    PLAN = "plan"  # the sprint plan sent for agreement


class SprintState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Client(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    code: str = Field(unique=True)
    colour: str = "#5f87af"
    notes: str = ""
    site: str = ""
    preferred_channel: str = Channel.EMAIL
    status: str = ClientStatus.ACTIVE
    cadence_days: int | None = None
    """How often the client expects an update, in working days; None: the config's default."""
    language: str = ""
    """The language of the client's reports (en, uk, ru); empty: the app's own."""
    created_at: datetime
    billable: bool = True
    """Whether its time is billed unless a task or an entry says otherwise (see model.billing)."""
    rounding_minutes: int = 0
    """Billed time is rounded up to this many minutes (0: not rounded); raw time is kept."""
    rounding_scope: str = "entry"
    """What is rounded: each entry, or the sum of a task's entries of a day (`task-day`)."""
    rollover: str = "expire"
    """Unused hours at a month's end: `expire`, or `carry` to the next (see model.rollover)."""
    carry_cap_hours: float | None = None
    """At most this many hours carried out of a month; None: all."""
    carry_months: int | None = None
    """Carried hours last this many months, then expire; None: until used."""
    overuse: str = "writeoff"
    """Hours used over a month's budget: `writeoff`, or carried as a `deficit` to the next."""
    rollover_since: date | None = None
    """The first month carried from: the one the client began to carry or owe in."""
    alert_thresholds: str = "75,90,100"
    """Percentages of the month's hours that raise an alert when reached (model.alerts)."""


class Budget(SQLModel, table=True):
    """Monthly paid hours of a client, in force from `from_month` until a later row."""

    __table_args__ = (UniqueConstraint("client_id", "from_month"),)
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    from_month: date
    hours: float


class BudgetAlert(SQLModel, table=True):
    """A budget threshold a client reached in a month, logged so it is said once."""

    __table_args__ = (UniqueConstraint("client_id", "month", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id")
    month: date
    kind: str
    """A percentage ("90") or `forecast` (the pace runs out before the month's end)."""
    crossed_at: datetime


class Rate(SQLModel, table=True):
    """A client's hourly rate, for all its time (`role` empty) or for members of one role.

    Kept in whole cents (an integer, exact on both back ends) of the agency's currency.
    """

    __table_args__ = (UniqueConstraint("client_id", "role"),)
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    role: str = ""
    cents: int


class Contact(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    name: str
    role: str = ""
    email: str = ""
    phone: str = ""
    messenger: str = ""
    notes: str = ""
    archived_at: datetime | None = None


class Member(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    initials: str
    role: str = ""
    weekly_capacity_hours: float = 40.0
    working_days: str = "12345"
    """ISO weekdays the member works (1 Monday … 7 Sunday): capacity is spread over them."""
    active: bool = True
    manager: bool = False
    """Sees money and approves timesheets; the model functions that do either check it."""


class DayOffKind(StrEnum):
    HOLIDAY = "holiday"
    VACATION = "vacation"
    SICK = "sick"


class DayOff(SQLModel, table=True):
    """Days from `first` to `last` (both included) a member does not work."""

    __table_args__ = (Index("ix_dayoff_member_span", "member_id", "first", "last"),)
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    first: date
    last: date
    kind: str = DayOffKind.VACATION
    note: str = ""
    archived_at: datetime | None = None


class Sprint(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    week_start: date = Field(unique=True)
    goal: str = ""
    state: str = SprintState.OPEN
    closed_at: datetime | None = None


class Task(SQLModel, table=True):
    __table_args__ = (
        Index("ix_task_board", "status", "archived_at", "client_id", "position"),
        Index("ix_task_sprint", "sprint_id", "status"),
        Index("ix_task_updated_at", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    title: str
    description: str = ""
    status: str = Status.INBOX
    priority: str = Priority.NORMAL
    estimate_hours: float | None = None
    assignee_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    due_date: date | None = None
    due_time: time | None = None
    sprint_id: int | None = Field(default=None, foreign_key="sprint.id")
    position: float = 0.0
    labels: str = ""
    fire: bool = False
    blocked: bool = False
    promised_at: datetime | None = None
    waiting_since: datetime | None = None
    waiting_seconds: int = 0
    carried_over: int = 0
    created_at: datetime
    updated_at: datetime
    done_at: datetime | None = None
    archived_at: datetime | None = None
    archive_reason: str = ""
    duplicate_of_id: int | None = Field(default=None, foreign_key="task.id")
    external_id: str | None = Field(default=None, index=True)
    version: int = 1
    billable: bool | None = None
    """None: as the client says."""


class ChecklistItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    text: str
    done: bool = False
    position: int = 0


class TaskComment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    at: datetime
    author: str = ""
    text: str


class TaskEvent(SQLModel, table=True):
    """One change of a tracked field: the history behind the retro and the stand-up."""

    __table_args__ = (Index("ix_taskevent_at", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    at: datetime
    member_id: int | None = Field(default=None, foreign_key="member.id")
    field: str
    old: str | None = None
    new: str | None = None


class ClientPlan(SQLModel, table=True):
    """A client's part of a sprint; `agreed_snapshot` keeps what the client agreed to."""

    __table_args__ = (UniqueConstraint("sprint_id", "client_id"),)
    id: int | None = Field(default=None, primary_key=True)
    sprint_id: int = Field(foreign_key="sprint.id", index=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    planned_hours: float = 0.0
    agreed_at: datetime | None = None
    agreed_snapshot: str = ""
    note: str = ""


class TimeEntry(SQLModel, table=True):
    """Time worked on a task; a running timer is an entry with no end."""

    __table_args__ = (
        Index("ix_timeentry_member_start", "member_id", "start"),
        Index("ix_timeentry_start", "start"),
        Index("ix_timeentry_end", "end"),
        Index("ix_timeentry_task", "task_id"),
        Index("ix_timeentry_source_key", "source_key", unique=True),
    )
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id")
    member_id: int = Field(foreign_key="member.id")
    start: datetime
    end: datetime | None = None
    note: str = ""
    archived_at: datetime | None = None
    source_key: str | None = None
    """The export row an imported entry came from (`model.importers.timeentries`)."""
    billable: bool | None = None
    """None: as the task says, then the client; an import sets what its tracker said."""


class TimesheetState(StrEnum):
    """A member's week: open until submitted; a returned week is open again to fix."""

    OPEN = "open"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


class Timesheet(SQLModel, table=True):
    """A member's week under review (no row: the week is open). While approved, the
    member's entries touching [starts_at, ends_at) are locked."""

    __table_args__ = (
        UniqueConstraint("member_id", "week_start"),
        Index("ix_timesheet_lock", "member_id", "state", "starts_at"),
        Index("ix_timesheet_week", "week_start"),
    )
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    week_start: date
    starts_at: datetime
    """The week's first instant (its first local midnight then), so the lock needs no zone."""
    ends_at: datetime
    state: str = TimesheetState.SUBMITTED
    note: str = ""
    """Why the week was returned, or unlocked."""
    by_id: int | None = Field(default=None, foreign_key="member.id")
    """Who made the last change of state."""
    at: datetime


class TimesheetUnlock(SQLModel, table=True):
    """A manager's unlock of an approved week: who, when, why, and for which entry."""

    id: int | None = Field(default=None, primary_key=True)
    timesheet_id: int = Field(foreign_key="timesheet.id", index=True)
    by_id: int = Field(foreign_key="member.id")
    at: datetime
    reason: str
    entry_id: int | None = Field(default=None, foreign_key="timeentry.id")


class Standup(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slot_at: datetime = Field(index=True)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    note: str = ""
    snapshot: str = ""


class StandupNote(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("standup_id", "member_id"),)
    id: int | None = Field(default=None, primary_key=True)
    standup_id: int = Field(foreign_key="standup.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    text: str = ""


class Retro(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    sprint_id: int = Field(foreign_key="sprint.id", unique=True)
    created_at: datetime
    finished_at: datetime | None = None


class RetroCheck(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("retro_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    retro_id: int = Field(foreign_key="retro.id", index=True)
    key: str
    label: str
    checked: bool = False


class RetroNote(SQLModel, table=True):
    """A "went well" or "to improve" line of a retro."""

    id: int | None = Field(default=None, primary_key=True)
    retro_id: int = Field(foreign_key="retro.id", index=True)
    kind: str
    text: str
    position: int = 0


class ActionItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    retro_id: int = Field(foreign_key="retro.id", index=True)
    text: str
    owner_id: int | None = Field(default=None, foreign_key="member.id")
    due_date: date | None = None
    position: int = 0
    task_id: int | None = Field(default=None, foreign_key="task.id")


class Interaction(SQLModel, table=True):
    __table_args__ = (Index("ix_interaction_client_at", "client_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id")
    at: datetime
    channel: str = Channel.EMAIL
    direction: str = Direction.OUTBOUND
    summary: str = ""
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    kind: str = ""
    task_id: int | None = Field(default=None, foreign_key="task.id")


class Kpi(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    name: str
    unit: str = ""
    baseline: float | None = None
    target: float | None = None


class KpiValue(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    kpi_id: int = Field(foreign_key="kpi.id", index=True)
    at: datetime
    value: float


class Hypothesis(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    statement: str
    metric: str = ""
    budget: str = ""
    risk_note: str = ""
    decision_on: date | None = None
    result: str = ""


class UpsellIdea(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    text: str
    created_at: datetime


class Satisfaction(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    at: datetime
    score: int
    note: str = ""


class RecurrenceKind(StrEnum):
    WEEKLY = "weekly"  # on `weekday`, every `every_weeks` weeks from the week of `since`
    MONTHLY_DAY = "monthly_day"  # on `month_day`, or the month's last day when it is shorter
    FIRST_WORKDAY = "first_workday"  # the month's first Monday-to-Friday day
    LAST_WORKDAY = "last_workday"  # the month's last Monday-to-Friday day


class Recurrence(SQLModel, table=True):
    """The rule that makes a task's next occurrences, one per period (a week or a month).

    The task is the pattern every occurrence copies. Occurrences fall on or after `since`
    and on or before `until`; an edit moves `since` to the day of the edit, so what was
    made before keeps its dates."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", unique=True)
    kind: str = RecurrenceKind.WEEKLY
    weekday: int = 1
    """ISO weekday (1 Monday … 7 Sunday) of a weekly rule."""
    every_weeks: int = 1
    month_day: int = 1
    since: date
    until: date | None = None
    updated_at: datetime


class Occurrence(SQLModel, table=True):
    """A task a rule made: one per rule and period, which is what makes making them idempotent."""

    __table_args__ = (UniqueConstraint("recurrence_id", "period"),)
    id: int | None = Field(default=None, primary_key=True)
    recurrence_id: int = Field(foreign_key="recurrence.id", index=True)
    period: date
    """The first day of the week (weekly rules) or of the month (monthly ones)."""
    on: date
    task_id: int = Field(foreign_key="task.id", index=True)


class SprintTemplate(SQLModel, table=True):
    """A client's planned sprint saved to plan again: the standing work of a kind of week."""

    __table_args__ = (UniqueConstraint("client_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    name: str
    created_at: datetime


class TemplateTask(SQLModel, table=True):
    """One task of a template, as the pattern of the task applying it makes."""

    id: int | None = Field(default=None, primary_key=True)
    template_id: int = Field(foreign_key="sprinttemplate.id", index=True)
    position: int = 0
    title: str
    description: str = ""
    priority: str = Priority.NORMAL
    estimate_hours: float | None = None
    assignee_id: int | None = Field(default=None, foreign_key="member.id")
    labels: str = ""
    checklist: str = ""
    """The checklist's items, one a line."""
