"""The counter server: a web server that counts its requests, right or wrong.

Chapters 1 to 3 of the curriculum grow from this one server. Every request
(other than ``GET /count``) adds one to a shared counter, working for ``work``
seconds on the way; how it does so is the ``counter`` strategy:

``unsafe``
    read the count, work, write read+1: concurrent requests lose updates.
``spinlock``
    a hand-made lock (a boolean flag tested in a loop, then set). Broken on
    purpose: test-then-set is itself a critical section, so two handlers can
    both get in, and waiting burns CPU.
``lock``
    a ``threading.Lock`` (``asyncio.Lock`` in asyncio mode) held around the
    whole read-work-write: exact, but the slow work runs one at a time.
``locked-increment``
    work outside the lock, lock only the increment: exact *and* concurrent.

and ``mode`` says how requests are served: ``single`` (one at a time),
``threading`` (a thread each), ``forking`` (a child process each, so the
parent's count never moves) or ``asyncio`` (one event loop, a task each).

Use it in-process::

    with CounterServer(mode="threading", counter="unsafe", work=0.05) as server:
        ...  # send requests to server.url
        server.count, server.stats(), server.log_lines
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from conclab.errors import ConclabError
from conclab.i18n import Messages
from conclab.services._base import (
    CLIENT_TIMEOUT_S,
    BackgroundServer,
    BaseHandler,
    ForkingHTTPServer,
    LogCallback,
    LogEvent,
    SingleHTTPServer,
    SocketServerRunner,
    ThreadingHTTPServer,
    lane_name,
    make_socketserver,
)
from conclab.services._net import LISTEN_BACKLOG, LOOPBACK
from conclab.timeline import span

MODES = ("single", "threading", "forking", "asyncio")
COUNTERS = ("unsafe", "spinlock", "lock", "locked-increment")

#: Seconds of simulated work, or a callable run as the work (a test can pass
#: ``barrier.wait`` to hold every handler between read and write). In asyncio
#: mode a callable may return an awaitable, which is awaited.
Work = float | Callable[[], object]

MESSAGES = Messages({
    "bad_mode": {
        "en": "unknown mode {value!r}; choose one of: {choices}",
        "ja": "モード {value!r} はありません。次から選んでください: {choices}",
    },
    "bad_counter": {
        "en": "unknown counter {value!r}; choose one of: {choices}",
        "ja": "カウンター {value!r} はありません。次から選んでください: {choices}",
    },
    "bad_work": {
        "en": "work must be a number of seconds >= 0, got {value!r}; for example --work 0.05",
        "ja": "work は 0 以上の秒数で指定してください（指定値: {value!r}）。例: --work 0.05",
    },
    "no_fork": {
        "en": "forking mode needs os.fork, which this platform lacks; use --mode threading",
        "ja": "forking モードには os.fork が必要ですが、この環境にはありません。"
              "--mode threading を使ってください",
    },
})

#: A stop line the parent writes into its own log pipe once every child is reaped.
_DRAIN = b"{}\n"


def _is_seconds(value: object) -> bool:
    """A finite, non-negative number (NaN fails ``>= 0``, so it is refused too)."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and 0 <= value < float("inf"))


def check_counter_options(mode: str, counter: str, work: Work, lang: str | None = None) -> None:
    """Validate a mode/counter/work triple at the door, with the fix in the message."""
    if mode not in MODES:
        raise ConclabError(MESSAGES.get("bad_mode", "en", value=mode, choices=", ".join(MODES)),
                           ja=MESSAGES.get("bad_mode", "ja", value=mode, choices=", ".join(MODES)))
    if counter not in COUNTERS:
        raise ConclabError(MESSAGES.get("bad_counter", "en", value=counter,
                                        choices=", ".join(COUNTERS)),
                           ja=MESSAGES.get("bad_counter", "ja", value=counter,
                                        choices=", ".join(COUNTERS)))
    if not callable(work) and not _is_seconds(work):
        raise ConclabError(MESSAGES.get("bad_work", "en", value=work),
                           ja=MESSAGES.get("bad_work", "ja", value=work))
    if mode == "forking" and not hasattr(os, "fork"):
        raise ConclabError(MESSAGES.get("no_fork", "en"),
                           ja=MESSAGES.get("no_fork", "ja"))


