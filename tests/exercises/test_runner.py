"""The runner: hangs stopped with stacks and nothing left behind; syntax errors and crashes located."""

from __future__ import annotations

import re
import textwrap
import time
from pathlib import Path

from tests.exercises.helpers import processes_running

from conclab.exercises import describe_failure, run_program

HANGS = textwrap.dedent("""\
    import multiprocessing
    import threading


    def child(queue):
        queue.get()


    def helper(event):
        event.wait()


    if __name__ == "__main__":
        queue = multiprocessing.Queue()
        worker = multiprocessing.Process(target=child, args=(queue,))
        worker.start()
        threading.Thread(target=helper, args=(threading.Event(),), name="helper").start()
        print("started", flush=True)
        worker.join()
    """)


def test_hang_is_stopped_in_time_with_stacks_and_no_leftovers(tmp_path: Path) -> None:
    script = tmp_path / "hangs.py"
    script.write_text(HANGS)
    start = time.perf_counter()
    run = run_program(script, limit_s=1.5)
    took = time.perf_counter() - start
    assert run.timed_out
    assert took < 1.5 + 2.0
    assert run.output_lines == ["started"]
    text = describe_failure(run, "en")
    assert "did not finish within 1.5 s" in text
    assert "hangs.py:19 in <module>() `worker.join()`" in text  # the main thread
    assert "hangs.py:10 in helper() `event.wait()`" in text  # the extra thread
    assert "hangs.py:6 in child() `queue.get()`" in text  # the child process
    assert "child process" in text
    deadline = time.time() + 2.0
    while processes_running(script) and time.time() < deadline:
        time.sleep(0.05)
    assert processes_running(script) == []


def test_busy_loop_in_child_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "spins.py"
    script.write_text(textwrap.dedent("""\
        import multiprocessing

        def spin():
            while True:
                pass

        if __name__ == "__main__":
            p = multiprocessing.Process(target=spin, daemon=False)
            p.start()
        """))
    run = run_program(script, limit_s=1.0)
    assert run.timed_out  # the parent waits for its non-daemon child at exit
    described = describe_failure(run, "en")
    # The spinning child, at whichever line of its loop the signal found it.
    assert re.search(r"child process \d+, main thread: spins\.py:[45] in spin\(\)", described), described
    assert f"process {run.pid}, " in described and "- waiting in" in described
    time.sleep(0.2)
    assert processes_running(script) == []


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    script = tmp_path / "broken.py"
    script.write_text("def f():\n    return 1\n\nprint(f()\n")
    run = run_program(script, limit_s=5)
    assert run.syntax_error is not None and not run.ok
    text = describe_failure(run, "en")
    assert text.startswith("syntax error in broken.py, line 4")
    assert "ファイル" not in text
    assert "broken.py の 4 行目に構文エラー" in describe_failure(run, "ja")


def test_crash_shows_the_learners_traceback_only(tmp_path: Path) -> None:
    script = tmp_path / "crash.py"
    script.write_text("import sys\nprint(sys.argv[1:])\nraise ValueError('bad input')\n")
    run = run_program(script, ["a", "b"], limit_s=5)
    assert run.returncode == 1 and run.output_lines == ["['a', 'b']"]
    assert "ValueError: bad input" in run.stderr
    assert "_bootstrap.py" not in run.stderr and "runpy" not in run.stderr
    assert 'crash.py", line 3' in describe_failure(run, "en")


def test_output_lines_are_timed_and_cpu_is_counted(tmp_path: Path) -> None:
    script = tmp_path / "timed.py"
    script.write_text("import time\nprint('a', flush=True)\ntime.sleep(0.3)\nprint('b', flush=True)\n"
                      "x = 0\nfor i in range(2_000_000):\n    x += i\n")
    run = run_program(script, limit_s=10)
    assert run.ok
    (first_at, first), (second_at, second) = run.lines
    assert (first, second) == ("a", "b")
    assert second_at - first_at >= 0.25
    assert run.cpu_s is not None and run.cpu_s > 0.02
    assert run.elapsed_s >= second_at


def test_orphans_left_by_the_program_are_cleaned_up(tmp_path: Path) -> None:
    script = tmp_path / "orphan.py"
    script.write_text(textwrap.dedent("""\
        import os, time
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        print("parent done", flush=True)
        """))
    run = run_program(script, limit_s=5)
    assert run.ok
    time.sleep(0.2)
    assert processes_running(script) == []


def test_a_check_compiles_the_learners_file_once(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Several runs, an exploration and a look for functions: one compile of the learner's file."""
    from tests.exercises.helpers import check_source, exercise

    from conclab.exercises import _check, _explore, _runner, _serve, _source

    compiled: list[str] = []
    original = _source.compile_learner_file

    def counting(path: Path) -> _source.LearnerSource:
        compiled.append(str(path))
        return original(path)

    for module in (_check, _explore, _runner, _serve, _source):
        monkeypatch.setattr(module, "compile_learner_file", counting)
    ex = exercise("fix_counter_race")
    source = (Path(_check.__file__).parents[1] / "curriculum" / "exercises" / "fix_counter_race"
              / "solution.py").read_text(encoding="utf-8")
    verdict = check_source("fix_counter_race", source, tmp_path)
    learner = str((tmp_path / ex.file_name).resolve())
    assert verdict.passed, verdict
    assert len(verdict.checks) >= 2
    assert compiled.count(learner) == 1
