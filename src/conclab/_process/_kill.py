"""Kill sets of processes: the one way conclab ends processes, for every caller.

SIGKILL, not SIGTERM: what is killed here is already past asking (a hang, a
leftover, an interrupted lab); a learner's program that handles SIGTERM is
tested by sending it SIGTERM on purpose, through :meth:`ProcessTree.send`.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Iterator, Sequence

import psutil


def kill_all(processes: Sequence[psutil.Process], group: int | None = None) -> None:
    """SIGKILL each process, and the process ``group`` (which catches what was never sampled)."""
    for process in processes:
        with contextlib.suppress(psutil.Error):
            process.kill()
    if group is not None and hasattr(os, "killpg"):
        with contextlib.suppress(OSError):
            os.killpg(group, signal.SIGKILL)


def kill_and_wait(processes: Sequence[psutil.Process], group: int | None = None, *,
                  timeout_s: float = 1.0) -> list[int]:
    """Kill, then wait (bounded) until they are gone; their pids. Our own children are reaped."""
    kill_all(processes, group)
    if processes and timeout_s > 0:
        psutil.wait_procs(processes, timeout=timeout_s)
    return [process.pid for process in processes]


def kill_descendants(keep: Callable[[psutil.Process], bool] | None = None) -> list[int]:
    """Kill every descendant process of this one that ``keep`` does not spare; their pids."""
    try:
        children = psutil.Process().children(recursive=True)
    except psutil.Error:
        return []
    if keep is not None:
        children = [child for child in children if not keep(child)]
    return kill_and_wait(children, timeout_s=1.0)


def spare_helpers(process: psutil.Process) -> bool:
    """multiprocessing's own helpers (resource tracker, fork server) live as long as the interpreter."""
    try:
        cmdline = " ".join(process.cmdline())
    except (psutil.Error, OSError):
        cmdline = ""
    return "resource_tracker" in cmdline or "forkserver" in cmdline


@contextlib.contextmanager
def reaping_children(keep: Callable[[psutil.Process], bool] = spare_helpers) -> Iterator[list[int]]:
    """Kill any descendant started in the block and still alive at its end; their pids are listed.

    For code run in this process (a lab): it starts children we have no handle
    on. Descendants that existed before, and those ``keep`` accepts, are spared.
    """
    me = psutil.Process()
    before = {p.pid for p in me.children(recursive=True)}
    leftovers: list[int] = []
    try:
        yield leftovers
    finally:
        left = [child for child in _reap_zombies(me.children(recursive=True))
                if child.pid not in before and not keep(child)]
        leftovers.extend(child.pid for child in left)
        kill_and_wait(left, timeout_s=3.0)


def _reap_zombies(processes: list[psutil.Process]) -> list[psutil.Process]:
    """The live ones; exited children of ours are reaped (an orphan adopted while we were a subreaper)."""
    live = []
    for process in processes:
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                live.append(process)
                continue
        except psutil.Error:
            continue
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(process.pid, os.WNOHANG)
    return live
