"""Ctrl-C ends conclab even when the interrupted code hangs in its clean-up, and leaves no child."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

HANGS_AFTER_CTRL_C = """
import multiprocessing, sys, time
from conclab._interrupt import interrupt_guard

def sleep_forever():
    time.sleep(600)

if __name__ == "__main__":
    with interrupt_guard(grace_s=0.5):
        child = multiprocessing.get_context("fork").Process(target=sleep_forever)
        child.start()
        try:
            print(child.pid, flush=True)  # inside the try: the interrupt may come right after
            time.sleep(600)
        except KeyboardInterrupt:
            time.sleep(600)  # clean-up that never ends, like a Pool waiting on a dead worker's lock
"""


def test_a_hung_clean_up_is_cut_short_and_children_are_killed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    script = tmp_path / "hangs.py"
    script.write_text(HANGS_AFTER_CTRL_C)
    with subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None and process.stderr is not None
            child = int(process.stdout.readline())  # the child exists: now interrupt
            started = time.monotonic()
            os.kill(process.pid, signal.SIGINT)
            code = process.wait(timeout=20)
            took = time.monotonic() - started
            errors = process.stderr.read()
        finally:
            if process.poll() is None:
                process.kill()
    assert code == 130
    assert took < 10
    assert "interrupted" in errors
    assert not psutil.pid_exists(child) or psutil.Process(child).status() == psutil.STATUS_ZOMBIE


def test_the_guard_leaves_sigint_as_it_found_it() -> None:
    from conclab._interrupt import interrupt_guard

    before = signal.getsignal(signal.SIGINT)
    with interrupt_guard():
        pass
    assert signal.getsignal(signal.SIGINT) is before


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_interrupt_that_python_swallows_still_ends_the_command() -> None:
    # Ctrl-C during a fork lands in logging's at-fork hook, where Python prints
    # "Exception ignored" and goes on; a __del__ is the same kind of place.
    from conclab._interrupt import interrupt_guard

    class InterruptedWhileCollected:
        def __del__(self) -> None:
            signal.raise_signal(signal.SIGINT)

    reached = []
    with pytest.raises(KeyboardInterrupt), interrupt_guard(grace_s=30.0):
        InterruptedWhileCollected()  # collected at once: the handler's exception is swallowed
        reached.append(True)
    assert reached == [True]  # the body went on: only the guard could end it
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
