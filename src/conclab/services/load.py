"""The load client: N requests with C in flight, latency percentiles, and the counter check.

It is how a lab turns "the server loses counts under concurrency" into
numbers: send ``requests`` GETs with ``concurrency`` of them in flight at
every moment, time each one, and when the target is a counter server, read
``GET /count`` before and after to compare what the server counted with what
it answered.

It talks to loopback only unless ``allow_remote`` is set, and it decides that
from the URL's text *before* resolving the name, so a refusal sends nothing,
not even a DNS query. Threads with ``http.client`` are enough (the client
mostly waits on sockets) and keep it in the standard library the lab teaches.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import math
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from conclab.errors import ConclabError
from conclab.i18n import Messages, choose_lang
from conclab.services._net import LOOPBACK, is_loopback_host

MAX_CONCURRENCY = 1000

MESSAGES = Messages({
    "bad_url": {
        "en": "cannot use {url!r} as a target; give a URL like http://127.0.0.1:8000/",
        "ja": "{url!r} は対象の URL として使えません。http://127.0.0.1:8000/ のように指定してください",
    },
    "bad_scheme": {
        "en": "only http:// URLs are supported, got {url!r}; the local servers speak plain HTTP",
        "ja": "http:// の URL だけに対応しています（指定値: {url!r}）。ローカルのサーバーは平文の HTTP です",
    },
    "remote": {
        "en": "refusing to send load to {host!r}, which is not this machine's loopback; "
              "use 127.0.0.1 or localhost, or pass --allow-remote if you own that server",
        "ja": "{host!r} はこのマシンのループバックではないため負荷を送りません。"
              "127.0.0.1 か localhost を使うか、自分が管理するサーバーなら --allow-remote を付けてください",
    },
    "bad_count": {
        "en": "{name} must be between 1 and {limit}, got {value}",
        "ja": "{name} は 1 から {limit} の範囲で指定してください（指定値: {value}）",
    },
})


@dataclass(frozen=True)
class Target:
    """A checked load target: where to connect and what to ask for."""

    url: str
    host: str
    port: int
    path: str


def check_target(url: str, allow_remote: bool = False, lang: str | None = None) -> Target:
    """Parse ``url`` and refuse a non-loopback host unless ``allow_remote``; never resolves.

    A loopback *name* (``localhost``, ``foo.localhost``, ``LOCALHOST.``) is
    connected to as 127.0.0.1: resolving it would ask whatever resolver the
    machine has (a DNS server, for ``*.localhost`` on most systems), and what
    comes back is not checked. So the target's ``host`` is always a literal.
    """
    try:
        parts = urlsplit(url)
        port = parts.port or 80
    except ValueError:
        raise ConclabError(MESSAGES.get("bad_url", "en", url=url),
                           ja=MESSAGES.get("bad_url", "ja", url=url)) from None
    if parts.scheme.lower() != "http":
        if not parts.scheme or not parts.netloc:
            raise ConclabError(MESSAGES.get("bad_url", "en", url=url),
                               ja=MESSAGES.get("bad_url", "ja", url=url))
        raise ConclabError(MESSAGES.get("bad_scheme", "en", url=url),
                           ja=MESSAGES.get("bad_scheme", "ja", url=url))
    host = parts.hostname
    if not host:
        raise ConclabError(MESSAGES.get("bad_url", "en", url=url),
                           ja=MESSAGES.get("bad_url", "ja", url=url))
    if not allow_remote and not is_loopback_host(host):
        raise ConclabError(MESSAGES.get("remote", "en", host=host),
                           ja=MESSAGES.get("remote", "ja", host=host))
    if not allow_remote and not _is_literal(host):
        host = LOOPBACK
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(url=url, host=host, port=port, path=path)


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class CounterCheck:
    """The counter server's count before and after a run, from ``GET /count``."""

    before: int
    after: int
    pid: int | None
    #: The server counts in each process it forks (``--mode forking``): its own count never moves,
    #: and nothing can be said about lost updates from it.
    per_process: bool = False

    @property
    def counted(self) -> int:
        return self.after - self.before


@dataclass
class LoadReport:
    """What a run measured. ``latencies_s`` holds every successful request's latency."""

    url: str
    concurrency: int
    requests: int
    ok: int
    duration_s: float
    latencies_s: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    error_kinds: dict[str, int] = field(default_factory=dict)
    counter: CounterCheck | None = None

    @property
    def errors(self) -> int:
        return self.requests - self.ok

    @property
    def throughput_rps(self) -> float:
        """Completed requests (ok or not) per second of wall time."""
        return self.requests / self.duration_s if self.duration_s > 0 else 0.0

    @property
    def lost(self) -> int | None:
        """Answered requests the counter did not count (``None`` when no counter was found,
        or when it counts in each forked child, where its own count says nothing)."""
        if self.counter is None or self.counter.per_process:
            return None
        return self.ok - self.counter.counted

    def percentile(self, p: float) -> float | None:
        """Nearest-rank percentile of the latencies: a value some request really took."""
        if not self.latencies_s:
            return None
        ordered = sorted(self.latencies_s)
        rank = max(1, math.ceil(p / 100 * len(ordered)))
        return ordered[min(rank, len(ordered)) - 1]

    def latency_summary(self) -> dict[str, float | None]:
        return {"p50": self.percentile(50), "p90": self.percentile(90),
                "p99": self.percentile(99), "max": self.percentile(100)}

    def to_json(self) -> dict[str, Any]:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 6)

        counter = None
        if self.counter is not None:
            counter = {"before": self.counter.before, "after": self.counter.after,
                       "counted": self.counter.counted, "sent": self.ok,
                       "lost": self.lost, "pid": self.counter.pid}
            if self.counter.per_process:
                counter["per_process"] = True
        return {
            "url": self.url,
            "requests": self.requests,
            "concurrency": self.concurrency,
            "ok": self.ok,
            "errors": self.errors,
            "error_kinds": dict(sorted(self.error_kinds.items())),
            "statuses": {str(code): n for code, n in sorted(self.statuses.items())},
            "duration_s": round(self.duration_s, 6),
            "throughput_rps": round(self.throughput_rps, 2),
            "latency_s": {key: rounded(value) for key, value in self.latency_summary().items()},
            "counter": counter,
        }


