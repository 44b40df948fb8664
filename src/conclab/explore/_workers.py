"""Scenario threads and the real threads that carry them.

Each scenario thread is a :class:`Worker`, carried by a real OS thread taken
from a small :class:`Pool` that lives as long as one ``explore.run`` call:
starting a real thread per schedule would cost more than the schedule. Exactly
one worker holds the baton at a time; every other one is parked on its
``gate``, a bare ``_thread`` lock (the ``threading`` classes are replaced while
the explorer runs, and a bare lock is the cheapest thing to park on).
"""

from __future__ import annotations

import _thread
import contextlib
import threading
import time
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from conclab.explore._enums import ChoiceKind, ThreadState

if TYPE_CHECKING:
    from conclab.explore._run import Run

_allocate = _thread.allocate_lock
_get_ident = _thread.get_ident
_OrigThread = threading.Thread
_perf = time.perf_counter

#: Consecutive choice points a thread may keep the baton before the default
#: policy hands it on (a time slice, like the interpreter's switch interval).
#: It keeps a busy-waiting thread from starving the one it waits for, so a
#: spin loop that *would* end is not reported as a livelock.
SLICE = 20

#: Controlled worker of each real thread that is running scenario code now.
BY_IDENT: dict[int, Worker] = {}

#: ``chooser(choice_index, enabled, current, kind, default) -> thread``
Chooser = Callable[[int, list[int], int, ChoiceKind, int], int]


class Abort(BaseException):
    """Unwinds a scenario thread whose run is over (raised at its next scheduling point)."""


class DivergenceError(Exception):
    """A replayed schedule asked for a thread that cannot run there."""


class _Sleep:
    """What a thread in ``time.sleep`` is blocked on: only its deadline wakes it."""


SLEEP = _Sleep()


class Worker:
    """One scenario thread (or, for asyncio scenarios, the thread running the loop)."""

    __slots__ = ("run", "index", "name", "label", "func", "gate", "state", "waiting_on",
                 "deadline", "timed_out", "reason", "held", "frame", "streak", "ident",
                 "pool_thread", "saved_trace", "parked", "last_wait")

    def __init__(self, run: Run, index: int, label: str, func: Callable[[], Any]) -> None:
        self.run = run
        self.index = index
        self.name = f"T{index}"
        self.label = label
        self.func = func
        self.gate: Any = None
        self.state = ThreadState.RUNNABLE
        self.waiting_on: Any = None
        self.deadline: float | None = None
        self.timed_out = False
        self.reason: tuple[str, Any] | None = None
        self.held: list[Any] = []
        self.frame: types.FrameType | None = None
        self.streak = 0
        self.ident = 0
        self.pool_thread: PoolThread | None = None
        # The trace function the carrying thread had before the tracer's ``enter``
        # (a debugger's or coverage's): ``leave`` gives it back.
        self.saved_trace: Any = None
        # Logged runs: parked before a visible instruction it has not run (not inside a primitive).
        self.parked = False
        # What it was last blocked on (``_symmetry``: two woken waiters are alike only if it is the same).
        self.last_wait: Any = None

    def __repr__(self) -> str:
        return f"<Worker {self.name} {self.state}>"


class PoolThread:
    """A real thread reused across schedules; it runs one worker's job at a time."""

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.gate = _allocate()
        self.gate.acquire()
        self.worker: Worker | None = None
        self.retired = False
        self.thread = _OrigThread(target=self._loop, name="conclab-explore", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        with contextlib.suppress(SystemExit):  # :func:`stop_thread` ends a retired thread this way
            self._serve()

    def _serve(self) -> None:
        gate = self.gate
        while True:
            gate.acquire()
            worker = self.worker
            if worker is None or self.retired:
                return
            worker.run.run_job(worker)


class Pool:
    """The real threads of one exploration; all are joined when it ends.

    Threads are interchangeable: a run takes any thread none of its own workers
    uses. The threads of the previous run are all idle (or just returning to their
    loop) by the time the next run starts.
    """

    def __init__(self) -> None:
        self.threads: list[PoolThread] = []
        self.retired: list[PoolThread] = []  # given up on, stuck in scenario code or a real call

    def take(self, busy: list[Worker]) -> PoolThread:
        """A thread that none of ``busy`` (the workers of the current run) is using."""
        used = [w.pool_thread for w in busy]
        for pool_thread in self.threads:
            if pool_thread not in used:
                return pool_thread
        # Starting a real thread waits on its "started" Event. From a scenario thread
        # that wait must be a real one, not a scheduler state, so step out of control.
        ident = _get_ident()
        worker = BY_IDENT.pop(ident, None)
        try:
            pool_thread = PoolThread(self)
            self.threads.append(pool_thread)
        finally:
            if worker is not None:
                BY_IDENT[ident] = worker
        return pool_thread

    def retire(self, pool_thread: PoolThread) -> None:
        """Give up on a thread stuck in a real blocking call; a fresh one takes its place."""
        pool_thread.retired = True
        self.retired.append(pool_thread)
        if pool_thread in self.threads:
            self.threads[self.threads.index(pool_thread)] = PoolThread(self)

    def shutdown(self, timeout: float) -> list[threading.Thread]:
        """Stop every pool thread; return those still alive (stuck in real I/O)."""
        for pool_thread in self.retired:
            stop_thread(pool_thread.thread)
        for pool_thread in self.threads + self.retired:
            pool_thread.worker = None
            pool_thread.retired = True
            if pool_thread.gate.locked():
                with contextlib.suppress(RuntimeError):  # released meanwhile by a thread of an aborted run
                    pool_thread.gate.release()
        deadline = _perf() + timeout
        for pool_thread in self.threads:
            pool_thread.thread.join(max(0.0, deadline - _perf()))
        return [p.thread for p in self.threads + self.retired if p.thread.is_alive()]


def stop_thread(thread: threading.Thread) -> None:
    """Raise ``SystemExit`` in a thread given up on, once the engine no longer needs it.

    Only for threads that can no longer touch a live run (retired pool threads, the
    loader of a module that never finished): a spin loop in ``check()`` or at module
    level then ends instead of slowing every later exploration. A thread blocked in a
    real call is not reached (Python runs no code there); ``SystemExit`` ends a thread
    silently.
    """
    if thread.ident is None or not thread.is_alive():
        return
    import ctypes

    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(SystemExit))
