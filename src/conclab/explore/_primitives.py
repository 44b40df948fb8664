"""Scheduler-aware stand-ins for threading, queue and time.sleep.

While the explorer runs a scenario, ``threading.Lock``, ``RLock``,
``Condition``, ``Event``, ``Semaphore``, ``BoundedSemaphore``, ``Barrier``,
``Thread``, ``queue.Queue`` (and its Lifo, Priority and Simple variants) and
``time.sleep`` are these classes. The scenario module is executed afresh for
every schedule while they are installed, so ``from threading import Lock``
captures them too.

Blocking is a scheduler state, never a real wait: when a scenario thread cannot
take a lock it tells the scheduler what it waits for and hands the baton on.
That is what lets the explorer report a deadlock with its wait-for cycle
instead of hanging, and lets ``time.sleep`` run on a virtual clock.

Called from a thread the explorer does not control (the engine itself, the
scenario's ``setup()`` and ``check()``, or any other thread that happens to
create a lock while a run is in progress) every class behaves exactly like the
standard one, backed by a real lock. The locks themselves are in ``_locks``;
this module builds the rest on them and installs them all.
"""

from __future__ import annotations

import _thread
import asyncio
import contextlib
import queue as _queue
import socket
import threading
import time as _time
from collections.abc import Callable, Iterator
from typing import Any

from conclab.explore import _children
from conclab.explore._async import AsyncLock
from conclab.explore._enums import ThreadState
from conclab.explore._locks import Condition, Lock, RLock, now, reason
from conclab.explore._workers import BY_IDENT, Worker

_get_ident = _thread.get_ident
_real_sleep = _time.sleep

_OrigEvent = threading.Event
_OrigSemaphore = threading.Semaphore
_OrigBarrier = threading.Barrier
_OrigThread = threading.Thread
_OrigQueue = _queue.Queue
_OrigLifo = _queue.LifoQueue
_OrigPriority = _queue.PriorityQueue
_Empty = _queue.Empty
_Full = _queue.Full


class Event(_OrigEvent):
    """``threading.Event`` on a conclab condition."""

    _conclab_primitive = True

    def __init__(self) -> None:
        super().__init__()
        self._cond = Condition(Lock())  # type: ignore[assignment]

    def wait(self, timeout: float | None = None) -> bool:
        with reason(BY_IDENT.get(_get_ident()), "event", self):
            return super().wait(timeout)


class Semaphore(_OrigSemaphore):
    """``threading.Semaphore`` on a conclab condition and the virtual clock."""

    _conclab_primitive = True

    def __init__(self, value: int = 1) -> None:
        super().__init__(value)
        self._cond = Condition(Lock())  # type: ignore[assignment]

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        if not blocking and timeout is not None:
            raise ValueError("can't specify timeout for non-blocking acquire")
        worker = BY_IDENT.get(_get_ident())
        rc = False
        endtime: float | None = None
        with self._cond:
            while self._value == 0:
                if not blocking:
                    break
                if timeout is not None:
                    if endtime is None:
                        endtime = now(worker) + timeout
                    else:
                        timeout = endtime - now(worker)
                        if timeout <= 0:
                            break
                with reason(worker, "semaphore", self):
                    self._cond.wait(timeout)
            else:
                self._value -= 1
                rc = True
        return rc

    __enter__ = acquire


class BoundedSemaphore(Semaphore):
    """``threading.BoundedSemaphore``: releasing too often is a ValueError."""

    def __init__(self, value: int = 1) -> None:
        super().__init__(value)
        self._initial_value = value

    def release(self, n: int = 1) -> None:
        if n < 1:
            raise ValueError("n must be one or more")
        with self._cond:
            if self._value + n > self._initial_value:
                raise ValueError("Semaphore released too many times")
            self._value += n
            self._cond.notify(n)


class Barrier(_OrigBarrier):
    """``threading.Barrier`` on a conclab condition (timeouts on the virtual clock)."""

    _conclab_primitive = True

    def __init__(self, parties: int, action: Callable[[], None] | None = None,
                 timeout: float | None = None) -> None:
        super().__init__(parties, action, timeout)
        self._cond = Condition(Lock())  # type: ignore[assignment]

    def wait(self, timeout: float | None = None) -> int:
        with reason(BY_IDENT.get(_get_ident()), "barrier", self):
            return super().wait(timeout)


class Thread(_OrigThread):
    """``threading.Thread``: started from a scenario thread, it becomes one more scenario thread."""

    _conclab_worker: Worker | None = None

    def start(self) -> None:
        worker = BY_IDENT.get(_get_ident())
        if worker is None:
            super().start()
            return
        if self._conclab_worker is not None:
            raise RuntimeError("threads can only be started once")
        self._conclab_worker = worker.run.spawn(worker, self)

    def join(self, timeout: float | None = None) -> None:
        target = self._conclab_worker
        if target is None:
            super().join(timeout)
            return
        worker = BY_IDENT.get(_get_ident())
        if worker is None:
            raise RuntimeError("conclab: only scenario threads can join a scenario thread")
        if target is worker:
            raise RuntimeError("cannot join current thread")
        worker.run.join(worker, target, timeout)

    def is_alive(self) -> bool:
        target = self._conclab_worker
        if target is None:
            return super().is_alive()
        return target.state != ThreadState.DONE


