"""A real class server in a subprocess (uvicorn on a free loopback port) and fake learners."""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from conclab.classroom import ClassConfig, Result

READY_TIMEOUT_S = 30


@dataclass
class ServerProcess:
    """``conclab class serve`` in a subprocess; ready once it has printed its join command."""

    db: Path
    port: int = 0
    extra: tuple[str, ...] = ()
    url: str = ""
    code: str = ""
    token: str | None = None
    lines: list[str] = field(default_factory=list)
    process: subprocess.Popen[str] | None = None
    _pump: threading.Thread = field(default_factory=threading.Thread)

    def start(self) -> ServerProcess:
        env = {**os.environ, "CONCLAB_LANG": "en", "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "conclab", "class", "serve", "--port", str(self.port), "--db",
             str(self.db), *self.extra], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env=env)
        lines: queue.Queue[str | None] = queue.Queue()

        def pump() -> None:
            assert self.process is not None and self.process.stdout is not None
            for line in self.process.stdout:
                lines.put(line)
            lines.put(None)

        self._pump = threading.Thread(target=pump, daemon=True)
        self._pump.start()
        while True:
            line = lines.get(timeout=READY_TIMEOUT_S)
            assert line is not None, f"the server stopped: {''.join(self.lines)}"
            self.lines.append(line)
            if line.startswith("conclab class server on "):
                self.url = line.split()[4]
                self.port = int(self.url.rsplit(":", 1)[1])
            elif "instructor token:" in line:
                self.token = line.split()[-1]
            elif "join code:" in line:
                self.code = line.split()[-1]
            elif "learners run:" in line:
                return self

    def kill(self) -> None:
        """SIGKILL: no chance to clean up, as when the instructor's laptop crashes."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self._close()

    def _close(self) -> None:
        self._pump.join(10)  # the process has ended: its stdout reaches EOF
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close()

    def room(self, token: str) -> dict[str, Any]:
        reply = requests.get(f"{self.url}/api/room", headers={"Authorization": f"Bearer {token}"},
                             timeout=10)
        reply.raise_for_status()
        return dict(reply.json())


def join(url: str, code: str, name: str) -> ClassConfig:
    reply = requests.post(f"{url}/api/join", json={"code": code, "name": name}, timeout=10)
    assert reply.status_code == 201, reply.text
    return ClassConfig(url, reply.json()["name"], reply.json()["token"])


def a_result(exercise: str = "future-handoff", passed: bool = False, *, attempt: int = 1,
             checked_at: float = 1000.0, message: str = "the result was lost") -> Result:
    from conclab.classroom import make_result

    verdict = {"exercise": exercise, "passed": passed, "elapsed_s": 0.5,
               "checks": [{"name": "hands over the result", "passed": passed,
                           "detail": "ok" if passed else message}]}
    result = make_result(verdict, attempt=attempt, source="check", conclab="0.1.0", cores=2,
                         checked_at=checked_at)
    assert len(result.id) == 32 and uuid.UUID(hex=result.id)
    return result


class ThreadServer:
    """The class app on uvicorn in a thread of this process, on a free loopback port.

    The socket listens before the thread starts, so a request made at once waits
    in the backlog instead of failing: no readiness polling.
    """

    def __init__(self, store: Any, exercises: list[str]) -> None:
        import uvicorn

        from conclab.classroom.server import ClassServer, bind, create_app

        self.socket = bind("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        config = uvicorn.Config(create_app(ClassServer(store, exercises)), log_level="error",
                                lifespan="off", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]},
                                       daemon=True)

    def __enter__(self) -> ThreadServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.socket.close()


def closed_port_url() -> str:
    """A loopback URL where nothing listens (connection refused at once)."""
    from conclab.classroom.server import bind

    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


# -- load and faults: many learners at once, and a server killed mid-run ------------------


@dataclass
class LoadFigures:
    results: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.results / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def post_concurrently(url: str, code: str, learners: int, per_learner: int,
                      exercises: list[str]) -> LoadFigures:
    """``learners`` threads, one connection each, posting ``per_learner`` results as fast as answered."""
    from conclab.classroom import Connection

    configs = [join(url, code, f"learner {index:03d}") for index in range(learners)]
    start = threading.Barrier(learners + 1)
    latencies: list[list[float]] = [[] for _ in range(learners)]

    def learner(index: int) -> None:
        connection = Connection(url, timeout=30)
        results = [a_result(exercises[n % len(exercises)], passed=n % 3 == 0, attempt=n + 1)
                   for n in range(per_learner)]
        start.wait()
        for result in results:
            began = time.perf_counter()
            status, _ = connection.request("POST", "/api/results", result.to_json(), configs[index].token)
            latencies[index].append(time.perf_counter() - began)
            assert status == 201, status
        connection.close()

    threads = [threading.Thread(target=learner, args=(index,)) for index in range(learners)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return LoadFigures(learners * per_learner, time.perf_counter() - began,
                       [value for values in latencies for value in values])


@dataclass
class KillFigures:
    made: set[str]
    downtime_s: float
    resent: int
    room_s: list[float]  # the instructor's room view, asked while learners go on checking after the restart


def check_through_a_kill(server: ServerProcess, folder: Path, learners: int, per_learner: int,
                         exercises: list[str]) -> KillFigures:
    """Learners keep checking (outbox, then send) while the server is SIGKILLed and restarted.

    The server is killed once half the results are made; learners go on checking
    while it is down (their results wait in their outboxes) until three quarters
    are made; then it restarts on the same port and database, and they carry on.
    """
    from conclab.classroom import Outbox

    configs = [join(server.url, server.code, f"checker {index:03d}") for index in range(learners)]
    total, lock = learners * per_learner, threading.Lock()
    made: set[str] = set()
    half, three_quarters, restarted = threading.Event(), threading.Event(), threading.Event()
    resent = [0]

    def learner(index: int) -> None:
        outbox = Outbox(folder / f"learner-{index:03d}")
        for n in range(per_learner):
            if n == (3 * per_learner) // 4:
                restarted.wait()
            result = a_result(exercises[n % len(exercises)], passed=n % 4 == 3, attempt=n + 1)
            outbox.put(result)
            with lock:
                made.add(result.id)
                if len(made) >= total // 2:
                    half.set()
                if len(made) >= learners * ((3 * per_learner) // 4):
                    three_quarters.set()
            outbox.send(configs[index])
        while outbox.pending():  # the next command: send what waits
            report = outbox.send(configs[index])
            with lock:
                resent[0] += report.duplicates
            assert report.error is None, report.error

    threads = [threading.Thread(target=learner, args=(index,)) for index in range(learners)]
    for thread in threads:
        thread.start()
    half.wait(120)
    server.kill()
    killed_at = time.perf_counter()
    three_quarters.wait(120)
    server.start()
    requests.get(f"{server.url}/healthz", timeout=10).raise_for_status()
    downtime = time.perf_counter() - killed_at
    restarted.set()
    room_s = []
    while any(thread.is_alive() for thread in threads):
        began = time.perf_counter()
        server.room(server.token or "")
        room_s.append(time.perf_counter() - began)
        threads[0].join(0.05)
    for thread in threads:
        thread.join()
    return KillFigures(made, downtime, resent[0], room_s)


def stored_ids(db: Path) -> list[str]:
    import sqlite3

    with contextlib.closing(sqlite3.connect(db)) as connection:
        return [row[0] for row in connection.execute("SELECT result_id FROM results")]
