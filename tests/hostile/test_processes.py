"""Issue 14, processes and limits: a limit is a limit, and no process outlives its command."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from conftest import invoke, processes_left

MP_CHILD_SLEEPS = """\
import multiprocessing, sys, time
def child():
    time.sleep(300)
if __name__ == "__main__":
    p = multiprocessing.Process(target=child)
    p.start()
    open(sys.argv[1], "w").write(str(p.pid))
    p.join()
"""

IGNORES_SIGTERM = """\
import signal, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
open(sys.argv[1], "w").write("ready")
while True:
    time.sleep(0.05)
"""


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.mark.parametrize("source", [MP_CHILD_SLEEPS, IGNORES_SIGTERM], ids=["mp-child-sleeps", "ignores-sigterm"])
def test_trace_stops_within_its_limit_plus_two_seconds(tmp_path: Path, source: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Case 4: 21.7 s for --timeout 5 (a sleeping multiprocessing child), 17.5 s for --timeout 2."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    script = tmp_path / "learner.py"
    script.write_text(source, encoding="utf-8")
    marker = tmp_path / "marker"
    started = time.perf_counter()
    result = invoke("trace", str(script), str(marker), "--timeout", "1", "--json")
    elapsed = time.perf_counter() - started
    assert result.exit_code == 2, result.stderr
    assert "stopped after 1 s" in result.stderr or "before VizTracer could save" in result.stderr
    assert elapsed < 1 + 2.0, f"took {elapsed:.1f} s for --timeout 1"
    if source is MP_CHILD_SLEEPS:
        assert _gone(int(marker.read_text()))
    assert not list(temp.rglob("*")), "VizTracer's temporary files were left behind"


def test_the_process_guard_sees_a_process_a_test_left() -> None:
    """The autouse guard of tests/conftest.py: a child still alive after the test is named."""
    from conftest import _live_descendants

    before = set(_live_descendants())
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        left = processes_left(before, grace_s=0.1)
        assert len(left) == 1 and str(child.pid) in left[0]
    finally:
        child.kill()
        child.wait()
    assert processes_left(before, grace_s=0.1) == []