class Queue(_OrigQueue):  # type: ignore[type-arg]
    """``queue.Queue`` on conclab conditions and the virtual clock."""

    _conclab_primitive = True

    def __init__(self, maxsize: int = 0) -> None:
        super().__init__(maxsize)
        self.mutex = Lock()  # type: ignore[assignment]
        self.not_empty = Condition(self.mutex)  # type: ignore[assignment]
        self.not_full = Condition(self.mutex)  # type: ignore[assignment]
        self.all_tasks_done = Condition(self.mutex)  # type: ignore[assignment]

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        worker = BY_IDENT.get(_get_ident())
        with self.not_full:
            if self.maxsize > 0:
                if not block:
                    if self._qsize() >= self.maxsize:
                        raise _Full
                elif timeout is None:
                    while self._qsize() >= self.maxsize:
                        with reason(worker, "queue-put", self):
                            self.not_full.wait()
                elif timeout < 0:
                    raise ValueError("'timeout' must be a non-negative number")
                else:
                    endtime = now(worker) + timeout
                    while self._qsize() >= self.maxsize:
                        remaining = endtime - now(worker)
                        if remaining <= 0.0:
                            raise _Full
                        with reason(worker, "queue-put", self):
                            self.not_full.wait(remaining)
            self._put(item)
            self.unfinished_tasks += 1
            self.not_empty.notify()

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        worker = BY_IDENT.get(_get_ident())
        with self.not_empty:
            if not block:
                if not self._qsize():
                    raise _Empty
            elif timeout is None:
                while not self._qsize():
                    with reason(worker, "queue-get", self):
                        self.not_empty.wait()
            elif timeout < 0:
                raise ValueError("'timeout' must be a non-negative number")
            else:
                endtime = now(worker) + timeout
                while not self._qsize():
                    remaining = endtime - now(worker)
                    if remaining <= 0.0:
                        raise _Empty
                    with reason(worker, "queue-get", self):
                        self.not_empty.wait(remaining)
            item = self._get()
            self.not_full.notify()
            return item

    def join(self) -> None:
        with self.all_tasks_done, reason(BY_IDENT.get(_get_ident()), "queue-join", self):
            while self.unfinished_tasks:
                self.all_tasks_done.wait()


class LifoQueue(Queue):
    """``queue.LifoQueue`` on conclab primitives."""

    _init = _OrigLifo._init
    _qsize = _OrigLifo._qsize
    _put = _OrigLifo._put
    _get = _OrigLifo._get


class PriorityQueue(Queue):
    """``queue.PriorityQueue`` on conclab primitives."""

    _init = _OrigPriority._init
    _qsize = _OrigPriority._qsize
    _put = _OrigPriority._put
    _get = _OrigPriority._get


class SimpleQueue(Queue):
    """``queue.SimpleQueue`` (unbounded) on conclab primitives."""

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        super().put(item)


def sleep(secs: float) -> None:
    """``time.sleep`` on the virtual clock: the scenario thread waits, no real time passes."""
    worker = BY_IDENT.get(_get_ident())
    if worker is None:
        _real_sleep(secs)
        return
    if secs < 0:
        raise ValueError("sleep length must be non-negative")
    worker.run.sleep(worker, float(secs))


_REPLACEMENTS: list[tuple[Any, str, Any]] = [
    (threading, "Lock", Lock),
    (threading, "RLock", RLock),
    (threading, "Condition", Condition),
    (threading, "Event", Event),
    (threading, "Semaphore", Semaphore),
    (threading, "BoundedSemaphore", BoundedSemaphore),
    (threading, "Barrier", Barrier),
    (threading, "Thread", Thread),
    (_queue, "Queue", Queue),
    (_queue, "LifoQueue", LifoQueue),
    (_queue, "PriorityQueue", PriorityQueue),
    (_queue, "SimpleQueue", SimpleQueue),
    (_time, "sleep", sleep),
    (asyncio, "Lock", AsyncLock),
    (asyncio.locks, "Lock", AsyncLock),
    *_children.REPLACEMENTS,
]

#: The standard objects the explorer replaces, as found at import time.
ORIGINALS: dict[tuple[str, str], Any] = {
    (module.__name__, name): getattr(module, name) for module, name, _ in _REPLACEMENTS
}


@contextlib.contextmanager
def installed(socket_timeout: float | None) -> Iterator[None]:
    """Install the replacements; restore exactly what was there, even on error.

    New sockets get a default timeout so that a scenario thread stuck in real
    network I/O wakes up and can be stopped.
    """
    saved = [(module, name, getattr(module, name)) for module, name, _ in _REPLACEMENTS]
    saved_timeout = socket.getdefaulttimeout()
    try:
        for module, name, replacement in _REPLACEMENTS:
            setattr(module, name, replacement)
        if socket_timeout is not None and saved_timeout is None:
            socket.setdefaulttimeout(socket_timeout)
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)
        socket.setdefaulttimeout(saved_timeout)
