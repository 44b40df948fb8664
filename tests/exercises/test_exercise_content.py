"""Every exercise: the starter fails, the reference passes, each wrong variant fails with the right message.

Each wrong variant is a mistake a learner really makes; the expected text is
the part of the message that tells them what to change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.exercises.helpers import check_source, exercise, failures

from conclab.curriculum.exercises import catalogue
from conclab.i18n import LANGS

#: (exercise, variant) -> text the failure must contain. Every wrong_*.py must be listed.
WRONG_MESSAGES: dict[tuple[str, str], str] = {
    ("find-primes-parallel", "wrong_threads"): "threads take turns under the GIL",
    ("find-primes-parallel", "wrong_one_at_a_time"): "worked one after another",
    ("find-primes-parallel", "wrong_overlap"): "exactly once",
    ("stream-primes", "wrong_no_sentinel"): "item = results.get()",
    ("stream-primes", "wrong_print_at_end"): "collected and printed at the end",
    ("stream-primes", "wrong_overlap"): "printed more than once",
    ("check-urls", "wrong_two_workers"): "at most 2 requests in flight at once",
    ("check-urls", "wrong_unhandled_error"): "Connection refused",
    ("check-urls", "wrong_raise_for_status"): "a 404 or 500 is a response",
    ("limit-downloads", "wrong_lock"): "they were serialised",
    ("limit-downloads", "wrong_semaphore_per_thread"): "the limit did not hold",
    ("fix-counter-race", "wrong_lock_read_only"): "Hold the lock from the copy to the write back",
    ("fix-counter-race", "wrong_lock_per_request"): "creates a new Lock on every call",
    ("fix-counter-race", "wrong_busy_flag"): "is not a lock",
    ("replace-spin-lock", "wrong_sleep_flag"): "The sleep in the loop saves CPU, but",
    ("replace-spin-lock", "wrong_lock_per_call"): "creates a new lock on every call",
    ("replace-spin-lock", "wrong_rlock_per_thread"): "each thread has its own lock",
    ("lock-only-increment", "wrong_lock_per_call"): "'with Lock():' makes a new lock each call",
    ("lock-only-increment", "wrong_no_lock"): "'+= 1' alone is not atomic",
    ("fix-deadlock", "wrong_one_function"): "audit() still take(s) lock_b before lock_a",
    ("fix-deadlock", "wrong_give_up"): "A timeout hides the deadlock",
    ("fix-deadlock", "wrong_one_lock_at_a_time"): "audit() saw money in flight",
    ("fix-dirty-write", "wrong_lock_in_coroutine"): "creates a new asyncio.Lock on every call",
    ("fix-dirty-write", "wrong_lock_around_await"): "the lock covers only part of it",
    ("serve-concurrently", "wrong_thread_for_server"): "moves the whole server to that one thread",
    ("serve-concurrently", "wrong_lock_around_work"): "they took turns inside the handler",
    ("unblock-event-loop", "wrong_sleep_zero"): "only lets other tasks run before the call",
    ("unblock-event-loop", "wrong_one_at_a_time"): "they ran one after another",
    ("graceful-shutdown", "wrong_sleep_in_loop"): "rest with stop.wait(seconds) instead",
    ("graceful-shutdown", "wrong_daemon_no_join"): "join() each one before the last line",
    ("producer-consumer", "wrong_one_sentinel"): "1 consumer(s) stopped, but 3",
    ("producer-consumer", "wrong_empty_polling"): "stops when the queue is empty stops too early",
    ("threads-or-processes", "wrong_processes_for_both"): "the I/O part started 12 processes",
    ("threads-or-processes", "wrong_threads_for_both"): "threads take turns under the GIL",
    ("sqlite-threads", "wrong_shared_connection"): "can only be used in that same thread",
    ("sqlite-threads", "wrong_unconsumed_map"): "the table holds 0 of 100 rows, yet the program exited with status 0",
    ("future-handoff", "wrong_busy_wait"): "a thread polled in a loop (busy waiting)",
    ("future-handoff", "wrong_result_only"): "`print(f\"got {handoff.result()}\", flush=True)",
    ("primes-on-cluster", "wrong_one_task"): "ran as 1 task(s) on one worker",
    ("primes-on-cluster", "wrong_compute_in_loop"): "ran one after another, never two at once",
    ("primes-on-cluster", "wrong_local_pool"): "a local Pool counts on this machine only",
    ("primes-on-cluster", "wrong_tiny_tasks"): "Use fewer, bigger parts",
}

#: What the starter's failure says: the learner's first message must point at the task.
STARTER_MESSAGES: dict[str, str] = {
    "find-primes-parallel": "only one core was busy",
    "stream-primes": "collected and printed at the end",
    "check-urls": "the requests waited for each other",
    "limit-downloads": "more than 3",
    "fix-counter-race": "an update was lost",
    "replace-spin-lock": "both threads were inside your spin lock at once",
    "lock-only-increment": "the lock is held around the slow work too",
    "fix-deadlock": "T0 holds lock_a and waits for lock_b (held by T1)",
    "fix-dirty-write": "a withdrawal was lost",
    "serve-concurrently": "http.server.HTTPServer handles one request at a time",
    "unblock-event-loop": "the event loop was frozen",
    "graceful-shutdown": "they were killed mid-job",
    "producer-consumer": "nothing told them that the producer had finished",
    "threads-or-processes": "they did not all wait at the same time",
    "sqlite-threads": "they ran one after another",
    "future-handoff": "waited for the whole worker (join) instead of for its result",
    "primes-on-cluster": "no task reached the scheduler",
}

#: Short time limits keep the folder fast; each still leaves the reference a wide margin.
TEST_LIMITS: dict[str, float] = {"find-primes-parallel": 12.0, "stream-primes": 4.0, "producer-consumer": 2.5, "future-handoff": 2.5}

#: Exercises whose check starts real processes for seconds (a Dask scheduler and workers): marked slow.
SLOW = {"primes-on-cluster"}

ALL = [e.id for e in catalogue()]


def _cases(pairs: list[Any]) -> list[Any]:
    """``pytest.param`` with the slow mark where the exercise (the first item) is in :data:`SLOW`."""
    return [pytest.param(*p if isinstance(p, tuple) else (p,),
                         marks=[pytest.mark.slow] if (p[0] if isinstance(p, tuple) else p) in SLOW else [])
            for p in pairs]


def _limit(name: str) -> float | None:
    return TEST_LIMITS.get(name)


def test_every_wrong_variant_has_an_expected_message() -> None:
    listed = {(e.id, variant) for e in catalogue() for variant in e.wrong}
    assert listed == set(WRONG_MESSAGES)
    assert set(STARTER_MESSAGES) == set(ALL)  # every exercise is tested
    for ex in catalogue():
        assert len(ex.wrong) >= 2, f"{ex.id} needs at least two wrong variants"


@pytest.mark.parametrize("name", _cases(ALL))
def test_starter_fails_with_the_task(name: str, tmp_path: Path) -> None:
    verdict = check_source(name, exercise(name).starter, tmp_path, limit_s=_limit(name))
    assert not verdict.passed
    assert STARTER_MESSAGES[name] in failures(verdict)


@pytest.mark.parametrize("name", _cases(ALL))
def test_reference_solution_passes(name: str, tmp_path: Path) -> None:
    verdict = check_source(name, exercise(name).solution, tmp_path, limit_s=_limit(name))
    assert verdict.passed, failures(verdict)


@pytest.mark.parametrize(("name", "variant"), _cases(sorted(WRONG_MESSAGES)))
def test_wrong_variant_fails_with_its_message(name: str, variant: str, tmp_path: Path) -> None:
    verdict = check_source(name, exercise(name).wrong[variant], tmp_path, limit_s=_limit(name))
    assert not verdict.passed
    assert WRONG_MESSAGES[(name, variant)] in failures(verdict)


@pytest.mark.parametrize("name", ALL)
def test_texts_exist_in_both_languages(name: str) -> None:
    ex = exercise(name)
    assert len(ex.hints) >= 3, f"{name}: hints go from a nudge to nearly the answer, three at least"
    for lang in LANGS:
        assert ex.statement[lang].strip() and ex.title[lang] and ex.summary[lang]
        assert all(hint[lang].strip() for hint in ex.hints)
    assert ex.statement["ja"] != ex.statement["en"]


@pytest.mark.parametrize("name", ALL)
def test_sources_compile(name: str) -> None:
    ex = exercise(name)
    for label, source in [("starter", ex.starter), ("solution", ex.solution), *ex.wrong.items()]:
        compile(source, f"{name}/{label}.py", "exec")


def test_japanese_failure_messages(tmp_path: Path) -> None:
    verdict = check_source("stream-primes", exercise("stream-primes").starter, tmp_path,
                           limit_s=_limit("stream-primes"), lang="ja")
    assert "最後にまとめて表示" in failures(verdict)


def test_peak_check_catches_a_limit_the_starter_does_not_break(tmp_path: Path) -> None:
    """A check that cannot fail is a defect: a Semaphore(4) is a limit too, but the wrong one."""
    source = exercise("limit-downloads").solution.replace("BoundedSemaphore(MAX_AT_ONCE)", "BoundedSemaphore(4)")
    verdict = check_source("limit-downloads", source, tmp_path)
    assert not verdict.passed
    assert "4 downloads in flight at once, more than 3" in failures(verdict)


def test_parallelism_check_catches_a_pool_of_one(tmp_path: Path) -> None:
    """The starter never starts a process; a Pool(1) does, and must still fail as not parallel."""
    source = exercise("find-primes-parallel").solution.replace("with Pool(workers)", "with Pool(1)")
    verdict = check_source("find-primes-parallel", source, tmp_path, limit_s=12.0)
    assert not verdict.passed
    assert "worked one after another" in failures(verdict)
