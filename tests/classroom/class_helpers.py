"""A real class server in a subprocess (uvicorn on a free loopback port) and fake learners."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
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
