"""The practice server: a local stand-in for the public echo services the texts used.

The source texts fetched ``/delay/N``, ``/html``, ``/json`` and friends from a
public service on the internet. conclab serves its own equivalents on
loopback, so no lesson needs the network, and adds what a public service
cannot: live gauges of how many requests are in flight right now and at the
peak, which is how an exercise *measures* that a learner's code really ran
its requests concurrently.

Endpoints: ``/delay/{seconds}`` (up to 60), ``/status/{code}``, ``/html``,
``/json``, ``/xml``, ``/robots.txt``, ``/bytes/{n}`` (up to 1,000,000;
``?seed=S`` for other bytes), ``GET /stats`` ->
``{"served", "in_flight", "peak_in_flight"}`` and ``POST /stats/reset``.
``/stats`` itself is never counted, so reading the gauge does not move it;
neither is a request with an ``X-Conclab-Probe`` header (the load client's
``GET /count`` check).

Built on the standard library's ``ThreadingHTTPServer`` with daemon threads
and a deep listen backlog: a hundred slow requests at once are a hundred
sleeping threads, which is cheap.
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from conclab.services._base import (
    BackgroundServer,
    BaseHandler,
    LogCallback,
    SocketServerRunner,
    ThreadingHTTPServer,
    make_socketserver,
)
from conclab.services._net import LOOPBACK
from conclab.timeline import span

MAX_DELAY_S = 60.0
MAX_BYTES = 1_000_000

HTML_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>conclab practice page</title></head>
<body>
<h1>A page served by the conclab practice server</h1>
<p>Every request you send here stays on your own machine. Fetch this page,
<a href="/json">/json</a>, <a href="/xml">/xml</a> and
<a href="/delay/1">/delay/1</a> one after another, then all at once, and
compare the times.</p>
</body>
</html>
"""

JSON_DOC: dict[str, Any] = {
    "course": {
        "title": "Concurrency in Python",
        "chapters": [
            {"number": 1, "title": "A server that serves one request at a time, then many"},
            {"number": 2, "title": "Shared memory and race conditions"},
            {"number": 3, "title": "Mutual exclusion and atomicity"},
        ],
    }
}

XML_DOC = """<?xml version="1.0" encoding="utf-8"?>
<course title="Concurrency in Python">
  <chapter number="1">A server that serves one request at a time, then many</chapter>
  <chapter number="2">Shared memory and race conditions</chapter>
  <chapter number="3">Mutual exclusion and atomicity</chapter>
</course>
"""

ROBOTS_TXT = "User-agent: *\nDisallow: /deny\n"

INDEX_TXT = """conclab practice server
  /delay/{seconds}   answer after that many seconds (at most 60)
  /status/{code}     answer with that HTTP status
  /html /json /xml /robots.txt
  /bytes/{n}         n pseudo-random bytes (?seed=S)
  /stats             {"served", "in_flight", "peak_in_flight"}
  POST /stats/reset  zero the gauges
"""

TEXT = "text/plain; charset=utf-8"
#: Requests carrying this header are answered but never counted in the gauges.
PROBE_HEADER = "X-Conclab-Probe"
Answer = tuple[int, bytes, str]


