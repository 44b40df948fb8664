"""Ctrl-C always ends conclab, and never leaves a child process behind.

A ``KeyboardInterrupt`` alone is not enough when what runs is a lesson's
multiprocessing example: Ctrl-C in a terminal reaches every process of the
group, a pool worker can die holding the pool's queue lock, and the parent's
``Pool.terminate()`` then waits for that lock for ever. So the first SIGINT
raises ``KeyboardInterrupt`` as usual (``finally`` blocks run, the lab runner
reaps its children) and starts a watchdog: if conclab has not finished a
couple of seconds later, the watchdog kills every descendant process and
exits with 130. Killing the children first would be quicker to write and
slower to run: it is what makes the pool's clean-up hang.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

GRACE_S = 2.0


def kill_descendants() -> list[int]:
    """Kill every descendant process of this one; return their pids."""
    import psutil

    try:
        children = psutil.Process().children(recursive=True)
    except psutil.Error:
        return []
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.kill()
    psutil.wait_procs(children, timeout=1.0)
    return [child.pid for child in children]


def _last_resort(grace_s: float, finished: threading.Event) -> None:
    if finished.wait(grace_s):
        return  # the interrupt came out of the command in time: nothing hangs
    kill_descendants()
    sys.stderr.write("conclab: error: interrupted\n")
    sys.stderr.flush()
    os._exit(130)


@contextlib.contextmanager
def interrupt_guard(grace_s: float = GRACE_S) -> Iterator[None]:
    """While the block runs, SIGINT interrupts and arms the watchdog.

    Only in the main thread, and only where nobody else has taken SIGINT over
    (a test harness or a program embedding conclab keeps its own handler).
    """
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return

    finished = threading.Event()

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C interrupts at once
        threading.Thread(target=_last_resort, args=(grace_s, finished), name="conclab-interrupt",
                         daemon=True).start()
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield
    finally:
        finished.set()
        if signal.getsignal(signal.SIGINT) is on_interrupt:
            signal.signal(signal.SIGINT, signal.default_int_handler)
