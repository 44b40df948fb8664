"""Blocking and waking: a wait is a scheduler state, never a real wait.

A scenario thread that cannot take a lock, waits on a condition, joins a
thread or sleeps is parked as *blocked on* an object and hands the baton on.
When no thread can run, the virtual clock jumps to the earliest timeout; if
nobody has one, that is a deadlock (see ``_findings``). This is the part of a
run the primitives in ``_primitives`` and ``_locks`` call.
"""

from __future__ import annotations

import bisect
import types
from typing import TYPE_CHECKING, Any

from conclab.explore._enums import ChoiceKind, ThreadState
from conclab.explore._findings import RawFinding, deadlock_finding, describe_wait
from conclab.explore._workers import SLEEP, Abort, Worker

FREE, YIELD = ChoiceKind.FREE, ChoiceKind.YIELD
RUNNABLE, BLOCKED, DONE = ThreadState.RUNNABLE, ThreadState.BLOCKED, ThreadState.DONE

if TYPE_CHECKING:
    from conclab.explore._session import Session


class Blocking:
    """The blocking half of a run (mixed into ``Run``, which owns the state and the choices)."""

    if TYPE_CHECKING:
        session: Session
        workers: list[Worker]
        runnable: list[int]
        waitlist: list[Worker]
        sleepers: list[Worker]
        now: float
        aborting: bool
        timed: bool
        events: list[tuple[int, types.CodeType | None, int, int]] | None
        blocked_at: dict[int, int]
        recorder: Any

        def choose(self, current: int, kind: ChoiceKind, enabled: list[int] | None = None) -> int: ...
        def handoff(self, worker: Worker, following: Worker) -> None: ...
        def note(self, worker: Worker, kind: str, target: Any, value: str = "") -> None: ...
        def set_finding(self, finding: RawFinding) -> None: ...
        def holding(self, worker: Worker, serial: int, taken: bool) -> None: ...

    def block(self, worker: Worker, obj: Any, deadline: float | None) -> bool:
        """Park ``worker`` until ``obj`` is woken or the virtual clock reaches ``deadline``.

        Returns False on timeout. Raises :class:`Abort` if the run ends meanwhile.
        """
        if self.aborting:
            raise Abort
        worker.state = BLOCKED
        worker.waiting_on = obj
        worker.last_wait = obj
        worker.deadline = deadline
        worker.timed_out = False
        self.runnable.remove(worker.index)
        self.waitlist.append(worker)
        if deadline is not None:
            self.sleepers.append(worker)
            self.timed = True
        else:
            self._attempted(worker, obj)
        if obj is not SLEEP and self.recorder is not None:  # the text is for the step table only
            self.note(worker, "blocked", self.describe_wait(worker))
        following = self.next_after(worker)
        if following is None:
            raise Abort
        if following is not worker:
            self.handoff(worker, following)
        if worker.timed_out and obj is not SLEEP:
            self.note(worker, "timeout", None)
        return not worker.timed_out

    def _attempted(self, worker: Worker, obj: Any) -> None:
        """Log that ``worker``'s last event ended blocked on lock ``obj`` (partial-order reduction).

        Such an attempt changes nothing another thread can see (a release wakes every
        waiter, whatever the order they came in), so ``_por`` leaves it out of the trace.
        """
        events = self.events
        serial = getattr(obj, "_serial", None)
        if events and serial is not None and events[-1][0] == worker.index:
            self.blocked_at[len(events) - 1] = serial

    def _make_runnable(self, worker: Worker, timed_out: bool) -> None:
        worker.state = RUNNABLE
        worker.waiting_on = None
        worker.deadline = None
        worker.timed_out = timed_out
        self.waitlist.remove(worker)
        if worker in self.sleepers:
            self.sleepers.remove(worker)
        bisect.insort(self.runnable, worker.index)

    def wake(self, obj: Any, n: int | None = None) -> None:
        """Make threads blocked on ``obj`` runnable (oldest first)."""
        woken = 0
        for waiter in list(self.waitlist):
            if waiter.waiting_on is obj:
                self._make_runnable(waiter, False)
                woken += 1
                if n is not None and woken >= n:
                    return

    def released(self, worker: Worker, lock: Any) -> None:
        """``worker`` released ``lock``: record it and wake whoever waits for it."""
        self.note(worker, "release", lock)
        serial = getattr(lock, "_serial", None)
        if self.events is not None and serial is not None:
            self.holding(worker, serial, False)
        self.wake(lock)

    def sleep(self, worker: Worker, seconds: float) -> None:
        """``time.sleep`` on the virtual clock; ``sleep(0)`` offers the baton (a YIELD point)."""
        self.note(worker, "sleep", None, f"{seconds:g}")
        if seconds <= 0:
            if len(self.runnable) > 1:
                chosen = self.choose(worker.index, YIELD)
                if chosen != worker.index:
                    self.handoff(worker, self.workers[chosen])
            return
        self.block(worker, SLEEP, self.now + seconds)

    def join(self, worker: Worker, target: Worker, timeout: float | None) -> None:
        """``Thread.join`` of a scenario thread: block on the target worker until it is done."""
        if target.state == DONE:
            return
        if timeout is not None and timeout <= 0:
            return
        deadline = None if timeout is None else self.now + timeout
        self.block(worker, target, deadline)

    def next_after(self, worker: Worker) -> Worker | None:
        """Who runs now that ``worker`` cannot; None after declaring a deadlock."""
        while True:
            if self.runnable:
                return self.workers[self.choose(worker.index, FREE)]
            if self.sleepers:
                self.now = min(s.deadline for s in self.sleepers if s.deadline is not None)
                for sleeper in list(self.sleepers):
                    if sleeper.deadline is not None and sleeper.deadline <= self.now:
                        self._make_runnable(sleeper, True)
                self.note(worker, "clock", None, f"{self.now:g}")
                continue
            blocked = [w for w in self.workers if w.state == BLOCKED]
            if blocked:
                self.set_finding(deadlock_finding(self.session, blocked))
            return None

    def describe_wait(self, worker: Worker) -> str:
        """"lock b (held by T1)", "event done to be set", ... in the session's language."""
        return describe_wait(self.session, worker)
