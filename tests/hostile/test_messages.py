"""Issue 14, messages and Ctrl-C: say what happened, in one line where it is an interrupt."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from tests.exercises.helpers import check_source, failures

IGNORES_USR1_AND_HANGS = """\
import signal, threading
signal.signal(signal.SIGUSR1, signal.SIG_IGN)
threading.Event().wait()
"""


def test_a_program_ignoring_sigusr1_is_told_so(tmp_path: Path) -> None:
    """Case 16: it got "the stacks could not be read on this platform"."""
    verdict = check_source("producer-consumer", IGNORES_USR1_AND_HANGS, tmp_path, limit_s=1.0)
    text = failures(verdict)
    assert "did not answer SIGUSR1" in text
    assert "on this platform" not in text


@pytest.mark.parametrize("lab", ["pool", "cpu-examples"])
def test_ctrl_c_during_a_lab_with_pool_workers_prints_one_line(lab: str) -> None:
    """Case 15: 17 to 229 lines (pool workers' tracebacks); now exit 130 and one line."""
    process = subprocess.Popen([sys.executable, "-m", "conclab", "run", lab], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True,
                               env={**os.environ, "CONCLAB_LANG": "en"})
    try:
        deadline = time.monotonic() + 20
        children: list[psutil.Process] = []
        while time.monotonic() < deadline and process.poll() is None:
            children = [child for child in psutil.Process(process.pid).children(recursive=True)
                        if "resource_tracker" not in " ".join(child.cmdline())]
            if len(children) >= 2:
                break
            time.sleep(0.02)
        assert len(children) >= 2, "the lab started no workers"
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole group
        code = process.wait(timeout=10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.stderr is not None
    errors = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    assert code == 130
    assert errors == "conclab: error: interrupted\n"
