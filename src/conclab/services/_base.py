"""What every conclab server shares: a background-thread lifecycle and a log hook.

Labs, exercises and tests run the servers *inside* their own process
(``with PracticeServer(port=0) as server: ...``), so a server must start in a
background thread, stop promptly and leave nothing behind, and hand its log
lines to the caller as structured events rather than printing them. The CLI
uses the very same objects and prints the events.
"""

from __future__ import annotations

import collections
import contextlib
import http.server
import os
import signal
import socket
import socketserver
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conclab.services._net import LOOPBACK, format_url, open_listener

#: How long a connection may stay silent before its request line arrives: an idle client
#: must not hold the single server, a forking child or a thread for long (curl sends at once).
CLIENT_TIMEOUT_S = 5.0
#: On stop, how long requests being answered may take before forked children are killed.
STOP_GRACE_S = 1.0


@dataclass(frozen=True)
class LogEvent:
    """One server log entry: a handler started or ended.

    ``before``/``after`` are the counter values a counter-server handler read
    and wrote (``None`` elsewhere); ``status`` is the HTTP status of an ended
    request; ``lane`` is the thread or asyncio task that ran it; ``time_s`` is
    ``time.perf_counter()``, one clock for every process, so events from forked
    children line up with the parent's.
    """

    kind: str
    method: str
    path: str
    pid: int
    lane: str
    time_s: float
    before: int | None = None
    after: int | None = None
    status: int | None = None

    @property
    def line(self) -> str:
        """The log line as a server prints it, e.g. ``end   GET /  count 3 -> 4  (Thread-5, pid 41)``."""
        text = f"{self.kind:<5} {self.method} {self.path}"
        if self.kind == "start" and self.before is not None:
            text += f"  count={self.before}"
        if self.kind == "end" and self.before is not None:
            text += f"  count {self.before} -> {self.after}"
        if self.status is not None:
            text += f"  status {self.status}"
        return f"{text}  ({self.lane}, pid {self.pid})"

    def to_json(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if value is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LogEvent:
        return cls(**data)


LogCallback = Callable[[LogEvent], None]


def lane_name() -> str:
    """The asyncio task or thread the caller runs on, for log lines."""
    import asyncio

    try:
        task = asyncio.current_task()
    except RuntimeError:
        task = None
    if task is not None:
        return task.get_name()
    return threading.current_thread().name


class BackgroundServer:
    """Lifecycle shared by the servers: bind in the caller's thread, serve in a background one.

    ``port=0`` lets the kernel pick a free port; read it back from :attr:`port`
    or :attr:`url` once started. Log events go to ``on_log`` (called one at a
    time, never concurrently, so the callback needs no lock of its own) and are
    kept in :attr:`events` (the last ``keep_events``).
    """

    kind = "server"

    def __init__(self, host: str = LOOPBACK, port: int = 0, *,
                 on_log: LogCallback | None = None, lang: str | None = None,
                 keep_events: int = 100_000) -> None:
        self.host = host
        self.requested_port = port
        self.port: int = port
        self.on_log = on_log
        self.lang = lang
        self._events: collections.deque[LogEvent] = collections.deque(maxlen=keep_events)
        self._emit_lock = threading.Lock()
        self._started = False
        self.handler_errors = 0

    # -- lifecycle -----------------------------------------------------------
    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash); valid once started."""
        return format_url(self.host, self.port)

    @property
    def running(self) -> bool:
        return self._started

    def start(self) -> BackgroundServer:
        """Bind (raising :class:`ConclabError` if the port is taken) and start serving."""
        if self._started:
            raise RuntimeError(f"{type(self).__name__} is already running at {self.url}")
        sock = open_listener(self.host, self.requested_port, lang=self.lang)
        self.port = sock.getsockname()[1]
        try:
            self._start(sock)
        except BaseException:
            sock.close()
            raise
        self._started = True
        return self

    def stop(self) -> None:
        """Stop accepting, finish or cancel what runs, reap children; safe to call twice."""
        if not self._started:
            return
        self._started = False
        self._stop()

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _start(self, sock: socket.socket) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _stop(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- log -------------------------------------------------------------------
    def emit(self, event: LogEvent) -> None:
        """Record ``event`` and pass it to ``on_log``, one event at a time."""
        with self._emit_lock:
            self._events.append(event)
            if self.on_log is not None:
                self.on_log(event)

    @property
    def events(self) -> list[LogEvent]:
        """The log so far, oldest first."""
        with self._emit_lock:
            return list(self._events)

    @property
    def log_lines(self) -> list[str]:
        """The log so far as text lines, the way ``conclab serve`` prints them."""
        return [event.line for event in self.events]


# -- socketserver plumbing ---------------------------------------------------------


class _QuietServerMixin:
    """A client hanging up mid-answer is normal under load: count it, print no traceback.

    Connections that have not sent their request line yet are tracked, so a stop
    can hang them up at once instead of waiting for each to time out.
    """

    app: BackgroundServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        self.app.handler_errors += 1

    def _idle_connections(self) -> tuple[set[socket.socket], threading.Lock]:
        if not hasattr(self, "_idle"):
            self._idle: set[socket.socket] = set()
            self._idle_lock = threading.Lock()
        return self._idle, self._idle_lock

    def mark_idle(self, connection: socket.socket, idle: bool) -> None:
        connections, lock = self._idle_connections()
        with lock:
            (connections.add if idle else connections.discard)(connection)

    def hang_up_idle(self) -> None:
        """Shut down every connection still waiting for its request (its read returns at once)."""
        connections, lock = self._idle_connections()
        with lock:
            waiting = list(connections)
        for connection in waiting:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class SingleHTTPServer(_QuietServerMixin, http.server.HTTPServer):
    """One request at a time, in the serving thread: the server of chapter 1's first act."""