class PracticeServer(BackgroundServer):
    """The practice HTTP server, running in a background thread.

    ``stats()`` reads the gauges; ``wait_for(lambda stats: ...)`` blocks until
    a condition on them holds (driven by a condition variable, not polling);
    ``release_delays()`` ends every ``/delay`` sleeping now, so a test can hold
    N requests in flight, check the gauge, then let them go.
    """

    kind = "practice"

    def __init__(self, host: str = LOOPBACK, port: int = 0, *,
                 on_log: LogCallback | None = None, lang: str | None = None) -> None:
        super().__init__(host, port, on_log=on_log, lang=lang)
        self._changed = threading.Condition()
        self._served = 0
        self._in_flight = 0
        self._peak = 0
        self._release = threading.Event()
        self._runner: SocketServerRunner | None = None

    # -- gauges ----------------------------------------------------------------
    def stats(self) -> dict[str, int]:
        """``{"served": N, "in_flight": N, "peak_in_flight": N}`` right now."""
        with self._changed:
            return {"served": self._served, "in_flight": self._in_flight,
                    "peak_in_flight": self._peak}

    def reset_stats(self) -> dict[str, int]:
        """Zero ``served``; the peak restarts from what is in flight now (it cannot be lower)."""
        with self._changed:
            self._served = 0
            self._peak = self._in_flight
            self._changed.notify_all()
        return self.stats()

    def wait_for(self, predicate: Callable[[dict[str, int]], bool], timeout: float = 10.0) -> bool:
        """Block until ``predicate(stats)`` is true; False if ``timeout`` passes first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                if predicate({"served": self._served, "in_flight": self._in_flight,
                              "peak_in_flight": self._peak}):
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)

    def release_delays(self) -> None:
        """End every ``/delay`` that is sleeping now (later ones sleep normally)."""
        with self._changed:
            released, self._release = self._release, threading.Event()
        released.set()

    def _enter(self) -> threading.Event:
        with self._changed:
            self._in_flight += 1
            self._peak = max(self._peak, self._in_flight)
            self._changed.notify_all()
            return self._release

    def _leave(self) -> None:
        with self._changed:
            self._in_flight -= 1
            self._served += 1
            self._changed.notify_all()

    # -- lifecycle -------------------------------------------------------------
    def _start(self, sock: socket.socket) -> None:
        server = make_socketserver(ThreadingHTTPServer, sock, _PracticeHandler, self)
        self._runner = SocketServerRunner(server, "conclab-practice")
        self._runner.start()

    def _stop(self) -> None:
        self.release_delays()  # no handler thread is left sleeping after stop()
        if self._runner is not None:
            self._runner.stop()
            self._runner = None

    # -- endpoints -------------------------------------------------------------
    def answer(self, path: str, query: str, release: threading.Event) -> Answer:
        """The response to ``GET path?query``: (status, body, content type)."""
        parts = [part for part in path.split("/") if part]
        if not parts:
            return 200, INDEX_TXT.encode(), TEXT
        head, rest = parts[0], parts[1:]
        if head == "delay" and len(rest) == 1:
            try:
                seconds = float(rest[0])
            except ValueError:
                seconds = -1.0
            if not 0 <= seconds <= MAX_DELAY_S:
                return 400, f"delay must be 0..{MAX_DELAY_S:g} seconds\n".encode(), TEXT
            release.wait(seconds)
            return 200, _json({"delay": seconds, "url": path}), "application/json"
        if head == "status" and len(rest) == 1:
            if rest[0].isdigit() and 200 <= int(rest[0]) <= 599:
                code = int(rest[0])
                return code, f"status {code}\n".encode(), TEXT
            return 400, b"status must be a code from 200 to 599\n", TEXT
        if head == "bytes" and len(rest) == 1:
            if rest[0].isdigit() and int(rest[0]) <= MAX_BYTES:
                seed_text = parse_qs(query).get("seed", ["0"])[0]
                seed = int(seed_text) if seed_text.isdigit() else 0
                return 200, random.Random(seed).randbytes(int(rest[0])), "application/octet-stream"
            return 400, f"n must be 0..{MAX_BYTES}\n".encode(), TEXT
        if len(parts) == 1:
            fixed = {
                "html": (HTML_PAGE, "text/html; charset=utf-8"),
                "json": (json.dumps(JSON_DOC, indent=2) + "\n", "application/json"),
                "xml": (XML_DOC, "application/xml"),
                "robots.txt": (ROBOTS_TXT, TEXT),
            }.get(head)
            if fixed is not None:
                return 200, fixed[0].encode(), fixed[1]
        return 404, b"not found; see / for the endpoints\n", TEXT


def _json(data: Any) -> bytes:
    return json.dumps(data).encode() + b"\n"


class _PracticeHandler(BaseHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        app: PracticeServer = self.app
        url = urlsplit(self.path)
        if url.path.rstrip("/") == "/stats":
            self.send_body(200, _json(app.stats()), "application/json")
            return
        if self.headers.get(PROBE_HEADER):
            # conclab's own tools asking "are you a counter server?" (GET /count)
            # must not show up in the learner's gauges.
            status, body, ctype = app.answer(url.path, url.query, threading.Event())
            self.send_body(status, body, ctype)
            return
        release = app._enter()
        status, body, ctype = 500, b"internal error\n", TEXT
        try:
            with span(f"GET {url.path}"):
                app.emit(self.make_event("start"))
                status, body, ctype = app.answer(url.path, url.query, release)
                app.emit(self.make_event("end", status=status))
        finally:
            # Leave before sending: once a client holds its answer, the gauges
            # already count it, so a test never sees a stale in_flight.
            app._leave()
        self.send_body(status, body, ctype)

    do_HEAD = do_GET  # noqa: N815

    def do_POST(self) -> None:  # noqa: N802
        app: PracticeServer = self.app
        length = self.headers.get("Content-Length", "0")
        if length.isdigit() and int(length) <= MAX_BYTES:
            self.rfile.read(int(length))
        if urlsplit(self.path).path.rstrip("/") == "/stats/reset":
            self.send_body(200, _json(app.reset_stats()), "application/json")
        else:
            self.send_body(405, b"only POST /stats/reset accepts POST\n")
