"""The chapter exercises (asyncio, coordination, processes, threads-io): what their checks catch.

The starter, the reference and every wrong variant of every exercise are tested
in test_exercise_content.py; these sources show that a check also fails on
mistakes the starter does not contain, and that hung programs are stopped.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.exercises.helpers import check_source, exercise, failures, processes_running

from conclab.exercises import Interrupt, describe_failure, run_program


def test_lag_check_catches_a_short_block_the_starter_does_not_have(tmp_path: Path) -> None:
    """Overlapping lookups that each still block the loop briefly: total time fine, heartbeat not."""
    source = exercise("unblock-event-loop").solution.replace(
        "return await asyncio.to_thread(slow_lookup, n)",
        "value = await asyncio.to_thread(slow_lookup, n)\n    time.sleep(0.25)  # post-processing, blocking\n"
        "    return value")
    verdict = check_source("unblock-event-loop", source, tmp_path)
    assert not verdict.passed
    assert "the heartbeat stopped for" in failures(verdict)


def test_shutdown_check_sends_sigterm_too(tmp_path: Path) -> None:
    """Handling Ctrl-C only is not enough: 'kill' (SIGTERM) ends such a program mid-job."""
    source = exercise("graceful-shutdown").solution.replace(
        "    signal.signal(signal.SIGTERM, ask_to_stop)\n", "")
    verdict = check_source("graceful-shutdown", source, tmp_path)
    assert not verdict.passed
    assert [c.name for c in verdict.checks if not c.passed] == ["stops on SIGTERM"]
    assert "killed by signal 15" in failures(verdict)


def test_hung_consumers_are_stopped_in_time_named_and_gone(tmp_path: Path) -> None:
    """One sentinel for four consumers: stopped within the limit + 2 s, threads named, nothing left."""
    verdict = check_source("producer-consumer", exercise("producer-consumer").wrong["wrong_one_sentinel"],
                           tmp_path, limit_s=2.0)
    assert verdict.elapsed_s < 2.0 + 2.0
    text = failures(verdict)
    assert "did not finish within 2 s" in text
    assert "thread 'consumer-" in text and "in consumer() `item = tasks.get()`" in text
    assert "main thread: producer_consumer.py" in text and "`thread.join()`" in text
    assert processes_running(tmp_path / "producer_consumer.py") == []
    ja = check_source("producer-consumer", exercise("producer-consumer").wrong["wrong_one_sentinel"],
                      tmp_path, limit_s=2.0, lang="ja")
    assert "スレッド 'consumer-" in failures(ja) and "番兵" in failures(ja)


def test_cpu_part_does_not_apply_on_one_core(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On one core nothing computes in parallel: the CPU part says so instead of failing the learner."""
    from conclab.curriculum.exercises.threads_or_processes import checks

    monkeypatch.setattr(checks, "usable_cores", lambda: 1)
    verdict = check_source("threads-or-processes",
                           exercise("threads-or-processes").wrong["wrong_threads_for_both"], tmp_path)
    assert verdict.passed, failures(verdict)
    assert "does not apply" in verdict.checks[-1].detail


def test_sqlite_rows_are_read_from_the_file_not_the_output(tmp_path: Path) -> None:
    """A program that prints the right count without inserting anything fails: the checker opens the file."""
    source = exercise("sqlite-threads").solution.replace(
        'print(f"rows: {count}")', 'conn.execute("DELETE FROM records")\n    conn.commit()\n    print(f"rows: {count}")')
    verdict = check_source("sqlite-threads", source, tmp_path)
    assert not verdict.passed
    assert "the table holds 0 of 100 rows" in failures(verdict)


def test_future_check_names_the_missing_set_exception(tmp_path: Path) -> None:
    """The hang of a never-settled Future is explained in the learner's terms, in both languages."""
    wrong = exercise("future-handoff").wrong["wrong_result_only"]
    english = failures(check_source("future-handoff", wrong, tmp_path, limit_s=2.0))
    assert "set_result() is never called" in english and "future.set_exception(error)" in english
    japanese = failures(check_source("future-handoff", wrong, tmp_path, limit_s=2.0, lang="ja"))
    assert "誰も値を入れない Future" in japanese


def test_check_urls_requires_the_timeout(tmp_path: Path) -> None:
    """A URL answering only after the 1 s timeout: a program with a long timeout prints 200 and fails."""
    source = exercise("check-urls").solution.replace("TIMEOUT_S = 1.0", "TIMEOUT_S = 10.0")
    verdict = check_source("check-urls", source, tmp_path)
    assert not verdict.passed
    text = failures(verdict)
    assert "/delay/2: printed" in text and "it times out after 1 s and is an ERROR line" in text
    assert verdict.elapsed_s < 5.0


NAMED_HANG = """\
import threading
threading.Thread(target=threading.Event().wait, name="uploader").start()
threading.Event().wait()
"""


def test_hang_report_names_threads(tmp_path: Path) -> None:
    script = tmp_path / "named.py"
    script.write_text(NAMED_HANG)
    run = run_program(script, limit_s=1.0)
    assert run.timed_out
    assert [s.name for s in run.stacks if not s.is_main] == ["uploader"]
    text = describe_failure(run, "en")
    assert "thread 'uploader':" in text and "main thread: named.py:3" in text
    assert "スレッド 'uploader'" in describe_failure(run, "ja")


def test_interrupt_waits_for_its_line(tmp_path: Path) -> None:
    """The signal goes only after the awaited line (plus the delay); without the line it is never sent."""
    import signal

    script = tmp_path / "ready.py"
    script.write_text("import sys, time\ntime.sleep(0.2)\nprint('ready', flush=True)\n"
                      "try:\n    time.sleep(1)\nexcept KeyboardInterrupt:\n    print('bye')\n")
    run = run_program(script, limit_s=5.0, interrupt=Interrupt(signal.SIGINT, after_line="ready", delay_s=0.1))
    assert run.ok and run.output_lines == ["ready", "bye"]
    assert run.interrupted_at is not None and run.interrupted_at >= run.lines[0][0] + 0.1
    never = run_program(script, limit_s=5.0, interrupt=Interrupt(signal.SIGINT, after_line="never"))
    assert never.ok and never.interrupted_at is None and never.elapsed_s >= 1.0
    assert never.output_lines == ["ready"]


def test_cpu_part_catches_a_pool_of_one(tmp_path: Path) -> None:
    """Processes, but one at a time: it starts a process (unlike the starter) and must still fail."""
    source = exercise("threads-or-processes").solution.replace(
        "with ProcessPoolExecutor() as pool:", "with ProcessPoolExecutor(max_workers=1) as pool:")
    verdict = check_source("threads-or-processes", source, tmp_path)
    assert not verdict.passed
    assert "1 processes were started, but only one core was busy at a time" in failures(verdict)
