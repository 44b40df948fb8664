"""``conclab class``: the real server (uvicorn on a loopback port) and real ``conclab`` processes.

A learner joins, checks a failing and then a passing exercise, the instructor
sees both; with the server down the verdict waits in the outbox and goes with
the next command; bad input is one line and exit 2.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from class_helpers import ServerProcess, ThreadServer, closed_port_url

from conclab.classroom import ClassStore
from conclab.classroom.server import bind
from conclab.curriculum.exercises import catalogue
from conclab.exercises import Workspace
from conftest import invoke

EXERCISE = "future-handoff"
MARKER = "# conclab-class-test: this line must never reach the server"


def conclab(env: dict[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "conclab", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120, check=False)


@pytest.fixture
def learner_env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "CONCLAB_CONFIG_DIR": str(tmp_path / "config"), "CONCLAB_LANG": "en",
            "NO_COLOR": "1"}


def test_join_check_fail_then_pass_and_the_instructor_sees_both(tmp_path: Path,
                                                                 learner_env: dict[str, str]) -> None:
    server = ServerProcess(tmp_path / "class.db").start()
    try:
        assert server.token and server.code and server.url.startswith("http://127.0.0.1:")
        joined = conclab(learner_env, "class", "join", server.url, "--code", server.code, "--name", "Ann")
        assert joined.returncode == 0 and "as Ann" in joined.stdout, joined.stderr
        assert conclab(learner_env, "exercises", "init", str(tmp_path / "ws")).returncode == 0
        ws = tmp_path / "ws"
        failing = conclab(learner_env, "check", EXERCISE, cwd=ws)
        assert failing.returncode == 1
        target = Workspace.find(explicit=ws).path_of(catalogue().get(EXERCISE))
        target.write_text(catalogue().get(EXERCISE).solution + "\n" + MARKER + "\n", encoding="utf-8")
        passing = conclab(learner_env, "check", EXERCISE, cwd=ws)
        assert passing.returncode == 0, passing.stdout
        status = conclab(learner_env, "class", "status", "--json")  # sends whatever is still waiting
        assert '"waiting": 0' in status.stdout
        room = server.room(server.token)
        (ann,) = room["learners"]
        assert ann["name"] == "Ann" and ann["cells"][EXERCISE] | {"last_at": 0} == ann["cells"][EXERCISE] | {
            "state": "passed", "attempts": 2, "last_at": 0}
        stats = {row["exercise"]: row for row in room["stats"]}
        assert stats[EXERCISE]["common_failure"]  # the failing check's name, for the whole room
    finally:
        server.stop()
    assert server.process is not None and server.process.returncode == 0  # SIGTERM: a clean stop
    db = b"".join(path.read_bytes() for path in tmp_path.glob("class.db*"))
    assert MARKER.encode() not in db  # verdicts only, never code


def test_with_the_server_down_a_check_waits_in_the_outbox_and_goes_with_the_next(
        tmp_path: Path, learner_env: dict[str, str]) -> None:
    server = ServerProcess(tmp_path / "class.db").start()
    assert server.token
    conclab(learner_env, "class", "join", server.url, "--code", server.code, "--name", "Ann")
    conclab(learner_env, "exercises", "init", str(tmp_path / "ws"))
    second = conclab(learner_env, "class", "serve", "--port", str(server.port), "--db", str(tmp_path / "other.db"))
    assert second.returncode == 2 and second.stderr == (
        f"conclab: error: port {server.port} on 127.0.0.1 is in use (another 'conclab class serve'?); "
        "stop it or choose another with --port\n")
    server.stop()
    down = conclab(learner_env, "check", EXERCISE, cwd=tmp_path / "ws")
    assert down.returncode == 1 and "Traceback" not in down.stderr and down.stderr == ""
    waiting = conclab(learner_env, "class", "status")
    assert "Waiting to be sent: 1" in waiting.stdout and "cannot be reached" in waiting.stdout
    again = ServerProcess(tmp_path / "class.db", port=server.port).start()
    try:
        assert again.token is None and again.code == server.code  # the same class, secrets not shown again
        conclab(learner_env, "check", EXERCISE, cwd=tmp_path / "ws")
        status = conclab(learner_env, "class", "status", "--json")
        assert '"waiting": 0' in status.stdout
        (ann,) = again.room(server.token)["learners"]
        assert ann["cells"][EXERCISE]["attempts"] == 2
    finally:
        again.stop()


def test_wrong_code_and_bad_url_are_one_line_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONCLAB_CONFIG_DIR", str(tmp_path / "config"))
    store = ClassStore(tmp_path / "class.db")
    store.open()
    with ThreadServer(store, [EXERCISE]) as server:
        wrong = invoke("class", "join", server.url, "--code", "WRONG", "--name", "Eve")
    assert wrong.exit_code == 2 and wrong.stderr.count("\n") == 1 and "wrong join code" in wrong.stderr
    bad_url = invoke("class", "join", "ftp://example", "--code", "X", "--name", "Eve")
    assert bad_url.exit_code == 2 and "not a class server URL" in bad_url.stderr
    down = invoke("class", "join", closed_port_url(), "--code", "X", "--name", "Eve")
    assert down.exit_code == 2 and "cannot reach the class server" in down.stderr
    assert not (tmp_path / "config" / "class.json").exists()


def test_status_and_leave(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONCLAB_CONFIG_DIR", str(tmp_path / "config"))
    assert "Not in a class" in invoke("class", "status").stdout
    store = ClassStore(tmp_path / "class.db")
    code = store.open().join_code
    with ThreadServer(store, [EXERCISE]) as server:
        assert invoke("class", "join", server.url, "--code", code, "--name", "Ann").exit_code == 0
        status = invoke("class", "status")
    assert f"Class: {server.url}" in status.stdout and "Name:  Ann" in status.stdout
    assert "Waiting to be sent: 0" in status.stdout
    left = invoke("class", "leave")
    assert left.exit_code == 0 and "Left the class" in left.stdout
    assert "Not in a class" in invoke("class", "leave").stdout


def test_a_port_in_use_and_an_unwritable_db_are_one_line_exit_2(tmp_path: Path) -> None:
    taken = bind("127.0.0.1", 0)
    try:
        busy = invoke("class", "serve", "--port", str(taken.getsockname()[1]), "--db",
                      str(tmp_path / "class.db"))
    finally:
        taken.close()
    assert busy.exit_code == 2 and busy.stderr.count("\n") == 1 and "is in use" in busy.stderr
    (tmp_path / "file").write_text("not a folder")
    unwritable = invoke("class", "serve", "--port", "0", "--db", str(tmp_path / "file" / "class.db"))
    assert unwritable.exit_code == 2 and "cannot use the class database" in unwritable.stderr


def test_an_open_host_warns_in_one_line(tmp_path: Path) -> None:
    taken = bind("127.0.0.1", 0)
    try:  # the warning comes first; then the taken port stops the server before it serves
        result = invoke("class", "serve", "--host", "127.0.0.1", "--port", str(taken.getsockname()[1]),
                        "--db", str(tmp_path / "c.db"))
        assert "warning" not in result.stderr
        opened = invoke("class", "serve", "--host", "0.0.0.0", "--port", str(taken.getsockname()[1]),
                        "--db", str(tmp_path / "file" / "c.db"))
    finally:
        taken.close()
    assert opened.stderr.splitlines()[0] == (
        "warning: --host 0.0.0.0 opens the class server to every machine on this network")


def test_leaving_with_results_waiting_keeps_them_aside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from class_helpers import a_result

    from conclab.classroom import ClassConfig, Outbox

    monkeypatch.setenv("CONCLAB_CONFIG_DIR", str(tmp_path / "config"))
    ClassConfig(closed_port_url(), "Ann", "1.x").save()
    Outbox().put(a_result())
    left = invoke("class", "leave")
    assert left.exit_code == 0 and "1 results the server never got are kept in" in left.stdout
    assert not Outbox().pending() and len(list(Outbox().folder.glob("left-*/*.json"))) == 1


def test_an_open_host_shows_learners_the_room_address(tmp_path: Path) -> None:
    from conclab.classroom.server import serve_class

    seen = []

    def ready(info) -> None:  # type: ignore[no-untyped-def]
        seen.append(info)
        raise KeyboardInterrupt  # stop before serving

    with pytest.raises(KeyboardInterrupt):
        serve_class(db=tmp_path / "c.db", host="127.0.0.1", port=0, exercises=[EXERCISE],
                    room_host="192.0.2.7", on_ready=ready)
    (info,) = seen
    assert info.url.startswith("http://127.0.0.1:") and info.join_url.startswith("http://192.0.2.7:")