class ThreadingHTTPServer(_QuietServerMixin, http.server.ThreadingHTTPServer):
    """A thread per request; daemon threads so a slow handler never blocks stop()."""

    daemon_threads = True
    block_on_close = False

    def process_request(self, request: Any, client_address: Any) -> None:
        # The stdlib names these "Thread-7 (process_request_thread)"; a short
        # numbered name reads better in log lines and timeline lanes.
        self._handlers_started = getattr(self, "_handlers_started", 0) + 1
        thread = threading.Thread(target=self.process_request_thread,
                                  args=(request, client_address),
                                  name=f"handler-{self._handlers_started}", daemon=True)
        thread.start()


class ForkingHTTPServer(_QuietServerMixin, socketserver.ForkingMixIn, http.server.HTTPServer):
    """A child process per request (POSIX only). Children are reaped by stop()."""

    max_children = 64
    block_on_close = True

    def process_request(self, request: Any, client_address: Any) -> None:
        # Python 3.12+ warns when a process with several threads forks: a child
        # may inherit a lock some other thread held. Our children run only the
        # handler, which takes no lock the parent's other threads use, then
        # call os._exit; so the warning does not apply here.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            super().process_request(request, client_address)


def make_socketserver(cls: type[socketserver.TCPServer], sock: socket.socket,
                      handler: type[socketserver.BaseRequestHandler],
                      app: BackgroundServer) -> socketserver.TCPServer:
    """Wrap an already bound and listening socket in a socketserver server.

    The server is built with ``bind_and_activate=False`` and handed our
    socket, so binding errors were already turned into one clear line and no
    reverse DNS lookup (``HTTPServer.server_bind`` calls ``getfqdn``) happens.
    """
    server = cls(sock.getsockname()[:2], handler, bind_and_activate=False)
    server.socket.close()
    server.socket = sock
    server.address_family = sock.family
    server.server_address = sock.getsockname()[:2]
    if isinstance(server, http.server.HTTPServer):
        server.server_name = app.host
        server.server_port = sock.getsockname()[1]
    server.app = app  # type: ignore[attr-defined]
    return server


class SocketServerRunner:
    """Runs ``serve_forever`` in a daemon thread and stops it promptly."""

    def __init__(self, server: socketserver.TCPServer, name: str) -> None:
        self.server = server
        self.thread = threading.Thread(target=self._serve, name=name, daemon=True)

    def _serve(self) -> None:
        # A short poll interval makes stop() answer within ~50 ms.
        self.server.serve_forever(poll_interval=0.05)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        """Stop promptly even with idle clients connected: they are hung up, forked children ended."""
        shutting = threading.Thread(target=self.server.shutdown, name="conclab-shutdown", daemon=True)
        shutting.start()
        hang_up = getattr(self.server, "hang_up_idle", None)
        while shutting.is_alive():
            if hang_up is not None:
                hang_up()  # the single server may be reading one; the next may be in the backlog
            shutting.join(0.02)
        if isinstance(self.server, socketserver.ForkingMixIn):
            _end_children(self.server)
        self.server.server_close()  # forking: waits for and reaps every child
        self.thread.join()


def _end_children(server: socketserver.ForkingMixIn) -> None:
    """Let forked children finish their answers for :data:`STOP_GRACE_S`, then kill the rest."""
    deadline = time.monotonic() + STOP_GRACE_S
    while server.active_children and time.monotonic() < deadline:
        server.collect_children()
        time.sleep(0.02)
    for pid in list(server.active_children or ()):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


class BaseHandler(http.server.BaseHTTPRequestHandler):
    """Plain HTTP/1.0 (one request per connection, as curl and the texts use it), no stderr noise."""

    server_version = "conclab"
    sys_version = ""
    protocol_version = "HTTP/1.0"
    #: A client that connects and says nothing must not hold a thread (or the single server) for long.
    timeout = CLIENT_TIMEOUT_S

    def setup(self) -> None:
        super().setup()
        self._mark_idle(True)

    def parse_request(self) -> bool:
        self._mark_idle(False)  # the request line came: it is being answered
        return super().parse_request()

    def finish(self) -> None:
        self._mark_idle(False)
        super().finish()

    def _mark_idle(self, idle: bool) -> None:
        mark = getattr(self.server, "mark_idle", None)
        if mark is not None:
            mark(self.connection, idle)

    @property
    def app(self) -> Any:
        return self.server.app  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Silenced: the servers report through :class:`LogEvent` instead."""

    def send_body(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8",
                  headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def make_event(self, kind: str, **fields: Any) -> LogEvent:
        return LogEvent(kind=kind, method=self.command or "", path=self.path, pid=os.getpid(),
                        lane=lane_name(), time_s=time.perf_counter(), **fields)

