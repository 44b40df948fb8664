"""Issue 14, faults inside the explorer: Ctrl-C, scenarios that start processes, exit or hang."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ENV = {**os.environ, "CONCLAB_LANG": "en", "NO_COLOR": "1", "PYTHONWARNINGS": "ignore"}

# Module-level code runs once per schedule: the marker says the exploration is under way.
BUSY = """\
import threading
open({marker!r}, "a").close()
lock = threading.Lock()
c = 0
def w():
    global c
    for _ in range(50):
        with lock:
            c += 1
THREADS = [w, w, w]
"""


def _wait_for(path: Path, process: subprocess.Popen[str], limit_s: float = 20.0) -> None:
    deadline = time.perf_counter() + limit_s
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.perf_counter() < deadline, "the exploration never started"
        time.sleep(0.01)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_ctrl_c_in_explore_prints_one_line_and_exits_130_at_once(tmp_path: Path, lang: str) -> None:
    """Case 15: exit only through the 2 s watchdog, with "release unlocked lock" tracebacks."""
    marker = tmp_path / "started"
    scenario = tmp_path / "s.py"
    scenario.write_text(BUSY.format(marker=str(marker)), encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "conclab", "explore", str(scenario), "--schedules", "100000"],
                               cwd=tmp_path, env={**ENV, "CONCLAB_LANG": lang}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for(marker, process)
        time.sleep(0.3)  # well inside the batch of schedules
        os.kill(process.pid, signal.SIGINT)
        sent = time.perf_counter()
        _, err = process.communicate(timeout=10)
        took = time.perf_counter() - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130
    assert err == {"en": "conclab: error: interrupted\n", "ja": "conclab: エラー: 中断しました\n"}[lang], err
    assert took < 1.5, f"took {took:.1f} s after Ctrl-C"


POPEN = """\
import subprocess
def w():
    subprocess.Popen(["sleep", "300"])
THREADS = [w, w]
def check():
    with open({log!r}, "a") as log:
        log.write(" ".join(str(p.pid) for p in psutil.Process().children()) + "\\n")
