"""Scheduler-aware locks: ``threading.Lock``, ``RLock`` and ``Condition`` while the explorer runs.

Waiting for one of these is a scheduler state (``Run.block``), never a real
wait: that is what lets the explorer report a deadlock with its wait-for cycle
instead of hanging. Called from a thread the explorer does not control (the
engine, ``setup()``, ``check()``) each behaves exactly like the standard one,
backed by a real lock. The other primitives (``_primitives``) are built on
these, as the standard library builds its own on ``Lock`` and ``Condition``.
"""

from __future__ import annotations

import _thread
import contextlib
import itertools
import sys
import time as _time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from conclab.explore._workers import BY_IDENT, Worker

_allocate = _thread.allocate_lock
_get_ident = _thread.get_ident
_monotonic = _time.monotonic
_getframe = sys._getframe

#: Creation order of the locks of the current run (``Session`` restarts it for every run):
#: partial-order reduction names a lock by it, the same in every schedule.
SERIALS = itertools.count()


def _direct(worker: Worker) -> bool:
    """Whether a lock method was called straight from scenario code (logged runs only)."""
    run = worker.run
    return run.events is not None and _getframe(2).f_code.co_filename == run.session.filename


def now(worker: Worker | None) -> float:
    return worker.run.now if worker is not None else _monotonic()


@contextlib.contextmanager
def reason(worker: Worker | None, kind: str, obj: Any) -> Iterator[None]:
    """Label what ``worker`` is about to wait for, so a deadlock report can say it."""
    if worker is None:
        yield
        return
    previous = worker.reason
    worker.reason = (kind, obj)
    try:
        yield
    finally:
        worker.reason = previous


def _check_timeout(blocking: bool, timeout: float) -> None:
    if not blocking and timeout != -1:
        raise ValueError("can't specify a timeout for a non-blocking call")
    if timeout < 0 and timeout != -1:
        raise ValueError("timeout value must be a non-negative number")


class Lock:
    """``threading.Lock`` whose waiting is a scheduler state."""

    _conclab_primitive = True
    __slots__ = ("_real", "_holder", "_serial", "__weakref__")

    def __init__(self) -> None:
        self._real = _allocate()
        self._holder: Worker | None = None
        self._serial = next(SERIALS)

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        worker = BY_IDENT.get(_get_ident())
        if worker is None:
            return self._real.acquire(blocking, timeout)
        return self._acquire(worker, blocking, timeout, worker.run.events is not None and _direct(worker))

    def _acquire(self, worker: Worker, blocking: bool, timeout: float, direct: bool) -> bool:
        _check_timeout(blocking, timeout)
        run = worker.run
        if direct:
            run.synced(worker, self._serial)
        deadline = None if timeout == -1 else run.now + timeout
        while not self._real.acquire(False):
            if not blocking or timeout == 0 or not run.block(worker, self, deadline):
                run.note(worker, "acquire-failed", self)
                return False
            if direct:
                run.synced(worker, self._serial)  # resumed, in a later event
        self._holder = worker
        worker.held.append(self)
        if run.events is not None:
            run.holding(worker, self._serial, True)
        run.note(worker, "acquire", self)
        return True

    def release(self) -> None:
        worker = BY_IDENT.get(_get_ident())
        if worker is not None and worker.run.events is not None and _direct(worker):
            worker.run.synced(worker, self._serial)
        self._release(worker)

    def _release(self, worker: Worker | None) -> None:
        self._real.release()
        holder, self._holder = self._holder, None
        if holder is not None and self in holder.held:
            holder.held.remove(self)
        if worker is not None:
            worker.run.released(worker, self)

    def locked(self) -> bool:
        return self._real.locked()

    def _is_owned(self) -> bool:
        return self._real.locked()

    def _release_save(self) -> None:
        self.release()

    def _acquire_restore(self, state: None) -> None:
        self.acquire()

    def _at_fork_reinit(self) -> None:
        self._real = _allocate()
        self._holder = None

    def __enter__(self) -> bool:
        worker = BY_IDENT.get(_get_ident())
        if worker is None:
            return self._real.acquire()
        return self._acquire(worker, True, -1, worker.run.events is not None and _direct(worker))

    def __exit__(self, *exc: object) -> None:
        worker = BY_IDENT.get(_get_ident())
        if worker is not None and worker.run.events is not None and _direct(worker):
            worker.run.synced(worker, self._serial)
        self._release(worker)

    def __repr__(self) -> str:
        state = "locked" if self._real.locked() else "unlocked"
        return f"<conclab {state} Lock>"


