"""The process module: hostile learner programs cannot hang a check or outlive it.

No sleep-and-hope: each test waits for a file, a line or a pid with a
deadline, and asserts on what psutil sees.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from conclab._process import STACK_PREFIX, launch, make_stack_dir
from conclab.exercises import run_program

LINUX = sys.platform.startswith("linux")
SRC = str(Path(__file__).resolve().parents[1] / "src")


def until(condition: Callable[[], bool], deadline_s: float = 10.0) -> bool:
    """Poll ``condition`` until it holds or the deadline passes; whether it held."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def stack_dirs_of(pid: int) -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"{STACK_PREFIX}{pid}-*"))


DETACHED_SLEEP = textwrap.dedent("""\
    import subprocess
    child = subprocess.Popen(["sleep", "307"], start_new_session=True)
    print(child.pid, flush=True)
    """)

DOUBLE_FORK = textwrap.dedent("""\
    import os, sys, time
    read, write = os.pipe()
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.write(write, str(os.getpid()).encode())
            os.close(write)
            time.sleep(300)  # still holds the run's stdout and stderr
        os._exit(0)
    os.close(write)
    print(os.read(read, 32).decode(), flush=True)
    """)


@pytest.mark.skipif(os.name != "posix", reason="start_new_session and fork are POSIX")
@pytest.mark.parametrize("source", [DETACHED_SLEEP, DOUBLE_FORK], ids=["detached-popen", "double-fork"])
def test_a_detached_grandchild_neither_hangs_the_run_nor_outlives_it(tmp_path: Path, source: str) -> None:
    script = tmp_path / "detaches.py"
    script.write_text(source)
    started = time.perf_counter()
    run = run_program(script, limit_s=20)
    took = time.perf_counter() - started
    assert run.ok, run.stderr
    grandchild = int(run.output_lines[0])
    assert took < 5, f"the run waited {took:.1f} s for a grandchild it does not own"
    assert took - run.elapsed_s < 3
    assert until(lambda: gone(grandchild), 5), "the detached grandchild is still running"
    assert grandchild in run.left_behind


@pytest.mark.skipif(os.name != "posix", reason="process groups are POSIX")
def test_finish_stops_reading_a_pipe_a_stranger_holds() -> None:
    """Whatever holds the pipe, finishing is bounded: the reader is stopped, not waited for."""
    lines: list[str] = []
    script = "import subprocess; subprocess.Popen(['sleep', '308']); print('started', flush=True)"
    tree = launch([sys.executable, "-c", script], cwd=".", on_stdout=lambda at, text: lines.append(text))
    with tree:
        assert tree.wait(10) == 0
    started = time.perf_counter()
    cleanup = tree.finish()
    assert time.perf_counter() - started < 3
    assert lines == ["started\n"]
    assert cleanup.survivors == []
    assert all(until(lambda pid=pid: gone(pid), 5) for pid in cleanup.left_behind)  # type: ignore[misc]


def test_stack_folders_are_removed_even_after_a_hang(tmp_path: Path) -> None:
    script = tmp_path / "hangs.py"
    script.write_text("import threading\nthreading.Event().wait()\n")
    run = run_program(script, limit_s=1.0)
    assert run.timed_out and run.stacks
    assert stack_dirs_of(os.getpid()) == []


def test_stack_folders_of_a_dead_conclab_are_swept() -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = Path(tempfile.mkdtemp(prefix=f"{STACK_PREFIX}{dead.pid}-"))
    (stale / "stacks-1.txt").write_text("x")
    fresh = make_stack_dir()
    try:
        assert not stale.exists() or psutil.pid_exists(dead.pid)  # (pid reused: left alone)
    finally:
        os.rmdir(fresh)


SPINS = textwrap.dedent("""\
    import os, sys
    with open(sys.argv[1] + ".tmp", "w") as out:
        out.write(str(os.getpid()))
    os.replace(sys.argv[1] + ".tmp", sys.argv[1])
    while True:
        pass
    """)

CHECKER = textwrap.dedent("""\
    import sys
    from pathlib import Path
    from conclab.exercises import run_program
    run_program(Path(sys.argv[1]), [sys.argv[2]], limit_s=120)
    """)


def _wait_for_pid(path: Path) -> int:
    assert until(path.exists, 20), "the learner's program never started"
    return int(path.read_text())


@pytest.mark.skipif(not LINUX, reason="PR_SET_PDEATHSIG is Linux")
def test_the_learners_program_dies_with_a_killed_checker(tmp_path: Path) -> None:
    script = tmp_path / "spins.py"
    script.write_text(SPINS)
    pid_file = tmp_path / "pid"
    env = {**os.environ, "PYTHONPATH": SRC}
    checker = subprocess.Popen([sys.executable, "-c", CHECKER, str(script), str(pid_file)], env=env)
    try:
        learner = _wait_for_pid(pid_file)
        checker.kill()
        checker.wait(10)
        assert until(lambda: gone(learner), 10), "the learner's program outlived a SIGKILLed checker"
    finally:
        if checker.poll() is None:
            checker.kill()
            checker.wait()


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")
@pytest.mark.parametrize(("signum", "background"), [
    (signal.SIGTERM, False), (getattr(signal, "SIGHUP", signal.SIGTERM), False), (signal.SIGTERM, True)],
    ids=["SIGTERM", "SIGHUP", "SIGTERM-background-job"])
def test_conclab_check_ended_by_a_signal_kills_the_tree_and_its_stack_folder(
        tmp_path: Path, signum: int, background: bool) -> None:
    """A shell's background job (``conclab check &``) starts with SIGINT ignored: SIGTERM still counts."""
    env = {**os.environ, "PYTHONPATH": SRC}
    workspace = tmp_path / "ws"
    subprocess.run([sys.executable, "-m", "conclab", "exercises", "init", str(workspace)], env=env,
                   check=True, capture_output=True)
    pid_file = tmp_path / "pid"
    (workspace / "producer_consumer.py").write_text(
        f"import sys\nsys.argv[1:] = [{str(pid_file)!r}]\n" + SPINS)
    command = [sys.executable, "-m", "conclab", "check", "producer_consumer", "--limit", "120",
               "--dir", str(workspace)]
    if background:  # as sh does for 'cmd &': SIGINT ignored, then exec (same pid)
        command = ["sh", "-c", 'trap "" INT; exec "$@"', "sh", *command]
    conclab = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        learner = _wait_for_pid(pid_file)
        assert stack_dirs_of(conclab.pid), "the run has its stack folder while it runs"
        conclab.send_signal(signum)
        code = conclab.wait(15)
    finally:
        if conclab.poll() is None:
            conclab.kill()
        conclab.communicate()
    assert code == 128 + signum
    assert until(lambda: gone(learner), 5)
    assert stack_dirs_of(conclab.pid) == []
