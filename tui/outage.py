"""Screens and the app survive a database that goes away: nothing reaches the crash screen.

Every handler, action and read of our screens runs through `survive`: a
database outage there (a server stopped, a lock held too long) is handed to
the app, which marks itself offline and retries, instead of ending the app
with a traceback. The change that was being made is rolled back whole by its
transaction; a form stays open with what was typed in it.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from model.db import one_view
from model.outage import OUTAGES

# Methods of ours that Textual calls: event and message handlers, actions, and the
# reads (see _READS) and writes screens schedule for themselves.
_PREFIXES = ("on_", "_on_", "action_", "watch_")
_NAMES = frozenset(
    {
        "reload",
        "read_again",
        "_read_again",
        "reload_after_others",
        "show_rows",
        "refresh_facts",
        "_start_polling",
        "_note_own_write",
        "_adopt_fingerprint",
        "_ask_about_a_forgotten_timer",
        "_open_week",
    }
)


_READS = frozenset(
    {"reload", "read_again", "_read_again", "reload_after_others", "show_rows", "refresh_facts"}
)
"""The reads among them: each runs in one read transaction (`model.db.one_view`)."""


def in_one_view(method: Callable[..., Any]) -> Callable[..., Any]:
    """`method`'s reads in one read transaction: one BEGIN and one end for the whole view."""

    @functools.wraps(method)
    def viewed(self, *args, **kwargs):
        with one_view(self.app.engine):
            return method(self, *args, **kwargs)

    return viewed


def survive(method: Callable[..., Any]) -> Callable[..., Any]:
    """`method`, with a database outage handed to the app instead of raised."""
    if getattr(method, "_survives_outages", False):
        return method
    if method.__name__ in _READS and not inspect.iscoroutinefunction(method):
        method = in_one_view(method)
    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def guarded_async(self, *args, **kwargs):
            try:
                return await method(self, *args, **kwargs)
            except OUTAGES as error:
                self.app.went_offline(error)
                return None

        guarded = guarded_async
    else:

        @functools.wraps(method)
        def guarded_sync(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except OUTAGES as error:
                self.app.went_offline(error)
                return None

        guarded = guarded_sync
    guarded._survives_outages = True
    return guarded


class SurvivesOutages:
    """Mixed in first: our handlers of each subclass (and of its other mixins) survive."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Each method is wrapped where it is defined (the class or a mixin of ours), never
        # copied onto a subclass: Textual calls every class's own handler of a message.
        for klass in cls.__mro__:
            if not klass.__module__.startswith("tui."):
                continue
            for name, value in list(vars(klass).items()):
                if (name.startswith(_PREFIXES) or name in _NAMES) and inspect.isfunction(value):
                    setattr(klass, name, survive(value))
