"""Words for stored values, shared by every screen and dialog that shows them."""

from __future__ import annotations

from model.i18n import N_, _
from model.standup import STATUS_WORDS
from model.tables import Channel, ClientStatus, DayOffKind, Priority, Status
from model.utilisation import Band, Utilisation

CHANNEL_TITLES = {
    Channel.EMAIL: N_("Email"),
    Channel.CHAT: N_("Chat"),
    Channel.CALL: N_("Call"),
    Channel.MESSENGER: N_("Messenger"),
    Channel.MEETING: N_("Meeting"),
}

CLIENT_STATUS_TITLES = {
    ClientStatus.ACTIVE: N_("Active"),
    ClientStatus.PAUSED: N_("Paused"),
    ClientStatus.ARCHIVED: N_("Archived"),
}

KIND_TITLES = {
    DayOffKind.VACATION: N_("Vacation"),
    DayOffKind.HOLIDAY: N_("Holiday"),
    DayOffKind.SICK: N_("Sick"),
}

STATUS_TITLES = {
    Status.BACKLOG: N_("Backlog"),
    Status.TODO: N_("To do"),
    Status.DOING: N_("Doing"),
    Status.WAITING: N_("Waiting"),
    Status.REVIEW: N_("Review"),
    Status.DONE: N_("Done this sprint"),
}

PRIORITY_MARKS = {
    Priority.URGENT: ("‼", "$error"),
    Priority.HIGH: ("!", "$warning"),
    Priority.NORMAL: ("", ""),
    Priority.LOW: ("↓", "$text-muted"),
}

BAND_MARKS = {
    Band.BELOW: ("↓", "$warning"),
    Band.IN: ("✓", "$success"),
    Band.ABOVE: ("↑", "$warning"),
}
"""A utilisation's place against the target band, after its percent."""


def utilisation_mark(utilisation: Utilisation | None) -> tuple[str, str]:
    """ "45%↓" and its style; nothing when no hours were available to use."""
    if utilisation is None or utilisation.band is None:
        return ("", "")
    mark, style = BAND_MARKS[utilisation.band]
    return (f"{utilisation.percent}%{mark}", style)


def status_title(status: str) -> str:
    """A status as a short word: "untriaged", "to do", "done" (not the board's column titles)."""
    return _(STATUS_WORDS[Status(status)])
