"""``conclab serve`` and ``conclab load`` in-process: bad input is one line and exit 2,
SIGINT stops a server cleanly, and load reports the counter's figures."""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Callable, Iterator

import pytest
from services_helpers import free_port, get

from conclab.cli._load import MESSAGES as LOAD_MESSAGES
from conclab.cli._serve import MESSAGES as SERVE_MESSAGES
from conclab.services import (
    BackgroundServer,
    CounterServer,
    PracticeServer,
    _net,
    counter,
    load,
    open_listener,
)
from conftest import invoke


def one_line_error(result: object, exit_code: int = 2) -> str:
    assert result.exit_code == exit_code  # type: ignore[attr-defined]
    lines = result.stderr.splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and lines[0].startswith(("conclab: error: ", "conclab: エラー: "))
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
    return str(lines[0])


@pytest.mark.parametrize(("args", "expected"), [
    (["--mode", "fast"], "unknown mode 'fast'; choose one of: single, threading, forking, asyncio"),
    (["--counter", "atomic"], "unknown counter 'atomic'; choose one of:"),
    (["--work", "-0.5"], "work must be a number of seconds >= 0, got -0.5"),
    (["--port", "70000"], "port must be between 0 and 65535, got 70000"),
])
def test_serve_counter_bad_input(args: list[str], expected: str) -> None:
    assert expected in one_line_error(invoke("serve", "counter", *args))


def test_serve_port_in_use_is_one_line() -> None:
    taken = open_listener()
    try:
        port = str(taken.getsockname()[1])
        for command in (["serve", "counter"], ["serve", "practice"]):
            line = one_line_error(invoke(*command, "--port", port))
            assert f"port {port} on 127.0.0.1 is already in use" in line
        line = one_line_error(invoke("--lang", "ja", "serve", "practice", "--port", port))
        assert "すでに使われています" in line
    finally:
        taken.close()


def test_load_refuses_remote_without_allow_remote_and_sends_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("network used")

    import socket

    monkeypatch.setattr(socket, "getaddrinfo", forbidden)
    monkeypatch.setattr(socket, "create_connection", forbidden)
    line = one_line_error(invoke("load", "http://example.com/", "-c", "2", "-n", "2"))
    assert "refusing to send load to 'example.com'" in line and "--allow-remote" in line
    line = one_line_error(invoke("load", "http://example.com/", "--lang", "ja"))
    assert "ループバックではない" in line


def test_load_json_against_the_counter_server() -> None:
    with CounterServer(counter="locked-increment") as server:
        result = invoke("load", server.url + "/", "-c", "10", "-n", "50", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["ok"] == 50 and data["errors"] == 0 and data["concurrency"] == 10
    assert data["counter"] == {"before": 0, "after": 50, "counted": 50, "sent": 50, "lost": 0,
                               "pid": os.getpid()}
    assert set(data["latency_s"]) == {"p50", "p90", "p99", "max"}
    assert data["throughput_rps"] > 0


def test_load_text_in_both_languages() -> None:
    with PracticeServer() as server:
        english = invoke("load", server.url + "/json", "-c", "2", "-n", "4")
        japanese = invoke("load", server.url + "/json", "-c", "2", "-n", "4", "--lang", "ja")
    assert english.exit_code == 0 and "ok 4, errors 0" in english.stdout
    assert "latency  p50" in english.stdout and "counter: none" in english.stdout
    assert "成功 4 件、エラー 0 件" in japanese.stdout and "レイテンシ" in japanese.stdout


@pytest.fixture
def started_servers(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, list]]:
    """Note every server the CLI starts, so a test thread can drive it, then SIGINT."""
    started = threading.Event()
    servers: list[BackgroundServer] = []
    original = BackgroundServer.start

    def start(self: BackgroundServer) -> BackgroundServer:
        result = original(self)
        servers.append(self)
        started.set()
        return result

    monkeypatch.setattr(BackgroundServer, "start", start)
    yield started, servers


def drive_then_interrupt(started: threading.Event, servers: list,
                         action: Callable[[BackgroundServer], None]) -> threading.Thread:
    def run() -> None:
        try:
            if started.wait(10):
                action(servers[0])
        finally:
            os.kill(os.getpid(), signal.SIGINT)  # always: never leave the test blocked

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("mode", ["threading", "forking", "asyncio"])
def test_serve_counter_until_sigint(mode: str, started_servers: tuple) -> None:
    if mode == "forking" and not hasattr(os, "fork"):
        pytest.skip("forking mode needs os.fork")
    started, servers = started_servers
    answers: list[bytes] = []
    thread = drive_then_interrupt(started, servers, lambda server: answers.extend(
        get(server.url + "/")[2] for _ in range(3)))
    result = invoke("serve", "counter", "--mode", mode, "--counter", "lock", "--work", "0", "--port", "0")
    thread.join()
    assert result.exit_code == 0, result.output
    assert len(answers) == 3
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"counter server (mode {mode}, counter lock, work 0 s) listening on "
                            f"http://127.0.0.1:{servers[0].port}/")
    assert result.stdout.count("start GET /  count=") == 3
    count = 0 if mode == "forking" else 3
    assert result.stdout.splitlines()[-1] == (
        f"stopped: handled 3 requests; the count in this process is {count}")
    assert result.stderr == ""
    if mode == "forking":
        children = {event.pid for event in servers[0].events} - {os.getpid()}
        assert len(children) == 3
        for pid in children:  # every child reaped
            with pytest.raises(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers restored


def test_serve_practice_until_sigint_in_japanese(started_servers: tuple) -> None:
    started, servers = started_servers
    port = free_port()
    thread = drive_then_interrupt(started, servers, lambda server: get(server.url + "/html"))
    result = invoke("serve", "practice", "--port", str(port), "--lang", "ja", "--quiet")
    thread.join()
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"練習用サーバーを http://127.0.0.1:{port}/ で起動しました")
    assert lines[-1] == "停止しました: 応答したリクエストは 1 件、同時に処理した最大数は 1 件です"
    assert len(lines) == 2  # --quiet: no per-request log


@pytest.mark.parametrize(("command", "mentions"), [
    (["serve", "--help"], ["counter", "practice"]),
    (["serve", "counter", "--help"], ["--mode", "--counter", "--work", "--port", "GET /count"]),
    (["serve", "practice", "--help"], ["--port", "/delay/N", "/stats"]),
    (["load", "--help"], ["--concurrency", "--requests", "--json", "--allow-remote"]),
])
def test_help_is_documented(command: list[str], mentions: list[str]) -> None:
    result = invoke(*command)
    assert result.exit_code == 0 and "Usage:" in result.stdout
    assert all(word in result.stdout for word in mentions)


def test_every_message_exists_in_both_languages() -> None:
    for table in (SERVE_MESSAGES, LOAD_MESSAGES, _net.MESSAGES, counter.MESSAGES, load.MESSAGES):
        assert table.missing() == []