import psutil
"""


def test_processes_a_scenario_starts_end_with_their_schedule(tmp_path: Path) -> None:
    """Case 3: one ``sleep`` per schedule piled up until the command ended."""
    from conclab import explore

    log = tmp_path / "children"
    scenario = tmp_path / "s.py"
    scenario.write_text(POPEN.format(log=str(log)), encoding="utf-8")
    explore.run(scenario, schedules=10, strategy="random", timeout=5)
    seen = [line.split() for line in log.read_text().splitlines()]
    assert len(seen) == 10
    # check() runs before the schedule ends: it sees this schedule's two sleeps, never earlier ones.
    assert max(len(pids) for pids in seen) <= 2, seen
    assert not psutil_children()


def psutil_children() -> list[int]:
    import psutil

    return [child.pid for child in psutil.Process().children(recursive=True)
            if "sleep" in " ".join(child.cmdline()) and child.status() != psutil.STATUS_ZOMBIE]


def _explore(tmp_path: Path, source: str, *args: str, limit_s: float = 20.0) -> tuple[subprocess.CompletedProcess[str],
                                                                                   float]:
    """``conclab explore`` of ``source`` in a subprocess, bounded: an old hang fails as TimeoutExpired."""
    scenario = tmp_path / "s.py"
    scenario.write_text(source, encoding="utf-8")
    started = time.perf_counter()
    ran = subprocess.run([sys.executable, "-m", "conclab", "explore", str(scenario), *args], cwd=tmp_path, env=ENV,
                         capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=limit_s)
    return ran, time.perf_counter() - started


def test_os_exit_in_a_scenario_thread_is_a_finding_not_the_exit_of_conclab(tmp_path: Path) -> None:
    """Case 14: ``os._exit(7)`` in a thread ended conclab with exit 7 and no output."""
    ran, _ = _explore(tmp_path, "import os\ndef w():\n    os._exit(7)\nTHREADS = [w, w]\n")
    assert ran.returncode == 1, (ran.returncode, ran.stdout, ran.stderr)
    assert "SystemExit: 7" in ran.stdout
    assert "Traceback" not in ran.stderr


def test_endless_module_level_code_is_stopped_at_the_limit(tmp_path: Path) -> None:
    """Case 14: a module-level ``while True`` hung the command for ever."""
    ran, took = _explore(tmp_path, "x = 0\nwhile True:\n    x += 1\nTHREADS = []\n", "--timeout", "0.5")
    assert ran.returncode == 2, (ran.returncode, ran.stdout, ran.stderr)
    assert ran.stderr.count("\n") == 1 and "s.py:2" in ran.stderr and "0.5 s" in ran.stderr, ran.stderr
    assert took < 0.5 + 2.0 + 1.0, f"took {took:.1f} s"  # limit, grace, interpreter start-up


def test_a_stuck_check_is_found_within_the_limit_and_its_grace(tmp_path: Path) -> None:
    """Case 14: a stuck ``check()`` was found after 10.5 s with --timeout 2 (a grace of 8 s, then a replay)."""
    source = "import threading\ndef w():\n    pass\nTHREADS = [w, w]\ndef check():\n    threading.Event().wait()\n"
    ran, took = _explore(tmp_path, source, "--timeout", "1")
    assert ran.returncode == 1, (ran.returncode, ran.stdout, ran.stderr)
    assert "s.py:6" in ran.stdout
    assert took < 1 + 2.0 + 1.0, f"took {took:.1f} s"


def _spinning(prefix: str, limit_s: float = 3.0) -> list[str]:
    """Threads named ``prefix...`` still alive after waiting up to ``limit_s`` for them to end."""
    import threading

    deadline = time.perf_counter() + limit_s
    while True:
        alive = [t.name for t in threading.enumerate() if t.name.startswith(prefix)]
        if not alive or time.perf_counter() > deadline:
            return alive
        time.sleep(0.02)


def test_a_spinning_check_or_module_leaves_no_thread_spinning(tmp_path: Path) -> None:
    """Case 14: a spin loop left behind made the next exploration in the process 50 times slower."""
    import pytest

    from conclab import explore
    from conclab.errors import ConclabError

    scenario = tmp_path / "s.py"
    scenario.write_text("def w():\n    pass\nTHREADS = [w, w]\ndef check():\n    while True:\n        pass\n",
                        encoding="utf-8")
    result = explore.run(scenario, timeout=0.2)
    assert result.finding is not None and result.finding.kind == "hang"
    assert not _spinning("conclab-explore")
    scenario.write_text("while True:\n    pass\nTHREADS = []\n", encoding="utf-8")
    with pytest.raises(ConclabError, match="did not finish within 0.2 s"):
        explore.run(scenario, timeout=0.2)
    assert not _spinning("conclab-explore")
    started = time.perf_counter()
    assert explore.run("lost-update").finding is not None
    assert time.perf_counter() - started < 5


def test_a_segfault_in_a_scenario_is_one_line_with_the_stacks_not_the_death_of_conclab(tmp_path: Path) -> None:
    """A scenario thread that crashed in C took the whole command with it: exit 139 and no word."""
    source = "import ctypes\ndef w():\n    ctypes.string_at(0)\ndef v():\n    pass\nTHREADS = [w, v]\n"
    ran, _ = _explore(tmp_path, source)
    assert ran.returncode == 2, (ran.returncode, ran.stdout, ran.stderr)
    last = ran.stderr.strip().splitlines()[-1]
    assert last.startswith("conclab: error: the scenario") and "SIGSEGV" in last, ran.stderr
    assert 'line 3 in w' in ran.stderr  # faulthandler: where the scenario's thread was
    assert "Traceback" not in ran.stderr


def test_os_exit_at_module_level_is_one_line_not_a_silent_exit(tmp_path: Path) -> None:
    """``os._exit(3)`` in the scenario's module-level code ended conclab with exit 3 and no output."""
    ran, _ = _explore(tmp_path, "import os\nos._exit(3)\n")
    assert ran.returncode == 2, (ran.returncode, ran.stdout, ran.stderr)
    assert ran.stderr.count("\n") == 1 and "exit code 3" in ran.stderr, ran.stderr
    ja = subprocess.run([sys.executable, "-m", "conclab", "--lang", "ja", "explore", str(tmp_path / "s.py")],
                        cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=20)
    assert ja.returncode == 2 and "終了コード 3" in ja.stderr, ja.stderr


def test_the_contained_exploration_reports_what_the_in_process_one_does(tmp_path: Path) -> None:
    """The forked child sends the Result back whole: the same finding, schedule and steps as in place."""
    import json

    from conclab import explore

    ran = subprocess.run([sys.executable, "-m", "conclab", "explore", "lost-update", "--json"], cwd=tmp_path,
                         env=ENV, capture_output=True, text=True, timeout=20)
    assert ran.returncode == 1, ran.stderr
    here = explore.run("lost-update").to_json()
    there = json.loads(ran.stdout)
    for key in ("verdict", "finding", "steps", "threads"):
        assert there.get(key) == here.get(key), key
