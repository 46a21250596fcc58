"""Noticing others' changes: on PostgreSQL a commit is heard within a second."""

from __future__ import annotations

import itertools
import threading
import time

import pytest
from sqlalchemy import create_engine

from model import clock
from model.changes import listen
from model.db import transaction
from model.tables import Client


def add_client(engine, code: str) -> None:
    with transaction(engine) as session:
        session.add(Client(name=f"Client {code}", code=code, created_at=clock.now()))


def test_a_change_on_the_server_is_heard_within_a_second(store):
    if store.dialect.name != "postgresql":
        heard = threading.Event()
        listen(store, heard=heard.set, stopped=lambda: False)  # SQLite: returns at once
        assert not heard.is_set()
        return
    ready, heard, stop = threading.Event(), threading.Event(), threading.Event()
    listener = threading.Thread(
        target=listen,
        kwargs={"engine": store, "heard": heard.set, "stopped": stop.is_set, "ready": ready.set},
    )
    listener.start()
    other = create_engine(store.url)
    try:
        assert ready.wait(timeout=10)
        assert not heard.is_set()
        add_client(other, "AC")
        assert heard.wait(timeout=1.0), "not heard within a second"
    finally:
        stop.set()
        listener.join(timeout=5)
        other.dispose()
    assert not listener.is_alive()


def test_the_apps_own_writes_are_not_heard_as_others(store):
    """Own changes are on screen already: two own commits are not heard (another's is, by
    the test above). They commit once the listener listens, and it stops when a wait of
    its own found nothing more: then it has taken in every notification."""
    if store.dialect.name != "postgresql":
        pytest.skip("notifications are PostgreSQL's")
    heard: list[int] = []
    asked: list[float] = []

    def commit_two() -> None:
        add_client(store, "OW")
        add_client(store, "OX")

    def drained() -> bool:
        """True from the moment the listener waited its second (`notifies`' timeout) in vain."""
        asked.append(time.monotonic())
        return any(later - earlier >= 0.9 for earlier, later in itertools.pairwise(asked))

    listen(store, heard=lambda: heard.append(1), stopped=drained, ready=commit_two)
    assert heard == [], "an own write was heard as another's"
