"""The command line, in-process: what a new user sees, and one clear line for bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conclab.cli import cli
from conftest import invoke


def test_bare_conclab_lists_lessons_and_says_what_to_do_next() -> None:
    result = invoke()
    assert result.exit_code == 0
    assert "io-threads" in result.stdout and "concepts" in result.stdout
    assert "conclab run concepts" in result.stdout


def test_bare_conclab_in_japanese() -> None:
    result = invoke("--lang", "ja")
    assert "次にやること" in result.stdout and "第 0 章" in result.stdout


def test_list_json_entries_carry_id_chapter_title_kind() -> None:
    result = invoke("list", "--json")
    assert result.exit_code == 0
    items = json.loads(result.stdout)
    assert all({"id", "chapter", "title", "kind"} <= set(item) for item in items)
    kinds = {item["id"]: item["kind"] for item in items}
    assert kinds["io-threads"] == "lab" and kinds["concepts"] in ("lab", "chapter")
    assert {"concepts", "server-blocking", "io-threads"} <= {i["id"] for i in items if i["kind"] == "lab"}


def test_run_io_threads_json_holds_every_claim_with_three_lanes() -> None:
    result = invoke("run", "io-threads", "--json", "--quick")
    data = json.loads(result.stdout)
    assert {c["id"] for c in data["claims"]} == {"sequential-is-sum", "threads-is-longest", "threads-faster"}
    lanes = {s["lane"] for s in data["spans"]}
    assert {"thread-A", "thread-B", "thread-C"} <= lanes
    for claim in data["claims"]:
        assert isinstance(claim["held"], bool) and claim["measured"]
    # Waiting overlaps whatever the load: this claim has wide margins and must hold.
    held = {c["id"]: c["held"] for c in data["claims"]}
    assert held["threads-faster"], data["claims"]
    assert result.exit_code == (0 if data["passed"] else 1)


def test_run_server_blocking_in_japanese_prints_prose_and_timeline() -> None:
    result = invoke("run", "server-blocking", "--lang", "ja", "--quick")
    assert "サーバー" in result.stdout and "何が起きたか" in result.stdout
    assert "タイムライン" in result.stdout
    assert "start /client-1" in result.stdout
    # the threading server's request threads have lanes (numbered per process: any number)
    assert len(re.findall(r"^Thread-\d+ ", result.stdout, re.MULTILINE)) == 3


def test_run_with_trace_writes_perfetto_json(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "io.json"
    result = invoke("run", "io-threads", "--quick", "--trace", str(path))
    assert result.exit_code in (0, 1)
    events = json.loads(path.read_text())["traceEvents"]
    names = {e["args"]["name"] for e in events if e["name"] == "thread_name"}
    assert {"MainThread", "thread-A", "thread-B", "thread-C"} <= names


@pytest.mark.parametrize(("args", "expected"), [
    (("run", "no-such-lab"), "no lab named 'no-such-lab'"),
    (("run", "io-thread"), "did you mean 'io-threads'"),
    (("run", "io-threads", "--bogus"), "--bogus"),  # click words it by version: 'No such option[:] '--bogus'
    (("run", "io-threads", "--lang", "fr"), "'fr' is not one of"),
    (("run",), "Missing argument 'LAB'"),
    (("no-such-command",), "No such command"),
    (("run", "io-threads", "--trace", "/no/such/folder/t.json"), "folder '/no/such/folder' does not exist"),
    (("show", "nope"), "no lab named 'nope'"),
])
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...], expected: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("conclab: error: ") and expected in lines[0]
    assert "Traceback" not in result.stderr


def test_unwritable_trace_path_is_refused_before_the_lab_runs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "ro"
    folder.mkdir()
    result = invoke("run", "io-threads", "--trace", str(folder))
    assert result.exit_code == 2 and "is a directory" in result.stderr
    assert result.stdout == ""  # nothing ran


def test_show_prints_the_code_that_ran() -> None:
    result = invoke("show", "io-threads")
    assert result.exit_code == 0
    assert "def with_threads(tasks):" in result.stdout
    assert "conclab/curriculum/lessons/io_threads/example.py" in result.stdout


def test_doctor_json_has_the_facts() -> None:
    result = invoke("doctor", "--json")
    data = json.loads(result.stdout)
    assert {"python_version", "implementation", "free_threaded", "gil_enabled", "cores",
            "start_method", "locale", "curl"} <= set(data)
    assert isinstance(data["cores"], int) and data["cores"] >= 1


def test_doctor_text_in_both_languages() -> None:
    assert "start method" in invoke("doctor").stdout
    assert "起動方式" in invoke("doctor", "--lang", "ja").stdout


def test_every_command_has_help() -> None:
    for name, command in cli.commands.items():
        result = invoke(name, "--help")
        assert result.exit_code == 0, name
        assert (command.help or "").split("\n")[0].strip()[:20] in result.stdout


def test_python_dash_m_conclab_runs_and_json_is_clean() -> None:
    """In a fresh process every lab module is imported: none may print on import."""
    done = subprocess.run([sys.executable, "-m", "conclab", "list", "--json"], capture_output=True,
                          text=True, timeout=60, env={"CONCLAB_LANG": "en", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert "io-threads" in {item["id"] for item in json.loads(done.stdout)}
    assert done.stderr == ""


def test_list_shows_exercise_progress_inside_a_workspace(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from conclab.exercises import Workspace

    assert invoke("exercises", "init", str(tmp_path / "ws")).exit_code == 0
    workspace = Workspace.find(explicit=tmp_path / "ws")
    workspace.progress.record_check("check-urls", True)
    monkeypatch.chdir(tmp_path / "ws")
    monkeypatch.setenv("COLUMNS", "300")  # one line per entry
    lines = invoke("list").stdout.splitlines()
    assert "[passed]" in next(line for line in lines if "check-urls" in line)
    assert "[exercise]" in next(line for line in lines if "stream-primes" in line)
    monkeypatch.chdir(tmp_path)
    assert "[passed]" not in invoke("list").stdout


def test_every_command_is_documented_in_the_readme() -> None:
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"`conclab {name}" in readme or f"conclab {name}`" in readme or f"`{name}`" in readme, name
