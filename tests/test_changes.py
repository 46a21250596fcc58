"""Noticing others' changes: on PostgreSQL a commit is heard within a second."""

from __future__ import annotations

import threading

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
