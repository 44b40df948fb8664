"""The race exercises: explorer-based checks, the server check, and races the starters do not contain.

The generic promises (starter fails, reference passes, each wrong variant fails
with its message) are in test_exercise_content.py. Here: the engine helpers
these checks use (exploring a learner's file in a subprocess, serving a
learner's server), what each failure shows the learner, that each check would
catch a race the starter does not contain, that verdicts are deterministic,
and that a check answers within about a second.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from tests.exercises.helpers import check_source, exercise, failures, processes_running

from conclab.exercises import explore_program, free_port, serve_program

RACES = ["fix-counter-race", "replace-spin-lock", "fix-deadlock", "fix-dirty-write"]

LOST = """
counter = 0


def bump():
    global counter
    seen = counter
    counter = seen + 1
"""

HARNESS = """
THREADS = [bump, bump]


def check():
    assert counter == 2, f"counter = {counter}"
"""


def _write(folder: Path, name: str, source: str) -> Path:
    path = folder / name
    path.write_text(source, encoding="utf-8")
    return path


# --- engine helpers ---------------------------------------------------------------------------

def test_explore_program_finds_the_race_on_the_learners_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, "mine.py", LOST)
    outcome = explore_program(path, HARNESS, schedules=50, limit_s=10.0)
    assert outcome.completed and not outcome.ok
    assert outcome.kind == "assertion"
    rows = outcome.steps()
    assert rows and all(row.location.startswith("mine.py:") and row.file.endswith("mine.py") for row in rows)
    assert max(row.line for row in rows) <= LOST.count("\n")
    assert outcome.result is not None and outcome.result.finding == outcome.finding
    assert "read counter -> 0" in outcome.table_text("en")
    assert "counter を読む" in explore_program(path, HARNESS, schedules=50, lang="ja").table_text("ja")


def test_explore_program_passes_a_locked_version(tmp_path: Path) -> None:
    locked = "import threading\nlock = threading.Lock()\n" + LOST.replace(
        "    seen = counter\n    counter = seen + 1\n", "    with lock:\n        seen = counter\n        counter = seen + 1\n")
    outcome = explore_program(_write(tmp_path, "mine.py", locked), HARNESS, schedules=50)
    assert outcome.ok and outcome.schedules == 50


def test_explore_program_stops_module_code_that_hangs(tmp_path: Path) -> None:
    path = _write(tmp_path, "mine.py", "import time\nwhile True:\n    time.sleep(0.05)\n" + LOST)
    started = time.perf_counter()
    outcome = explore_program(path, HARNESS, limit_s=1.5)
    assert time.perf_counter() - started < 1.5 + 2.0
    assert outcome.run.timed_out and not outcome.completed
    assert any(frame.file == str(path.resolve()) for stack in outcome.run.stacks for frame in stack.frames)
    assert not processes_running(path)


def test_explore_program_reports_a_syntax_error_in_the_learners_file(tmp_path: Path) -> None:
    outcome = explore_program(_write(tmp_path, "mine.py", "def (:\n"), HARNESS)
    assert outcome.run.syntax_error is not None and outcome.run.syntax_error.line == 1
    assert not outcome.completed


@pytest.mark.parametrize("name", ["fix-counter-race", "fix-dirty-write"])
def test_a_syntax_error_is_told_once_with_its_line(name: str, tmp_path: Path) -> None:
    verdict = check_source(name, "x = (\n", tmp_path)
    assert [c.passed for c in verdict.checks] == [False]
    assert f"syntax error in {name.replace('-', '_')}.py, line 1" in failures(verdict)


def test_explore_program_reports_a_refused_scenario(tmp_path: Path) -> None:
    outcome = explore_program(_write(tmp_path, "mine.py", "raise RuntimeError('boom')\n"), HARNESS)
    assert not outcome.completed and outcome.error and "boom" in outcome.error


SERVER = """
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(204); self.end_headers()
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""


def test_serve_program_runs_until_the_block_ends_and_leaves_nothing(tmp_path: Path) -> None:
    path = _write(tmp_path, "server.py", SERVER)
    port = free_port()
    with serve_program(path, [str(port)], port=port, ready_s=5.0) as served:
        assert served.ready and not served.exited
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
        assert served.stacks(), "a running server can tell where its threads are"
    assert not processes_running(path)
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        pass


def test_serve_program_tells_a_crash_from_a_slow_start(tmp_path: Path) -> None:
    crash = _write(tmp_path, "crash.py", "raise SystemExit('no port for me')\n")
    with serve_program(crash, ["1"], port=free_port(), ready_s=3.0) as served:
        assert served.exited and not served.ready
    assert "no port for me" in served.run.stderr
    broken = _write(tmp_path, "broken.py", "def (:\n")
    with serve_program(broken, [], port=free_port(), ready_s=3.0) as served:
        assert served.exited and served.run.syntax_error is not None


# --- what the learner sees ---------------------------------------------------------------------

