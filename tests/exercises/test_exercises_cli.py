"""The exercise commands, in-process: init, check (exit codes and JSON), hint, reset, solution, progress."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.exercises.helpers import exercise

from conclab.curriculum.exercises import catalogue
from conftest import invoke


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    result = invoke("exercises", "init", str(root))
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(root)
    return root


def test_init_writes_starters_and_readme(tmp_path: Path) -> None:
    result = invoke("exercises", "init", str(tmp_path / "ws"), "--lang", "ja")
    assert result.exit_code == 0
    assert "演習用のワークスペース" in result.output
    readme = (tmp_path / "ws" / "README.md").read_text(encoding="utf-8")
    assert "conclab check" in readme and "find_primes_parallel.py" in readme and "保存するたび" in readme
    # Under ja the starter's comments and docstrings are Japanese; the program is the same.
    assert (tmp_path / "ws" / "stream_primes.py").read_text() == exercise("stream-primes").starter_in("ja")
    # A second init keeps the learner's files.
    (tmp_path / "ws" / "stream_primes.py").write_text("# mine\n")
    again = invoke("exercises", "init", str(tmp_path / "ws"))
    assert again.exit_code == 0
    assert (tmp_path / "ws" / "stream_primes.py").read_text() == "# mine\n"


def test_check_json_and_exit_codes(workspace: Path) -> None:
    result = invoke("check", "stream-primes", "--json", "--limit", "5")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {"exercise", "passed", "checks", "elapsed_s"}
    assert data["exercise"] == "stream-primes" and data["passed"] is False
    assert all(set(check) == {"name", "passed", "detail"} for check in data["checks"])
    (workspace / "stream_primes.py").write_text(exercise("stream-primes").solution)
    passed = invoke("check", "stream-primes", "--limit", "5")
    assert passed.exit_code == 0, passed.output
    assert "stream-primes: passed" in passed.output


def test_check_without_name_takes_the_next_unfinished(workspace: Path) -> None:
    first = next(iter(catalogue()))
    (workspace / first.file_name).write_text("print(\n")
    result = invoke("check")
    assert result.exit_code == 1
    assert f"{first.id}: not yet" in result.output
    assert f"syntax error in {first.file_name}, line 1" in " ".join(result.output.split())  # wrapped


def test_bad_input_is_one_line_and_exit_2(workspace: Path, tmp_path: Path) -> None:
    unknown = invoke("check", "no_such_exercise")
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("conclab: error: unknown exercise 'no_such_exercise'")
    assert len(unknown.stderr.strip().splitlines()) == 1
    elsewhere = invoke("check", "--dir", str(tmp_path / "nowhere"))
    assert elsewhere.exit_code == 2 and "conclab exercises init" in elsewhere.stderr
    (workspace / "stream_primes.py").unlink()
    missing = invoke("check", "stream-primes")
    assert missing.exit_code == 2 and "conclab reset stream-primes" in missing.stderr


def test_hints_are_progressive(workspace: Path) -> None:
    first = invoke("hint", "stream-primes")
    assert "Hint 1/3" in first.output and "Hint 2/3" not in first.output
    second = invoke("hint", "stream-primes")
    assert "Hint 2/3" in second.output
    invoke("hint", "stream-primes")
    last = invoke("hint", "stream-primes", "--lang", "ja")
    assert "ヒント 3/3" in last.output and "最後のヒント" in last.output


def test_reset_keeps_a_backup(workspace: Path) -> None:
    (workspace / "stream_primes.py").write_text("# my attempt\n")
    result = invoke("reset", "stream-primes")
    assert result.exit_code == 0
    assert (workspace / "stream_primes.py").read_text() == exercise("stream-primes").starter
    backups = list((workspace / ".conclab" / "backups").iterdir())
    assert [b.read_text() for b in backups] == ["# my attempt\n"]


def test_solution_refused_until_passed(workspace: Path) -> None:
    refused = invoke("solution", "stream-primes")
    assert refused.exit_code == 2 and "once you have passed" in refused.stderr
    (workspace / "stream_primes.py").write_text(exercise("stream-primes").solution)
    assert invoke("check", "stream-primes", "--limit", "5").exit_code == 0
    shown = invoke("solution", "stream-primes")
    assert shown.exit_code == 0 and "results.put(DONE)" in shown.output


def test_progress_json_and_text(workspace: Path) -> None:
    invoke("hint", "find-primes-parallel")
    data = json.loads(invoke("progress", "--json").stdout)
    assert data["passed"] == 0 and data["total"] >= 2
    row = next(r for r in data["exercises"] if r["id"] == "find-primes-parallel")
    assert row["hints_shown"] == 1 and row["passed"] is False
    (workspace / ".conclab" / "progress.json").write_text("{broken")
    text = invoke("progress")
    assert text.exit_code == 0 and "damaged" in text.output


def test_exercises_are_listed_under_their_chapters() -> None:
    data = json.loads(invoke("list", "--json").stdout)
    kinds = {item["id"]: (item["kind"], item["chapter"]) for item in data}
    assert kinds["find-primes-parallel"] == ("exercise", "processes")
    assert kinds["stream-primes"] == ("exercise", "ipc")


@pytest.mark.parametrize("command", ["exercises", "check", "watch", "hint", "reset", "solution", "progress"])
def test_help(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output
