"""Progress survives a kill at any moment, and a corrupt store is rebuilt, never a crash."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from conclab.exercises import ProgressStore

WRITER = """
import sys
from conclab.exercises import ProgressStore
store = ProgressStore(__import__("pathlib").Path(sys.argv[1]))
print("ready", flush=True)
i = 0
while True:
    i += 1
    store.record_check(f"exercise_{i % 7}", i % 3 == 0)
"""


def test_record_and_reload(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / ".conclab" / "progress.json")
    store.record_check("a", False)
    store.record_check("a", True)
    store.record_check("a", False)
    entry = ProgressStore(store.path).load().of("a")
    assert (entry.passed, entry.attempts, entry.last_passed) == (True, 3, False)


def test_corrupt_store_is_moved_aside_and_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / ".conclab" / "progress.json"
    path.parent.mkdir()
    path.write_text('{"version": 1, "exercises": {"a": {"passed": tr')
    store = ProgressStore(path)
    assert store.load().exercises == {}
    assert store.recovered_from is not None and store.recovered_from.exists()
    assert json.loads(path.read_text())["exercises"] == {}
    store.record_check("a", True)
    assert ProgressStore(path).load().of("a").passed


def test_wrong_shape_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    path.write_text('["not", "an", "object"]')
    assert ProgressStore(path).load().exercises == {}
    path.write_text('{"exercises": {"a": 3}}')
    assert ProgressStore(path).load().exercises == {}


def test_survives_kill_at_any_moment(tmp_path: Path) -> None:
    path = tmp_path / ".conclab" / "progress.json"
    rng = random.Random(7)
    for _ in range(6):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE)
        assert writer.stdout is not None and writer.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.01, 0.15))
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        store = ProgressStore(path)
        data = store.load()
        assert store.recovered_from is None, "a kill must never leave a torn file"
        assert data.exercises, "writes happened, so some progress is there"
    leftovers = [p.name for p in path.parent.iterdir() if p.suffix == ".tmp"]
    assert len(leftovers) <= 6  # at most one abandoned temp file per kill; never read as the store