def test_counter_race_failure_shows_the_steps_and_the_real_load(tmp_path: Path) -> None:
    verdict = check_source("fix-counter-race", exercise("fix-counter-race").starter, tmp_path)
    text = failures(verdict)
    assert "current = count" in text and "read count -> 0" in text
    assert "lost updates under real load" in text
    japanese = failures(check_source("fix-counter-race", exercise("fix-counter-race").starter, tmp_path, lang="ja"))
    assert "更新が失われました" in japanese and "count を読む -> 0" in japanese


def test_counter_race_catches_a_semaphore_that_lets_two_in(tmp_path: Path) -> None:
    """A race the starter does not contain: the reference with a Semaphore(2) for a lock."""
    source = exercise("fix-counter-race").solution.replace("threading.Lock()", "threading.Semaphore(2)")
    assert source != exercise("fix-counter-race").solution
    verdict = check_source("fix-counter-race", source, tmp_path)
    assert not verdict.passed
    assert "creates a new Lock" not in failures(verdict)
    assert "two requests, but count = 1" in failures(verdict)


def test_counter_race_renamed_function_is_named(tmp_path: Path) -> None:
    source = exercise("fix-counter-race").solution.replace("count_request", "count_one")
    verdict = check_source("fix-counter-race", source, tmp_path)
    assert not verdict.passed and "must define count_request()" in failures(verdict)


def test_spin_lock_catches_a_lock_released_too_early(tmp_path: Path) -> None:
    """A race the starter does not contain: a real Lock, released before the write."""
    solution = exercise("replace-spin-lock").solution
    source = solution.replace("    with lock:\n        total += 1\n", "    with lock:\n        pass\n    total += 1\n")
    assert source != solution
    verdict = check_source("replace-spin-lock", source, tmp_path)
    assert not verdict.passed
    assert "two calls of add_one(), but total = 1" in failures(verdict)


def test_deadlock_catches_a_third_order_the_starter_does_not_have(tmp_path: Path) -> None:
    """A deadlock the starter does not contain: pay_a_to_b() turned around in an otherwise fixed file."""
    solution = exercise("fix-deadlock").solution
    source = solution.replace("    global balance_a, balance_b\n    with lock_a, lock_b:\n        balance_a -= amount",
                              "    global balance_a, balance_b\n    with lock_b, lock_a:\n        balance_a -= amount")
    assert source != solution
    verdict = check_source("fix-deadlock", source, tmp_path)
    assert not verdict.passed
    assert "pay_a_to_b() still take(s) lock_b before lock_a" in failures(verdict)


def test_deadlock_message_names_the_cycle_in_japanese(tmp_path: Path) -> None:
    verdict = check_source("fix-deadlock", exercise("fix-deadlock").starter, tmp_path, lang="ja")
    text = failures(verdict)
    assert "デッドロック" in text and "lock_a" in text and "fix_deadlock.py:" in text


def test_dirty_write_catches_a_read_before_the_lock(tmp_path: Path) -> None:
    """A race the starter does not contain: the balance read once more, outside the lock, for the write."""
    solution = exercise("fix-dirty-write").solution
    source = solution.replace("        balance = seen - amount ", "        balance = balance_now - amount ").replace(
        "    async with balance_lock:\n", "    balance_now = balance\n    async with balance_lock:\n")
    assert source.count("balance_now") == 2
    verdict = check_source("fix-dirty-write", source, tmp_path)
    assert not verdict.passed
    text = failures(verdict)
    assert "but balance = 90" in text and "T0, T1, ... are the tasks" in text


# --- every race exercise ---------------------------------------------------------------------

@pytest.mark.parametrize("name", RACES)
def test_verdicts_are_deterministic(name: str, tmp_path: Path) -> None:
    first = check_source(name, exercise(name).starter, tmp_path)
    second = check_source(name, exercise(name).starter, tmp_path)
    assert [(c.name, c.passed) for c in first.checks] == [(c.name, c.passed) for c in second.checks]
    explorer_first = [c.detail for c in first.checks if "explorer" in c.name]
    explorer_second = [c.detail for c in second.checks if "explorer" in c.name]
    assert explorer_first == explorer_second


@pytest.mark.parametrize("name", RACES)
def test_reference_answers_within_about_a_second(name: str, tmp_path: Path) -> None:
    check_source(name, exercise(name).solution, tmp_path)  # warm the caches
    started = time.perf_counter()
    verdict = check_source(name, exercise(name).solution, tmp_path)
    elapsed = time.perf_counter() - started
    assert verdict.passed, failures(verdict)
    assert elapsed < 2.0, f"{name} took {elapsed:.2f} s"  # about 0.5 s measured; margin for a loaded CI


def test_a_server_that_crashes_at_start_shows_its_traceback(tmp_path: Path) -> None:
    source = ("def count_request():\n    pass\n\n"
              "if __name__ == '__main__':\n    raise RuntimeError('boom at start')\n")
    verdict = check_source("fix-counter-race", source, tmp_path)
    assert not verdict.passed
    assert any("boom at start" in check.detail for check in verdict.checks), verdict.checks