class CounterServer(BackgroundServer):
    """A request-counting web server in one of four modes with one of four counters.

    ``GET /count`` answers ``{"count": N, "pid": P}`` from the process that
    handles it and is not counted (in forking mode that is a fresh child, whose
    copy of the count is the parent's: it never moves). ``/favicon.ico`` is not
    counted either, so a browser does not add two per visit. Any other GET
    counts and answers ``count: N (pid P)`` with headers ``X-Count``/``X-Pid``.

    ``work`` is seconds to sleep between read and write, or a callable run as
    the work. ``on_log`` receives each :class:`LogEvent` (forked children's
    included, sent up a pipe). ``spin_gap`` applies to the spinlock only.
    """

    kind = "counter"

    def __init__(self, mode: str = "threading", counter: str = "unsafe", work: Work = 0.0,
                 host: str = LOOPBACK, port: int = 0, *, on_log: LogCallback | None = None,
                 lang: str | None = None, spin_gap: bool = True) -> None:
        check_counter_options(mode, counter, work, lang)
        super().__init__(host, port, on_log=on_log, lang=lang)
        self.mode = mode
        self.counter = counter
        self.work = work
        #: spinlock only: yield between the flag's test and its set, so the flaw
        #: shows on most runs. False gives the bare test-then-set, which under
        #: the GIL "seems to work" and fails only when a switch lands in the gap.
        self.spin_gap = spin_gap
        #: The shared count, as this (the parent) process sees it.
        self.count = 0
        self._lock = threading.Lock()
        self._busy = False  # the spin lock's flag
        self._async_lock: asyncio.Lock | None = None
        self._gauge = threading.Lock()
        self._inside = 0
        self._peak_inside = 0
        self._handled = 0
        self._parent_pid = os.getpid()
        self._pipe: tuple[int, int] | None = None
        self._reader: threading.Thread | None = None
        self._runner: SocketServerRunner | _AsyncioRunner | None = None

    # -- public ----------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """Count, handled requests and how many handlers were ever in the critical section at once.

        ``handled`` is counted from the "end" log events, so it includes forked
        children's requests; ``peak_in_critical`` is measured in the serving
        process and is ``None`` in forking mode (each child is alone there).
        """
        with self._gauge:
            return {
                "mode": self.mode,
                "counter": self.counter,
                "work": self.work if not callable(self.work) else None,
                "count": self.count,
                "handled": self._handled,
                "peak_in_critical": None if self.mode == "forking" else self._peak_inside,
                "pid": self._parent_pid,
            }

    def reset(self) -> None:
        """Zero the count and the gauges (between the steps of a lab)."""
        with self._gauge:
            self.count = 0
            self._handled = 0
            self._peak_inside = self._inside

    def emit(self, event: LogEvent) -> None:
        if event.kind == "end" and event.before is not None:
            with self._gauge:
                self._handled += 1
        super().emit(event)

    # -- lifecycle -------------------------------------------------------------
    def _start(self, sock: socket.socket) -> None:
        self._parent_pid = os.getpid()
        name = f"conclab-counter-{self.mode}"
        if self.mode == "asyncio":
            self._runner = _AsyncioRunner(sock, self, name)
            self._runner.start()
            return
        server_class = {"single": SingleHTTPServer, "threading": ThreadingHTTPServer,
                        "forking": ForkingHTTPServer}[self.mode]
        if self.mode == "forking":
            self._pipe = os.pipe()
            self._reader = threading.Thread(target=self._read_child_events,
                                            name=f"{name}-log", daemon=True)
            self._reader.start()
        server = make_socketserver(server_class, sock, _CounterHandler, self)
        self._runner = SocketServerRunner(server, name)
        self._runner.start()

    def _stop(self) -> None:
        if self._runner is not None:
            self._runner.stop()
            self._runner = None
        if self._pipe is not None:
            read_fd, write_fd = self._pipe
            # Every child is reaped, so all their lines are already in the pipe:
            # the drain marker comes last and tells the reader to finish.
            os.write(write_fd, _DRAIN)
            if self._reader is not None:
                self._reader.join()
            os.close(write_fd)
            os.close(read_fd)
            self._pipe = None
            self._reader = None

    # -- log from any process ------------------------------------------------
    def _report(self, event: LogEvent) -> None:
        """Emit here, or, in a forked child, send the event up the pipe to the parent."""
        if os.getpid() == self._parent_pid or self._pipe is None:
            self.emit(event)
            return
        line = json.dumps(event.to_json()).encode() + b"\n"
        os.write(self._pipe[1], line)  # below PIPE_BUF, so lines never interleave

    def _read_child_events(self) -> None:
        assert self._pipe is not None
        read_fd = self._pipe[0]
        pending = b""
        while True:
            chunk = os.read(read_fd, 65536)
            if not chunk:
                return
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if line == _DRAIN.strip():
                    return
                with contextlib.suppress(ValueError, TypeError):
                    self.emit(LogEvent.from_json(json.loads(line)))

    # -- the critical section ------------------------------------------------
    @contextlib.contextmanager
    def _critical(self) -> Iterator[None]:
        """Mark the read-to-write stretch: a gauge of handlers inside, and a timeline span."""
        with self._gauge:
            self._inside += 1
            self._peak_inside = max(self._peak_inside, self._inside)
        try:
            with span("critical section", counter=self.counter):
                yield
        finally:
            with self._gauge:
                self._inside -= 1

    def _work_sync(self) -> None:
        if callable(self.work):
            self.work()
        else:
            # sleep(0) still gives up the GIL: even "no work" leaves a window.
            time.sleep(self.work)

    def count_sync(self) -> tuple[int, int]:
        """One counted request in a thread (or a forked child): returns (read, written)."""
        strategy = self.counter
        if strategy == "unsafe":
            with self._critical():
                before = self.count
                self._work_sync()
                self.count = after = before + 1
        elif strategy == "spinlock":
            with span("spin"):
                while self._busy:  # test ...
                    time.sleep(0)
                # ... a thread switch can land here, between the test and the set;
                # sleep(0) makes it likely enough to see, not just to reason about.
                if self.spin_gap:
                    time.sleep(0)
            self._busy = True  # ... then set: too late, another thread may be past the test too
            try:
                with self._critical():
                    before = self.count
                    self._work_sync()
                    self.count = after = before + 1
            finally:
                self._busy = False
        elif strategy == "lock":
            with self._lock, self._critical():
                before = self.count
                self._work_sync()
                self.count = after = before + 1
        else:  # locked-increment
            self._work_sync()
            with self._lock, self._critical():
                before = self.count
                self.count = after = before + 1
        return before, after

    async def _work_async(self) -> None:
        if callable(self.work):
            result = self.work()
            if inspect.isawaitable(result):
                await result
        else:
            await asyncio.sleep(self.work)

    async def count_async(self) -> tuple[int, int]:
        """One counted request as an asyncio task: returns (read, written)."""
        strategy = self.counter
        if strategy == "unsafe":
            with self._critical():
                before = self.count
                await self._work_async()
                self.count = after = before + 1
        elif strategy == "spinlock":
            with span("spin"):
                while self._busy:
                    await asyncio.sleep(0)
                # The same flaw as with threads: an await between test and set
                # (without it, nothing can run in between on one event loop).
                if self.spin_gap:
                    await asyncio.sleep(0)
            self._busy = True
            try:
                with self._critical():
                    before = self.count
                    await self._work_async()
                    self.count = after = before + 1
            finally:
                self._busy = False
        else:
            if self._async_lock is None:
                self._async_lock = asyncio.Lock()
            if strategy == "locked-increment":
                await self._work_async()
            async with self._async_lock:
                with self._critical():
                    before = self.count
                    if strategy == "lock":
                        await self._work_async()
                    self.count = after = before + 1
        return before, after

    # -- answers ---------------------------------------------------------------
    def count_body(self) -> bytes:
        body: dict[str, Any] = {"count": self.count, "pid": os.getpid()}
        if self.mode == "forking":  # each forked child counts in its own copy: this count never moves
            body["per_process"] = True
        return json.dumps(body).encode() + b"\n"

    @staticmethod
    def counted_body(after: int) -> tuple[bytes, dict[str, str]]:
        pid = os.getpid()
        return f"count: {after} (pid {pid})\n".encode(), {"X-Count": str(after), "X-Pid": str(pid)}


class _CounterHandler(BaseHandler):
    """The request handler of the single, threading and forking modes."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        app: CounterServer = self.app
        path = urlsplit(self.path).path
        if path == "/count":
            self.send_body(200, app.count_body(), "application/json")
            return
        if path == "/favicon.ico":
            self.send_body(404, b"not counted\n")
            return
        with span(f"GET {path}", mode=app.mode, counter=app.counter):
            app._report(self.make_event("start", before=app.count))
            before, after = app.count_sync()
            app._report(self.make_event("end", before=before, after=after, status=200))
        body, headers = app.counted_body(after)
        self.send_body(200, body, headers=headers)


