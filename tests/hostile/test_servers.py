"""Issue 14, servers: idle clients starve nobody, names are not resolved, a forking count is not "lost"."""

from __future__ import annotations

import re
import socket
import time
from typing import Any

import pytest

from conclab.services import CounterServer, run_load
from conclab.services._base import BaseHandler
from conftest import invoke

CLIENT_TIMEOUT_S = float(BaseHandler.timeout)  # the read timeout every mode uses


def _idle_clients(port: int, n: int) -> list[socket.socket]:
    return [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(n)]


@pytest.mark.parametrize(("mode", "idle"), [("single", 3), ("threading", 10), ("forking", 10), ("asyncio", 10)])
def test_stop_is_prompt_with_idle_clients_connected(mode: str, idle: int) -> None:
    """Case 7: Ctrl-C ignored for 29 s (forking, 10 idle); single blocked until the client's timeout."""
    server = CounterServer(mode=mode, counter="lock").start()
    clients = _idle_clients(server.port, idle)
    try:
        deadline = time.monotonic() + 5  # wait until the server has taken the first idle client
        while time.monotonic() < deadline and not _accepted(server, idle):
            time.sleep(0.02)
        started = time.perf_counter()
        server.stop()
        assert time.perf_counter() - started < 2.0
    finally:
        for client in clients:
            client.close()
        server.stop()


def _accepted(server: Any, idle: int) -> bool:
    """Whether the server has taken the idle clients in hand (the single server: the first one)."""
    runner = server._runner
    if server.mode == "asyncio":
        return len(runner.tasks) >= idle
    inner = runner.server
    return bool(getattr(inner, "_idle", None)) or bool(getattr(inner, "active_children", None))


def test_an_idle_client_times_out_within_seconds() -> None:
    """Case 7: every mode reads each connection with a short timeout (it was 30 s)."""
    assert CLIENT_TIMEOUT_S <= 5


@pytest.mark.slow
def test_the_single_server_answers_again_after_an_idle_client() -> None:
    with CounterServer(mode="single", counter="lock") as server:
        idle = _idle_clients(server.port, 1)
        started = time.perf_counter()
        report = run_load(server.url, concurrency=1, requests=1, timeout=CLIENT_TIMEOUT_S + 5)
        assert report.ok == 1
        assert time.perf_counter() - started < CLIENT_TIMEOUT_S + 2
        idle[0].close()


@pytest.mark.parametrize("name", ["foo.localhost", "LOCALHOST.", "localhost"])
def test_loopback_names_are_never_resolved(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Case 8: foo.localhost and LOCALHOST. passed the text check and went to DNS."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def spy(host: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append(str(host))
        return real(host, *args, **kwargs)

    with CounterServer(mode="threading", counter="lock") as server:
        monkeypatch.setattr(socket, "getaddrinfo", spy)
        report = run_load(f"http://{name}:{server.port}/", concurrency=2, requests=4)
    assert report.ok == 4
    assert set(asked) <= {"127.0.0.1"}, asked


def test_a_forking_count_is_not_called_lost() -> None:
    """Case 9: 'lost 3000' for --mode forking --counter lock: the count lives in each child."""
    with CounterServer(mode="forking", counter="lock") as server:
        report = run_load(server.url, concurrency=4, requests=20)
    assert report.ok == 20
    assert report.counter is not None and report.counter.per_process
    assert report.lost is None


def test_load_says_per_child_count_instead_of_lost() -> None:
    with CounterServer(mode="forking", counter="lock") as server:
        result = invoke("load", server.url + "/", "-n", "10", "-c", "2")
    assert result.exit_code == 0
    assert not re.search(r"lost \d", result.stdout) and "each child process" in result.stdout
