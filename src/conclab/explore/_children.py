"""Processes a scenario starts end with the schedule that started them.

A scenario thread calling ``subprocess.Popen(["sleep", "300"])`` runs once per
schedule: left alone, an exploration would pile up one process per schedule
(1,000 by default) until the command ends. While the explorer's replacements
are installed, ``Popen`` and ``os.fork`` note the pid of every process they
start; at the end of each schedule (:meth:`Session.finished`) those processes
and their descendants are killed and waited for. A schedule that starts no
process pays one list test. ``os._exit`` in a scenario thread raises
``SystemExit`` instead, which the run reports like any exception escaping a thread.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psutil

#: Processes started by scenario code since the last :func:`reap`: (pid, its Popen or None).
STARTED: list[tuple[int, subprocess.Popen[Any] | None]] = []

_execute_child = subprocess.Popen._execute_child  # type: ignore[attr-defined]
_fork = getattr(os, "fork", None)


def _noting_execute_child(self: subprocess.Popen[Any], *args: Any, **kwargs: Any) -> None:
    _execute_child(self, *args, **kwargs)
    STARTED.append((self.pid, self))


def _noting_fork() -> int:
    assert _fork is not None
    pid = _fork()
    if pid:
        STARTED.append((pid, None))
    else:
        STARTED.clear()  # the child's own list starts empty
    return pid


_real_exit = os._exit
_PID = os.getpid()


def own_process() -> None:
    """Make this process the explorer's own: a forked child that explores (``run_contained``) calls it."""
    global _PID
    _PID = os.getpid()


def _exit(code: int) -> None:
    """``os._exit`` in a scenario thread: ``SystemExit``, so the exploration reports it as a finding.

    Anywhere else (conclab's own watchdog, a forked child) it is the real one.
    """
    from conclab.explore._workers import BY_IDENT

    if os.getpid() == _PID and threading.get_ident() in BY_IDENT:
        raise SystemExit(code)
    _real_exit(code)


REPLACEMENTS: list[tuple[Any, str, Any]] = [(subprocess.Popen, "_execute_child", _noting_execute_child),
                                            (os, "_exit", _exit)]
if _fork is not None:
    REPLACEMENTS.append((os, "fork", _noting_fork))


def reap(wait_s: float = 2.0) -> None:
    """Kill every process started since the last call, with its descendants, and collect them."""
    import psutil  # only once a scenario has started a process

    started = list(STARTED)
    STARTED.clear()
    victims: list[psutil.Process] = []
    for pid, _ in started:
        with contextlib.suppress(psutil.Error):
            process = psutil.Process(pid)
            victims.extend(process.children(recursive=True))
            victims.append(process)
    for victim in victims:
        with contextlib.suppress(psutil.Error):
            victim.kill()
    for _, popen in started:
        if popen is not None:  # waited for through its Popen, which then knows it has ended
            with contextlib.suppress(subprocess.TimeoutExpired):
                popen.wait(wait_s)
    psutil.wait_procs(victims, timeout=wait_s)  # the others: no zombie stays