class RLock:
    """``threading.RLock`` whose waiting is a scheduler state."""

    _conclab_primitive = True
    __slots__ = ("_block", "_owner", "_count", "_holder", "_serial", "__weakref__")

    def __init__(self) -> None:
        self._block = _allocate()
        self._owner: int | None = None
        self._count = 0
        self._holder: Worker | None = None
        self._serial = next(SERIALS)

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        me = _get_ident()
        worker = BY_IDENT.get(me)
        direct = worker is not None and worker.run.events is not None and _direct(worker)
        if direct and worker is not None:
            worker.run.synced(worker, self._serial)
        if self._owner == me:
            self._count += 1
            return True
        if worker is None:
            if not self._block.acquire(blocking, timeout):
                return False
        else:
            _check_timeout(blocking, timeout)
            run = worker.run
            deadline = None if timeout == -1 else run.now + timeout
            while not self._block.acquire(False):
                if not blocking or timeout == 0 or not run.block(worker, self, deadline):
                    run.note(worker, "acquire-failed", self)
                    return False
                if direct:
                    run.synced(worker, self._serial)  # resumed, in a later event
            worker.held.append(self)
            if run.events is not None:
                run.holding(worker, self._serial, True)
            run.note(worker, "acquire", self)
        self._owner = me
        self._count = 1
        self._holder = worker
        return True

    def release(self) -> None:
        me = _get_ident()
        worker = BY_IDENT.get(me)
        if worker is not None and worker.run.events is not None and _direct(worker):
            worker.run.synced(worker, self._serial)
        self._release(me, worker)

    def _release(self, me: int, worker: Worker | None) -> None:
        if self._owner != me:
            raise RuntimeError("cannot release un-acquired lock")
        self._count -= 1
        if self._count:
            return
        self._owner = None
        holder, self._holder = self._holder, None
        if holder is not None and self in holder.held:
            holder.held.remove(self)
        self._block.release()
        if worker is not None:
            worker.run.released(worker, self)

    def locked(self) -> bool:
        return self._block.locked()

    def _is_owned(self) -> bool:
        return self._owner == _get_ident()

    def _release_save(self) -> int:
        if self._owner != _get_ident():
            raise RuntimeError("cannot release un-acquired lock")
        count = self._count
        self._count = 1
        self.release()
        return count

    def _acquire_restore(self, count: int) -> None:
        self.acquire()
        self._count = count

    def _at_fork_reinit(self) -> None:
        self._block = _allocate()
        self._owner = None
        self._count = 0

    __enter__ = acquire

    def __exit__(self, *exc: object) -> None:
        me = _get_ident()
        worker = BY_IDENT.get(me)
        if worker is not None and worker.run.events is not None and _direct(worker):
            worker.run.synced(worker, self._serial)
        self._release(me, worker)

    def __repr__(self) -> str:
        return f"<conclab RLock owner={self._owner} count={self._count}>"


class _Waiter:
    """What a controlled thread blocks on inside ``Condition.wait``."""

    __slots__ = ("condition",)

    def __init__(self, condition: Condition) -> None:
        self.condition = condition


