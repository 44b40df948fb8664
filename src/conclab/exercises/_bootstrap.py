"""Run a learner's script the way ``python SCRIPT ARGS...`` would, but ready to be inspected.

The checker starts ``python _bootstrap.py SCRIPT ARGS...`` instead of the script
itself. Before the script runs, this file arranges that a ``SIGUSR1`` makes
the process (and every process it forks) write all its threads' stacks to
``$CONCLAB_STACK_DIR/stacks-<pid>.txt``. faulthandler writes them from C, so
it works even when every thread is stuck in a lock, a queue or a C call, which
a Python-level signal handler would not. On a platform without ``SIGUSR1`` a
timed dump a little before the time limit stands in.

faulthandler knows threads only by their id. After it has written the stacks
it chains to a small Python handler that writes each thread's name to
``names-<pid>.txt``; that handler runs as soon as the main thread can run
Python (a lock, queue, sleep or select wait is interrupted for it), so the
report can say ``consumer-2`` instead of ``0x7f...`` where the names can be known.

It also makes the program die with conclab (Linux ``PR_SET_PDEATHSIG``): a
checker killed with SIGKILL cannot stop what it started, so the kernel must.

This module imports nothing from conclab on purpose: it starts in a fresh
interpreter for every check, and startup time is feedback time.
"""

from __future__ import annotations

import faulthandler
import os
import runpy
import signal
import sys
import traceback
from typing import IO

_open_files: list[IO[str]] = []  # faulthandler needs its file kept open


def _write_names(stack_dir: str) -> None:
    """Thread id and name of every thread of this process, for the hang report."""
    import threading

    path = os.path.join(stack_dir, f"names-{os.getpid()}.txt")
    try:
        with open(path + ".tmp", "w", encoding="utf-8") as out:
            for thread in threading.enumerate():
                if thread.ident is not None:
                    out.write(f"{thread.ident} {thread.name}\n")
        os.replace(path + ".tmp", path)
    except OSError:
        pass


def _arm(stack_dir: str, timed_dump_s: float) -> None:
    handle = open(os.path.join(stack_dir, f"stacks-{os.getpid()}.txt"), "w")  # noqa: SIM115
    _open_files.append(handle)
    usr1 = getattr(signal, "SIGUSR1", None)
    if usr1 is not None:
        # The Python handler first, so faulthandler (C, always runs) chains to it after dumping.
        # A forked child inherits the parent's registration: drop it, or register() would keep
        # the handler that signal.signal() just replaced.
        faulthandler.unregister(usr1)
        signal.signal(usr1, lambda signum, frame: _write_names(stack_dir))
        faulthandler.register(usr1, file=handle, all_threads=True, chain=True)
    elif timed_dump_s > 0:
        faulthandler.dump_traceback_later(timed_dump_s, exit=False, file=handle)


def _die_with_parent() -> None:
    """SIGKILL this process when conclab (``CONCLAB_PARENT_PID``) dies; exit if it already has."""
    parent = os.environ.get("CONCLAB_PARENT_PID", "")
    if not sys.platform.startswith("linux") or not parent.isdigit():
        return
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != int(parent):  # conclab died before the prctl: nobody will kill us
        os._exit(1)


def _print_learner_traceback(error: BaseException, script: str) -> None:
    """Print the traceback without this bootstrap's and runpy's frames: learners see their own code."""
    tb = error.__traceback__
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) != script:
        tb = tb.tb_next
    traceback.print_exception(type(error), error, tb if tb is not None else error.__traceback__)


def main() -> None:
    _die_with_parent()
    stack_dir = os.environ.get("CONCLAB_STACK_DIR")
    timed_dump_s = float(os.environ.get("CONCLAB_TIMED_DUMP_S", "0") or 0)
    if stack_dir:
        _arm(stack_dir, timed_dump_s)
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=lambda: _arm(stack_dir, timed_dump_s))
    script = os.path.abspath(sys.argv[1])
    sys.argv = [sys.argv[1], *sys.argv[2:]]
    sys.path[0] = os.path.dirname(script)
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit:
        raise
    except BaseException as error:  # the learner's uncaught exception: show it as python would
        _print_learner_traceback(error, script)
        sys.stderr.flush()
        sys.exit(1)


if __name__ == "__main__":
    main()
