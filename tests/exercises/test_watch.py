"""Watch mode: a save gets a verdict quickly; a hung solution does not freeze the loop."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from tests.exercises.helpers import exercise

from conclab.curriculum.exercises import catalogue, readme
from conclab.exercises import Watcher, WatchEvent, Workspace

HANG = "import threading\nthreading.Event().wait()\n"


def _start(tmp_path: Path, limit_s: float) -> tuple[Watcher, list[WatchEvent], threading.Event, threading.Thread]:
    Workspace.init(tmp_path, catalogue(), lang="en", readme=readme("en"))
    events: list[WatchEvent] = []
    watcher = Watcher(Workspace(tmp_path), catalogue(), lang="en", on_event=events.append,
                      exercise=exercise("stream-primes"), limit_s=limit_s)
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    thread.start()
    return watcher, events, stop, thread


def _wait_for(events: list[WatchEvent], count: int, timeout: float) -> list[WatchEvent]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        verdicts = [e for e in events if e.kind == "verdict"]
        if len(verdicts) >= count:
            return verdicts
        time.sleep(0.02)
    raise AssertionError(f"no verdict {count} within {timeout} s: {[e.kind for e in events]}")


def test_save_gets_a_verdict_and_hang_does_not_freeze(tmp_path: Path) -> None:
    watcher, events, stop, thread = _start(tmp_path, limit_s=2.0)
    try:
        first = _wait_for(events, 1, 10)[0]  # the starter, checked at start
        assert first.verdict is not None and not first.verdict.passed
        time.sleep(0.3)  # let the file watcher settle before the save
        (tmp_path / "stream_primes.py").write_text(HANG)
        saved = time.monotonic()
        hung = _wait_for(events, 2, 2.0 + 6)[1]
        assert hung.verdict is not None and "did not finish within 2 s" in hung.verdict.checks[0].detail
        assert time.monotonic() - saved < 2.0 + 3
        (tmp_path / "stream_primes.py").write_text(exercise("stream-primes").solution)
        fixed = _wait_for(events, 3, 10)[2]
        assert fixed.verdict is not None and fixed.verdict.passed
        # Unchanged bytes (a touch, a second save event) do not check again.
        (tmp_path / "stream_primes.py").write_text(exercise("stream-primes").solution)
        time.sleep(0.8)
        assert len([e for e in events if e.kind == "verdict"]) == 3
        watcher.command("q")
        thread.join(timeout=5)
        assert not thread.is_alive()
    finally:
        stop.set()
        thread.join(timeout=5)
    assert Workspace(tmp_path).progress.load().of("stream-primes").passed


def test_next_moves_on_only_when_asked(tmp_path: Path) -> None:
    watcher, events, stop, thread = _start(tmp_path, limit_s=2.0)
    try:
        _wait_for(events, 1, 10)
        assert watcher.current is not None and watcher.current.id == "stream-primes"
        watcher.command("n")  # the next unfinished after this one, in teaching order (wrapping round)
        ordered = catalogue().ids()
        expected = (ordered[ordered.index("stream-primes") + 1:] + ordered)[0]
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and [e.kind for e in events].count("watching") < 2:
            time.sleep(0.02)
        assert watcher.current.id == expected
    finally:
        stop.set()
        thread.join(timeout=15)