def _get(target: Target, path: str, timeout: float, probe: bool = False) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
    headers = {"Connection": "close"}
    if probe:
        headers["X-Conclab-Probe"] = "count"  # the practice server leaves it out of its gauges
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def read_count(target: Target, timeout: float = 5.0) -> tuple[int, int | None, bool] | None:
    """``(count, pid, per_process)`` from the server's ``GET /count``, or None if it has none."""
    try:
        status, body = _get(target, "/count", timeout, probe=True)
        data = json.loads(body)
    except (OSError, http.client.HTTPException, ValueError):
        return None
    if status != 200 or not isinstance(data, dict) or not isinstance(data.get("count"), int):
        return None
    pid = data.get("pid")
    return data["count"], pid if isinstance(pid, int) else None, data.get("per_process") is True


#: One request: its latency, its status (None when it failed) and the kind of failure.
Outcome = tuple[float, int | None, str | None]


def run_load(url: str, concurrency: int = 10, requests: int = 100, *, timeout: float = 30.0,
             allow_remote: bool = False, check_count: bool = True,
             lang: str | None = None) -> LoadReport:
    """Send ``requests`` GETs to ``url`` with ``concurrency`` in flight; measure each.

    With ``check_count`` the server's ``GET /count`` is read before and after
    (one extra request each; skipped after if the server has none), which is
    how a lost update shows as ``report.lost > 0``. Everything is checked
    before the first packet: a bad URL, a remote host or a bad count raises
    :class:`ConclabError` and sends nothing.
    """
    language = choose_lang(lang)
    target = check_target(url, allow_remote, language)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not math.isfinite(timeout) \
            or timeout <= 0:
        raise ConclabError(f"the timeout must be a positive number of seconds, got {timeout!r}",
                           ja=f"タイムアウトは正の秒数で指定してください（指定された値: {timeout!r}）")
    for name, value, limit in (("requests", requests, 10_000_000),
                               ("concurrency", concurrency, MAX_CONCURRENCY)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
            raise ConclabError(MESSAGES.get("bad_count", "en", name=name, limit=limit,
                                            value=value),
                               ja=MESSAGES.get("bad_count", "ja", name=name, limit=limit,
                                            value=value))
    concurrency = min(concurrency, requests)
    before = read_count(target) if check_count else None
    results, duration = _fire(target, concurrency, requests, timeout)
    counter = None
    if before is not None:
        after = read_count(target)
        if after is not None:
            counter = CounterCheck(before=before[0], after=after[0], pid=after[1], per_process=after[2])
    return _report(url, concurrency, requests, duration, results, counter)


def _fire(target: Target, concurrency: int, requests: int,
          timeout: float) -> tuple[list[list[Outcome]], float]:
    """Send the requests from ``concurrency`` threads; each thread's outcomes, and the wall time."""
    remaining = [requests]
    take_lock = threading.Lock()
    results: list[list[Outcome]] = [[] for _ in range(concurrency)]

    def worker(mine: list[Outcome]) -> None:
        while True:
            with take_lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                status, _body = _get(target, target.path, timeout)
            except (OSError, http.client.HTTPException) as exc:
                mine.append((time.perf_counter() - started, None, type(exc).__name__))
                continue
            mine.append((time.perf_counter() - started, status, None))

    threads = [threading.Thread(target=worker, args=(results[i],), name=f"load-{i + 1}",
                                daemon=True) for i in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def _report(url: str, concurrency: int, requests: int, duration: float,
            results: list[list[Outcome]], counter: CounterCheck | None) -> LoadReport:
    """Latencies of the answered requests, statuses, and what went wrong, counted by kind."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    kinds: Counter[str] = Counter()
    ok = 0
    for mine in results:
        for latency, status, error in mine:
            if status is None:
                kinds[error or "error"] += 1
                continue
            statuses[status] += 1
            if status < 400:
                ok += 1
                latencies.append(latency)
            else:
                kinds[f"HTTP {status}"] += 1
    return LoadReport(url=url, concurrency=concurrency, requests=requests, ok=ok,
                      duration_s=duration, latencies_s=latencies, statuses=dict(statuses),
                      error_kinds=dict(kinds), counter=counter)