# -- asyncio mode ----------------------------------------------------------------


class _AsyncioRunner:
    """An asyncio HTTP/1.0 server on its own event loop thread (the stdlib has none to reuse).

    Deliberately small: read the request head, answer, close. That is all
    curl, the load client and the lessons need, and it keeps the code the
    learner may open short enough to read.
    """

    def __init__(self, sock: socket.socket, app: CounterServer, name: str) -> None:
        self.sock = sock
        self.app = app
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stopping: asyncio.Event | None = None
        self.tasks: set[asyncio.Task[Any]] = set()
        self.failure: BaseException | None = None

    def start(self) -> None:
        self.thread.start()
        self.ready.wait()
        if self.failure is not None:
            raise self.failure

    def stop(self) -> None:
        if self.loop is not None and self.stopping is not None:
            with contextlib.suppress(RuntimeError):  # loop already closed
                self.loop.call_soon_threadsafe(self.stopping.set)
        self.thread.join()

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # reported to start(); never a thread traceback
            self.failure = exc
            self.ready.set()

    async def _main(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.stopping = asyncio.Event()
        server = await asyncio.start_server(self._client, sock=self.sock, backlog=LISTEN_BACKLOG)
        self.ready.set()
        try:
            await self.stopping.wait()
        finally:
            server.close()
            for task in list(self.tasks):
                task.cancel()
            await asyncio.gather(*self.tasks, return_exceptions=True)
            await server.wait_closed()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.tasks.add(task)
        try:
            await self._serve_one(reader, writer)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError,
                ConnectionError, ValueError):
            pass
        except asyncio.CancelledError:
            pass
        except Exception:
            self.app.handler_errors += 1
        finally:
            writer.close()
            if task is not None:
                self.tasks.discard(task)

    async def _serve_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=CLIENT_TIMEOUT_S)
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, _version = request_line.split(" ", 2)
        for line in header_lines:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length" and value.strip().isdigit():
                await reader.readexactly(int(value.strip()))
        app = self.app
        path = urlsplit(target).path
        headers: dict[str, str] = {}
        if method != "GET":
            status, body, ctype = 501, b"only GET is served\n", "text/plain; charset=utf-8"
        elif path == "/count":
            status, body, ctype = 200, app.count_body(), "application/json"
        elif path == "/favicon.ico":
            status, body, ctype = 404, b"not counted\n", "text/plain; charset=utf-8"
        else:
            def event(kind: str, **fields: Any) -> LogEvent:
                return LogEvent(kind=kind, method=method, path=target, pid=os.getpid(),
                                lane=lane_name(), time_s=time.perf_counter(), **fields)

            with span(f"GET {path}", mode=app.mode, counter=app.counter):
                app.emit(event("start", before=app.count))
                before, after = await app.count_async()
                app.emit(event("end", before=before, after=after, status=200))
            status, ctype = 200, "text/plain; charset=utf-8"
            body, headers = app.counted_body(after)
        reason = {200: "OK", 404: "Not Found", 501: "Not Implemented"}[status]
        lines = [f"HTTP/1.0 {status} {reason}", "Server: conclab", f"Content-Type: {ctype}",
                 f"Content-Length: {len(body)}", "Connection: close"]
        lines += [f"{key}: {value}" for key, value in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
