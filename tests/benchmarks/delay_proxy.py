"""A TCP proxy on 127.0.0.1 that delays every chunk it forwards: a slow network, made locally.

bench.py puts it between the app and a local PostgreSQL server to measure the
app as a team would see it over a network. Each chunk read from one side is
written to the other `delay` seconds after it was read, in order, in both
directions, so a request and its answer take 2 × `delay` more: latency is
added, bandwidth is not limited. An end of stream (a half-close) is forwarded
the same way, after the data before it; a connection is closed once both
directions have ended, or at once when either side fails.

The proxy runs an asyncio event loop in a thread of its own, so the process
that starts it can go on with blocking work; `stop()` closes the listening
socket and every connection.
"""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType

CHUNK = 1 << 16  # bytes read at a time
IN_FLIGHT = 64  # chunks held back per direction before reading pauses (backpressure)


async def _forward(
    *, source: asyncio.StreamReader, target: asyncio.StreamWriter, delay: float
) -> None:
    """Copy `source` to `target`, each chunk `delay` seconds after it arrived, then half-close."""
    loop = asyncio.get_running_loop()
    held: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue(maxsize=IN_FLIGHT)

    async def receive() -> None:
        while chunk := await source.read(CHUNK):
            await held.put((loop.time() + delay, chunk))
        await held.put((loop.time() + delay, b""))  # the end of the stream, delayed as well

    async def send() -> None:
        while True:
            due, chunk = await held.get()
            await asyncio.sleep(max(due - loop.time(), 0))
            if not chunk:
                if target.can_write_eof():
                    target.write_eof()
                return
            target.write(chunk)
            await target.drain()

    async with asyncio.TaskGroup() as group:
        group.create_task(receive())
        group.create_task(send())


class DelayProxy:
    """Listens on `host` (a free port unless given) and forwards to `upstream`, delayed.

    Use as a context manager, or call `start()` and `stop()`; `port` is known once started.
    """

    def __init__(
        self, *, upstream: tuple[str, int], delay: float, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.upstream = upstream
        self.delay = delay
        self.host = host
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="delay-proxy", daemon=True)
        self._connections: set[asyncio.Task[None]] = set()

    def start(self) -> DelayProxy:
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self

    def stop(self) -> None:
        if self._thread.ident is None:  # never started
            return
        if self._loop is not None and self._stopping is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join()

    def __enter__(self) -> DelayProxy:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:  # reported to start() when it happens before "ready"
            self._error = error
            self._ready.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        server = await asyncio.start_server(self._connection, self.host, self.port)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            await self._stopping.wait()
            server.close()
            for task in list(self._connections):
                task.cancel()
            await asyncio.gather(*self._connections, return_exceptions=True)

    async def _connection(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            await self._relay(client_in=client_in, client_out=client_out)
        except asyncio.CancelledError:
            pass  # stop(): the connection ends with the proxy
        finally:
            self._connections.discard(task)

    async def _relay(
        self, *, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        server_out: asyncio.StreamWriter | None = None
        try:
            server_in, server_out = await asyncio.open_connection(*self.upstream)
            async with asyncio.TaskGroup() as group:
                group.create_task(_forward(source=client_in, target=server_out, delay=self.delay))
                group.create_task(_forward(source=server_in, target=client_out, delay=self.delay))
        except* OSError:
            pass  # a side went away or could not be reached: close both, as a network would
        finally:
            for writer in (client_out, server_out):
                if writer is not None:
                    writer.close()