class Condition:
    """``threading.Condition`` over a conclab lock (an RLock by default)."""

    _conclab_primitive = True

    def __init__(self, lock: Any = None) -> None:
        if lock is None:
            lock = RLock()
        self._lock = lock
        self.acquire = lock.acquire
        self.release = lock.release
        self._waiters: deque[Any] = deque()

    def __enter__(self) -> bool:
        return self._lock.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._lock.__exit__(*exc)

    def __repr__(self) -> str:
        return f"<conclab Condition({self._lock!r}, {len(self._waiters)})>"

    def _at_fork_reinit(self) -> None:
        # A Thread made during a run keeps an Event built on this class; every later
        # os.fork() in the process resets it (threading._after_fork walks all Thread
        # objects ever made), so it must know how, as threading.Condition does.
        if hasattr(self._lock, "_at_fork_reinit"):
            self._lock._at_fork_reinit()
        self._waiters.clear()

    def _is_owned(self) -> bool:
        if hasattr(self._lock, "_is_owned"):
            return bool(self._lock._is_owned())
        if self._lock.acquire(False):
            self._lock.release()
            return False
        return True

    def _release_save(self) -> Any:
        if hasattr(self._lock, "_release_save"):
            return self._lock._release_save()
        self._lock.release()
        return None

    def _acquire_restore(self, state: Any) -> None:
        if hasattr(self._lock, "_acquire_restore"):
            self._lock._acquire_restore(state)
        else:
            self._lock.acquire()

    def _synced(self, worker: Worker | None, direct: bool) -> None:
        """A wait or notify called straight from scenario code: for partial-order reduction an
        operation on the underlying lock (it releases or needs it, and touches the waiters,
        which only threads holding that lock touch), when that lock is one of ours."""
        serial = getattr(self._lock, "_serial", None)
        if direct and worker is not None and serial is not None:
            worker.run.synced(worker, serial)

    def wait(self, timeout: float | None = None) -> bool:
        if not self._is_owned():
            raise RuntimeError("cannot wait on un-acquired lock")
        worker = BY_IDENT.get(_get_ident())
        direct = worker is not None and worker.run.events is not None and _direct(worker)
        self._synced(worker, direct)
        waiter: Any = _Waiter(self) if worker is not None else _allocate()
        if worker is None:
            waiter.acquire()
        self._waiters.append(waiter)
        saved = self._release_save()
        got = False
        try:
            if worker is not None:
                if timeout is not None and timeout <= 0:
                    got = False
                else:
                    deadline = None if timeout is None else worker.run.now + timeout
                    got = worker.run.block(worker, waiter, deadline)
                    self._synced(worker, direct)  # resumed, in a later event
            elif timeout is None:
                got = waiter.acquire()
            elif timeout > 0:
                got = waiter.acquire(True, timeout)
            else:
                got = waiter.acquire(False)
            return got
        finally:
            self._acquire_restore(saved)
            if not got:
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)

    def wait_for(self, predicate: Callable[[], Any], timeout: float | None = None) -> Any:
        worker = BY_IDENT.get(_get_ident())
        endtime: float | None = None
        waittime = timeout
        result = predicate()
        while not result:
            if waittime is not None:
                if endtime is None:
                    endtime = now(worker) + waittime
                else:
                    waittime = endtime - now(worker)
                    if waittime <= 0:
                        break
            self.wait(waittime)
            result = predicate()
        return result

    def notify(self, n: int = 1) -> None:
        worker = BY_IDENT.get(_get_ident())
        self._notify(n, worker, worker is not None and worker.run.events is not None and _direct(worker))

    def _notify(self, n: int, worker: Worker | None, direct: bool) -> None:
        if not self._is_owned():
            raise RuntimeError("cannot notify on un-acquired lock")
        self._synced(worker, direct)
        while self._waiters and n > 0:
            waiter = self._waiters.popleft()
            if isinstance(waiter, _Waiter):
                if worker is not None:
                    worker.run.wake(waiter)
            else:
                with contextlib.suppress(RuntimeError):
                    waiter.release()
            n -= 1
        if worker is not None:
            worker.run.note(worker, "notify", self)

    def notify_all(self) -> None:
        worker = BY_IDENT.get(_get_ident())
        direct = worker is not None and worker.run.events is not None and _direct(worker)
        self._notify(len(self._waiters), worker, direct)

    notifyAll = notify_all  # noqa: N815  (the standard library's old spelling)
