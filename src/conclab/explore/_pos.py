"""Partial order sampling (POS: Yuan, Yang and Gu, CAV 2018), the chooser.

Every thread's next step (its next visible instruction) gets a random
priority and the enabled thread with the highest one runs. Once a step has
run, the thread's next step gets a fresh priority, and so does every other
thread's next step that *races* with the step just run (same shared location,
one of the two a write): only a race can change what the other thread will
see, so only a race re-draws its chances. A thread whose next step races with
nothing keeps its priority, however long the others run: a low one holds it
back at that very point for as long as it takes, which is what a bug needing
a thread stopped mid-operation while another does a whole one needs (the
CHESS work-stealing queue: a stealer stopped between taking a slot and
reading it while the owner pushes; pct and random find nothing there in
50,000 schedules). Random priorities per step, re-drawn at races, sample
partial orders far more evenly than random walks or PCT's few change points.

Locations are those of the partial-order reduction (``_events.access_table``):
a global, an attribute name, any subscript, a cell. A call (which covers
every lock, condition and queue operation) races with every other call,
nothing else does. A thread that has not started touches nothing. Two
departures from the paper, both for programs that wait by spinning: a yield
(``time.sleep(0)``, a spent time slice) re-draws every thread's priority,
since a spinning thread would otherwise starve one whose next step races
with nothing it does and the step limit would report a livelock that is not
there; and asyncio scenarios, whose choices pick tasks, re-draw every
priority at every step (a random walk).
"""

from __future__ import annotations

import random as _random
from typing import TYPE_CHECKING, Any

from conclab.explore._enums import ChoiceKind
from conclab.explore._events import CALL, START, WRITE, access_table

if TYPE_CHECKING:
    from conclab.explore._run import Run
    from conclab.explore._workers import Worker

YIELD = ChoiceKind.YIELD
#: A step whose access is not known (a call, ``with``, an unlisted instruction).
UNKNOWN = (3, None)


def next_access(worker: Worker) -> tuple[int, Any]:
    """What ``worker``'s next step touches: (READ or WRITE, location), ``START`` or ``UNKNOWN``."""
    frame = worker.frame
    if frame is None:
        return START
    staying, leaving = access_table(frame.f_code)
    offset = frame.f_lasti
    access = staying.get(offset)
    if access is None:
        access = leaving.get(offset)
    return UNKNOWN if access is None or access is CALL else access


def races(first: tuple[int, Any], second: tuple[int, Any]) -> bool:
    """Whether two steps of different threads race (see the module's docstring)."""
    if first is START or second is START:
        return False
    if first is UNKNOWN or second is UNKNOWN:
        return first is second
    return first[1] == second[1] and (first[0] == WRITE or second[0] == WRITE)


class PosChooser:
    """One schedule of partial order sampling; bound to its run (``Run`` calls :meth:`bind`)."""

    por = False

    def __init__(self, rng: _random.Random) -> None:
        self.rng = rng
        self.priority: dict[int, float] = {}
        # The next access of each thread, known while the thread has not run since.
        self.pending: dict[int, tuple[int, Any]] = {}
        self.last = -1
        self.last_access: tuple[int, Any] = START
        self.run: Run | None = None

    def bind(self, run: Run) -> None:
        self.run = run

    def __call__(self, index: int, enabled: list[int], current: int, kind: ChoiceKind, default: int) -> int:
        run = self.run
        priority = self.priority
        draw = self.rng.random
        tasks = run is None or run.loop is not None
        last, done = self.last, self.last_access
        self.pending.pop(last, None)  # it ran: its next step is another one
        if tasks or kind == YIELD:
            for thread in enabled:
                priority[thread] = draw()
        elif last >= 0:
            priority[last] = draw()
            if done is not START:
                self._redraw_racing(enabled, last, done)
        for thread in enabled:
            if thread not in priority:
                priority[thread] = draw()
        chosen = max(enabled, key=priority.__getitem__)
        self.last = chosen
        self.last_access = START if tasks else self._access(chosen)
        return chosen

    def _redraw_racing(self, enabled: list[int], last: int, done: tuple[int, Any]) -> None:
        """New priorities for the threads whose next step races with ``done``, the step ``last`` ran.

        :func:`races` inline, in the order of ``enabled`` (the draws stay the same): among
        20 threads this loop was a third of a schedule's time.
        """
        priority, draw, pending = self.priority, self.rng.random, self.pending
        unknown = done is UNKNOWN
        where = None if unknown else done[1]
        writes = not unknown and done[0] == WRITE
        for thread in enabled:
            if thread == last:
                continue
            access = pending.get(thread)
            if access is None:
                access = self._access(thread)
            if access is START:
                continue
            if unknown or access is UNKNOWN:
                if access is done:
                    priority[thread] = draw()
            elif access[1] == where and (writes or access[0] == WRITE):
                priority[thread] = draw()

    def _access(self, thread: int) -> tuple[int, Any]:
        found = self.pending.get(thread)
        if found is None:
            assert self.run is not None
            found = self.pending[thread] = next_access(self.run.workers[thread])
        return found
