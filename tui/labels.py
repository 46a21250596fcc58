"""Words for stored values, shared by every screen and dialog that shows them."""

from __future__ import annotations

from model.i18n import N_
from model.tables import Channel, ClientStatus, DayOffKind

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
