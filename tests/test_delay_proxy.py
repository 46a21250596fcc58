"""The benchmark's delaying proxy forwards every byte both ways, half-closes, and delays.

Only correctness is checked here: the benchmark itself is a measurement, not a test.
The delay is checked from below only (a round trip takes at least twice the delay).
"""

from __future__ import annotations

import os
import socket
import socketserver
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.benchmarks.delay_proxy import DelayProxy

DELAY = 0.05  # seconds each way


class Reverser(socketserver.BaseRequestHandler):
    """Reads until the client half-closes, then answers with the bytes reversed and closes."""

    def handle(self) -> None:
        received = bytearray()
        while chunk := self.request.recv(1 << 16):
            received += chunk
        self.request.sendall(bytes(reversed(received)))


@pytest.fixture
def upstream():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Reverser)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server.server_address
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(upstream):
    with DelayProxy(upstream=upstream, delay=DELAY) as running:
        yield running


def exchange(*, port: int, payload: bytes) -> tuple[bytes, float]:
    """Send `payload`, half-close, read the answer to its end; and the time to its first byte."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(payload)
        sent = time.monotonic()
        connection.shutdown(socket.SHUT_WR)
        answer = bytearray(connection.recv(1 << 16))
        first_byte = time.monotonic() - sent
        while chunk := connection.recv(1 << 16):
            answer += chunk
    return bytes(answer), first_byte


def test_bytes_cross_both_ways_and_a_round_trip_takes_twice_the_delay(proxy):
    payload = b"SELECT 1;\x00" + bytes(range(256))
    answer, round_trip = exchange(port=proxy.port, payload=payload)
    assert answer == payload[::-1]
    assert round_trip >= 2 * DELAY


def test_many_connections_at_once_each_get_their_own_bytes_back(proxy):
    # Large enough to be read and written in many chunks, each its own content.
    payloads = [os.urandom(300_000 + n) for n in range(16)]
    with ThreadPoolExecutor(max_workers=len(payloads)) as pool:
        answers = list(pool.map(lambda data: exchange(port=proxy.port, payload=data), payloads))
    assert [answer for answer, _time in answers] == [data[::-1] for data in payloads]


def test_stop_closes_the_listening_port(upstream):
    with DelayProxy(upstream=upstream, delay=DELAY) as running:
        port = running.port
        assert exchange(port=port, payload=b"ping")[0] == b"gnip"
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
