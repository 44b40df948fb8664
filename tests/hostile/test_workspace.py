"""Issue 14, workspace and progress: nothing a learner wrote is lost, nothing written through a link."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from conclab.exercises import _progress
from conclab.exercises._progress import ProgressStore
from conftest import invoke

EXERCISE = "producer-consumer"
FILE = "producer_consumer.py"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    assert invoke("exercises", "init", str(root)).exit_code == 0
    return root


def _one_line(result, *words: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.mark.parametrize("damage", [b"\xa9garbage", b'{"exercises": {"a": {"attempts": 1e400}}}',
                                    b"[" * 100_000, b'{"exercises": {"a": {"passed_at": NaN}}}'],
                         ids=["not-utf8", "1e400", "deep-nesting", "nan"])
def test_damaged_progress_is_moved_aside_and_the_check_is_recorded(workspace: Path, damage: bytes) -> None:
    """Case 10: a traceback and exit 1 after a passing check, unrecorded, before."""
    store = workspace / ".conclab" / "progress.json"
    store.write_bytes(damage)
    result = invoke("hint", EXERCISE, "--dir", str(workspace))
    assert result.exit_code == 0, result.stderr
    data = json.loads(store.read_text(encoding="utf-8"))
    assert data["exercises"]["producer-consumer"]["hints_shown"] == 1
    aside = list(store.parent.glob("progress.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == damage


def test_recoveries_in_the_same_second_keep_every_damaged_store(tmp_path: Path) -> None:
    """Case 11: progress.json.corrupt-<second> was overwritten by the next recovery."""
    store = ProgressStore(tmp_path / ".conclab" / "progress.json")
    store.path.parent.mkdir()
    for number in range(3):
        store.path.write_text(f"damaged {number}", encoding="utf-8")
        store.load()
    kept = sorted(path.read_text() for path in store.path.parent.glob("progress.json.corrupt-*"))
    assert kept == ["damaged 0", "damaged 1", "damaged 2"]


def test_negative_counts_are_shown_as_none(tmp_path: Path) -> None:
    """Case 16: a hand-edited -3 showed as "-3 checks"."""
    store = ProgressStore(tmp_path / "progress.json")
    store.path.write_text('{"exercises": {"a": {"attempts": -3, "hints_shown": -1}}}', encoding="utf-8")
    entry = store.load().of("a")
    assert (entry.attempts, entry.hints_shown) == (0, 0)


def test_a_workspace_that_cannot_be_written_is_one_line(workspace: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Case 10, read-only: simulated (tests may run as root, who can write anywhere)."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(_progress.tempfile, "mkstemp", refuse)
    _one_line(invoke("hint", EXERCISE, "--dir", str(workspace)), "cannot save progress", "writable")


def test_reset_twice_in_a_second_keeps_both_versions(workspace: Path) -> None:
    """Case 11: the second backup overwrote the first (1-second names)."""
    target = workspace / FILE
    for version in ("first", "second"):
        target.write_text(f"# {version}\n", encoding="utf-8")
        assert invoke("reset", EXERCISE, "--dir", str(workspace)).exit_code == 0
    kept = sorted(p.read_text() for p in (workspace / ".conclab" / "backups").iterdir())
    assert kept == ["# first\n", "# second\n"]


def test_reset_replaces_a_symlink_and_leaves_its_target(workspace: Path, tmp_path: Path) -> None:
    """Case 12: reset through a symlinked exercise file overwrote its target."""
    elsewhere = tmp_path / "precious.py"
    elsewhere.write_text("# mine\n", encoding="utf-8")
    target = workspace / FILE
    target.unlink()
    target.symlink_to(elsewhere)
    assert invoke("reset", EXERCISE, "--dir", str(workspace)).exit_code == 0
    assert elsewhere.read_text() == "# mine\n"
    assert not target.is_symlink() and target.read_text() != "# mine\n"


def test_init_writes_through_no_link(tmp_path: Path) -> None:
    """Case 12: init overwrote a symlinked workspace.json and created a dangling link's target."""
    root = tmp_path / "ws"
    (root / ".conclab").mkdir(parents=True)
    precious = tmp_path / "precious.json"
    precious.write_text("keep", encoding="utf-8")
    (root / ".conclab" / "workspace.json").symlink_to(precious)
    nowhere = tmp_path / "nowhere.py"
    (root / FILE).symlink_to(nowhere)
    assert invoke("exercises", "init", str(root)).exit_code == 0
    assert precious.read_text() == "keep"
    assert not nowhere.exists()


def test_reset_of_a_folder_is_one_line(workspace: Path) -> None:
    """Case 13: IsADirectoryError."""
    (workspace / FILE).unlink()
    (workspace / FILE).mkdir()
    _one_line(invoke("reset", EXERCISE, "--dir", str(workspace)), "is a folder")


def test_reset_of_a_fifo_is_one_line_and_does_not_hang(workspace: Path) -> None:
    """Case 13: reset hung reading the FIFO. A writer thread unblocks the old code, so the test ends."""
    fifo = workspace / FILE
    fifo.unlink()
    os.mkfifo(fifo)
    result_box: list[object] = []
    runner = threading.Thread(target=lambda: result_box.append(invoke("reset", EXERCISE, "--dir", str(workspace))))
    runner.start()
    runner.join(5)
    hung = runner.is_alive()
    if hung:  # the old code blocks in open(); open the other end so it can end
        with open(fifo, "wb"):
            pass
        runner.join(5)
    assert not hung, "reset hung on a FIFO"
    _one_line(result_box[0], "not a regular file")


def test_reset_when_backups_is_a_file_is_one_line(workspace: Path) -> None:
    """Case 13: .conclab/backups is a file."""
    (workspace / ".conclab" / "backups").write_text("x", encoding="utf-8")
    _one_line(invoke("reset", EXERCISE, "--dir", str(workspace)), "backup")
    assert (workspace / FILE).read_text() != ""


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_check_names_what_the_exercise_file_is(workspace: Path, kind: str) -> None:
    """Case 16: a folder or FIFO got "does not exist"."""
    path = workspace / FILE
    path.unlink()
    path.mkdir() if kind == "folder" else os.mkfifo(path)
    _one_line(invoke("check", EXERCISE, "--dir", str(workspace)),
              "is a folder" if kind == "folder" else "not a regular file")
