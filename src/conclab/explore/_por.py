"""Partial-order reduction for ``dfs``: which schedules reach the same Mazurkiewicz trace.

Each *step* of a run (what the chosen thread does from one choice point to the
next) is described by the shared location its first instruction touches, read
from the bytecode like the visibility table (``_decode``): a global or module
name, an attribute name (every object's ``.x`` is one location), any subscript
or slice (all containers are one location), a closure cell. A step is
*unknown* (dependent on every other step) when its first instruction is
anything else (a call, which covers every lock, condition and queue operation,
``with``, ``in``, iteration, an in-place operator), when the thread ran on
past a visible instruction without a choice point (only one thread could
run), when it finished, or when it resumed inside a primitive. A thread's
first step (entering its function, before its first visible instruction)
touches nothing shared.

From these, :func:`node_keys` gives each choice point of a run a key: a hash
of the trace of the steps before it (every step labelled by thread and rank,
with the steps it depends on: the last write of each location it touches, the
reads since then when it writes, the last unknown step) and the thread that
holds the baton with its time-slice count. Two choice points with the same key
are in the same program state and the search goes on from them in the same
way (same defaults, same preemption costs from there), so ``dfs`` expands only
the first one reached with the fewest preemptions: the other one's schedules
are equivalent (same trace) to schedules of the first one within the bound.
Keys are 128-bit sums of a random value per distinct event (order-independent
over the events); a collision would wrongly prune, with odds of about 2^-128
per pair of keys.

An attempt to take a held lock, after which the thread waits, is left out of
the trace (``SKIP``). :func:`dependent` tells ``dfs`` which events commute, for
its sleep sets; :func:`_guess` gives, before running it, the key of the first
new choice point of a schedule that runs another thread at a point, so that
``dfs`` can leave out a schedule whose next point was already expanded.

Assumed: an attribute, subscript or ``in`` on a scenario object runs no code
from another file that touches other shared state (a ``property`` or
``__getitem__`` defined in the scenario file is traced like any code), and
shared state is not reached through ``globals()``, ``vars()`` or a module object.
Runs that used the virtual clock (a timeout, a sleep) and asyncio scenarios
are not reduced.
"""

from __future__ import annotations

import bisect
import random as _random
from typing import TYPE_CHECKING, Any

from conclab.explore._calls import see_through
from conclab.explore._enums import ChoiceKind
from conclab.explore._events import (
    AT_POINT,
    READ,
    SKIP,
    START,
    STARTED,
    WRITE,
    event_access,
    event_accesses,
)

if TYPE_CHECKING:
    from conclab.explore._run import Run

#: The guess for a thread whose next event would wait for a lock another thread holds: running
#: it adds nothing. The thread would block and a free choice follow, among the same threads the
#: other alternatives at that point run at the same cost; and a thread waiting for a lock does
#: what it would have done had it not tried yet (the attempt is no event, see ``SKIP``). The same
#: holds for a thread not started yet whose first event is that attempt (entering its function
#: runs only its own local code).
REDUNDANT = ("redundant",)
#: Guesses only where at most this many threads can run: each costs a pass over the
#: enabled threads at every choice point, which among 26 threads (fsbench_fixed) made the
#: search's own work per schedule 1.4 times slower for schedules it could rarely skip.
GUESS_THREADS = 8
#: A lock holder that the logged operations do not account for.
UNSURE = -2
_MASK = (1 << 64) - 1
FREE = ChoiceKind.FREE


class Values:
    """A random 128-bit value for every distinct event seen in a search (seeded: deterministic).

    A choice point's key sums the values of the events before it. Python's own hashes
    of tuples are close to linear in small integers, so their sums collide for
    different sets of events (measured); independent random values collide with odds
    of about 2^-128 per pair of keys.
    """

    def __init__(self) -> None:
        self.table: dict[Any, tuple[int, int]] = {}
        self.rng = _random.Random(0x5EED)

    def new(self, event: Any) -> tuple[int, int]:
        value = self.table[event] = (self.rng.getrandbits(64), self.rng.getrandbits(64))
        return value


# long: one pass over the events, the dependency bookkeeping inline (it is the hot loop)
def node_keys(run: Run, values: Values, start: int = 0, guesses: dict[int, dict[int, Any]] | None = None,
              seen: list[Any] | None = None, free_only: bool = False,
              names: dict[int, tuple[int, int]] | None = None) -> list[Any] | None:
    """The key of every choice point of ``run`` (a logged run), or None if it cannot be reduced.

    With ``guesses`` (filled in): for each choice point from ``start`` on, the key of the
    next choice point of a run that would take another enabled thread there (see
    :func:`_guess`), by thread, where it can be told without running it, with that
    thread's event (``free_only``: at free choice points only, where the others cost a
    preemption too many). ``seen`` gets what each event touches (see :func:`dependent`).

    Twins (threads of ``THREADS`` running the same function, ``Run.twin_groups``) are
    labelled by their group and the order they first ran in, not by number: two traces
    that differ only by which twin did what then get the same key (symmetry, see
    ``_symmetry``). ``names`` gets each thread's label and the index of its first event.
    """
    events = run.events
    marks = run.marks
    if events is None or not marks or run.loop is not None or run.timed or run.finding is not None:
        return None
    wanted = {count for count, _ in marks}
    ahead: dict[int, int] = {}
    by_thread: dict[int, list[int]] = {}
    if guesses is not None:
        log = run.log or []
        ahead = {count: position for position, (count, _) in enumerate(marks)
                 if position >= start and (not free_only or log[position][2] == FREE)
                 and len(log[position][0]) <= GUESS_THREADS}
        for index, logged in enumerate(events):
            by_thread.setdefault(logged[0], []).append(index)
    limit = marks[-1][0]
    sums: dict[int, tuple[int, int]] = {}
    if 0 in wanted:
        sums[0] = (0, 0)
    accesses = event_accesses(run, limit)
    if seen is not None:
        seen.extend(accesses)
    table = values.table
    ranks: dict[int, int] = {}
    last: dict[int, int] = {}
    # location -> (label of the last write, the last read since then by each thread);
    # a label is thread << 32 | its rank among the thread's events.
    locations: dict[Any, tuple[int, dict[int, int]]] = {}
    barrier = -1
    total1 = total2 = 0
    holders: dict[int, Any] = {}
    lock_ops = run.lock_ops
    groups = run.twin_groups()
    canon: dict[int, tuple[int, int]] = {} if names is None else names
    appeared: dict[int, int] = {}
    for index in range(limit):
        if index in ahead and guesses is not None:
            position = ahead[index]
            state = (ranks, locations, barrier, table, total1, total2, holders, canon, groups, appeared, accesses)
            guesses[position] = _guess(run, position, state, by_thread)
        if index in lock_ops:
            _hold(holders, lock_ops[index], events[index][0])
        access = accesses[index]
        if access is SKIP or (access is START and events[index][3] == STARTED):
            # Neither changes what any thread can see, and the thread goes on from it as it
            # would have had it not run it yet: left out, the state with it and the one
            # without it get the same key (see ``START``). Only a thread's first step: a
            # call seen through, left out too, lost final states of two programs of
            # ``tests/explore/test_por.py``.
            if index + 1 in wanted:
                sums[index + 1] = (total1, total2)
            continue
        thread = events[index][0]
        rank = ranks.get(thread, 0)
        ranks[thread] = rank + 1
        if rank == 0:
            canon[thread] = (_label(thread, groups, appeared, True), index)
        label = canon[thread][0] << 32 | rank
        if access is None:
            preds: Any = tuple(sorted(last.values()))
            barrier = label
            locations = {}
        elif access is START:
            preds = barrier
        else:
            mode, where = access
            found = locations.get(where)
            readers: dict[int, int]
            if found is None:
                writer, readers = barrier, {}
            else:
                writer, readers = found
            if mode == READ:
                preds = (where, writer)
                readers[thread] = label
                if found is None:
                    locations[where] = (writer, readers)
            else:
                preds = (where, writer, *sorted(readers.values())) if readers else (where, writer)
                locations[where] = (label, {})
        last[thread] = label
        event = (label, preds)
        value = table.get(event)
        if value is None:
            value = values.new(event)
        total1 = (total1 + value[0]) & _MASK
        total2 = (total2 + value[1]) & _MASK
        if index + 1 in wanted:
            sums[index + 1] = (total1, total2)
    slices = _slices(run)
    log = run.log or []
    keys: list[Any] = []
    current = -1
    for position, (count, streak) in enumerate(marks):
        if log[position][2] == FREE:
            # Any thread may run here at no cost, so the one that cannot go on does not matter.
            keys.append((*sums[count], None, None))
        else:
            keys.append((*sums[count], sleep_label(current, canon, count), streak if slices[position] else -1))
        current = run.choices[position]
    return keys


def _label(thread: int, groups: dict[int, int], appeared: dict[int, int], first: bool) -> int:
    """A thread's label in keys: its number, or for a twin, its group and the order it first ran in.

    ``first``: the thread runs its first event now (its group's count goes up).
    """
    group = groups.get(thread)
    if group is None:
        return thread
    order = appeared.get(group, 0)
    if first:
        appeared[group] = order + 1
    return TWINS + (group << 10) + order


#: Labels of twins start here, above any thread number.
TWINS = 1 << 20


def sleep_label(thread: int, names: dict[int, tuple[int, int]], count: int) -> int:
    """How a thread (sleeping, or holding the baton) is named at a choice point with ``count`` events before it.

    A thread that had run an event of the trace is named by its label; one that had
    not, by its number made negative (twins that have not run are all alike, but
    naming them apart only merges fewer points).
    """
    found = names.get(thread)
    if found is None or found[1] >= count:
        return -1 - thread
    return found[0]


# long: one pass over the enabled threads, the key arithmetic inline as in node_keys
def _guess(run: Run, position: int, state: tuple[Any, ...], by_thread: dict[int, list[int]]) -> dict[int, Any]:
    """Per other enabled thread at choice ``position``: the key of the next choice point if it ran there.

    Taking thread ``q`` at the point runs ``q``'s next event, the one it runs next in
    ``run`` (a parked thread does not change while it waits). When that event is a
    plain read or write in the same frame, entering its function, or taking a free
    lock, the other threads stay runnable, so the next choice point comes right after
    it, with ``q`` holding the baton and a fresh time slice: its key is known before
    running it. Its time-slice part is left out (-1): a run that reached the same
    trace with ``q`` current and did not use it ran ``q`` without a time-slice switch
    from there, and so would this one, with a slice no older. When the event would try
    to take a lock another thread holds (or only start the thread, which would then try
    it), the guess is :data:`REDUNDANT`.
    """
    ranks, locations, barrier, table, total1, total2, holders, canon, groups, appeared, accesses = state
    events = run.events or []
    count = run.marks[position][0]
    enabled, _default, _kind = (run.log or [])[position]
    chosen = run.choices[position]
    found: dict[int, Any] = {}
    for thread in enabled:
        if thread == chosen:
            continue
        mine = by_thread.get(thread, [])
        at = bisect.bisect_left(mine, count)
        if at == len(mine):
            continue
        following = mine[at]
        _thread, code, offset, kind = events[following]
        if kind not in (AT_POINT, STARTED):
            continue
        access = _next_access(run, mine, at, accesses)
        if access is START and _blocks_next(run, mine, at + 1, thread, holders):
            found[thread] = REDUNDANT  # it would only start and wait, see :data:`REDUNDANT`
            continue
        if access is START and kind == STARTED:
            # Left out of keys: the next point's key is this one's, with ``thread`` current.
            found[thread] = ((total1, total2, sleep_label(thread, canon, count), -1), access)
            continue
        name = canon[thread][0] if thread in canon else _label(thread, groups, appeared, False)
        label = name << 32 | ranks.get(thread, 0)
        if access is START:
            preds: Any = barrier
        elif access is None or access[0] not in (READ, WRITE) or access[1][0] not in ("g", "a", "c", "i", "lock"):
            continue
        else:
            mode, where = access
            if where[0] == "lock":
                holder = holders.get(where[1], None)
                if holder is UNSURE or holder == thread:
                    continue
                if holder is not None and _takes(run, following, where[1]):
                    found[thread] = REDUNDANT  # it would only wait, see :data:`REDUNDANT`
                    continue
            writer, readers = locations.get(where, (barrier, {}))
            if mode == READ:
                preds = (where, writer)
            else:
                preds = (where, writer, *sorted(readers.values())) if readers else (where, writer)
        value = table.get((label, preds))
        if value is not None:
            found[thread] = (((total1 + value[0]) & _MASK, (total2 + value[1]) & _MASK, name, -1), access)
    return found


def _next_access(run: Run, mine: list[int], at: int, accesses: list[Any]) -> tuple[int, Any] | None:
    """What a thread's event ``mine[at]`` touches, run where the guess runs it."""
    events = run.events or []
    following = mine[at]
    _thread, code, offset, kind = events[following]
    access = event_access(code, offset, kind, run.synced_at.get(following))
    if access is None and kind == AT_POINT and code is not None and at + 1 < len(mine) \
            and see_through(run.namespace, run.session.filename, code, offset, events[mine[at + 1]], AT_POINT):
        access = START
    if access is None and following < len(accesses) and accesses[following] is START:
        access = START  # a range loop's step, a call seen through: as the trace saw it in the run
    return access


def dependent(one: tuple[int, Any] | None, other: tuple[int, Any] | None) -> bool:
    """Whether two events (what they touch, as in :func:`_accesses`) may not commute."""
    if one is None or other is None:
        return True
    if one is START or other is START or one is SKIP or other is SKIP:
        return False
    return one[1] == other[1] and (one[0] == WRITE or other[0] == WRITE)


def _blocks_next(run: Run, mine: list[int], at: int, thread: int, holders: dict[int, Any]) -> bool:
    """Whether ``thread``'s event ``mine[at]`` is an attempt to take a lock another thread holds now.

    For a thread that has not started: entering its function runs only local code up
    to its first visible instruction, so its next event is the one it ran next in
    the run, whatever point it is started at.
    """
    if at >= len(mine):
        return False
    following = mine[at]
    events = run.events or []
    _thread, code, offset, kind = events[following]
    if kind != AT_POINT:
        return False
    # An attempt that blocked in the run is logged as such, not as a lock operation.
    lock = run.synced_at.get(following, run.blocked_at.get(following))
    access = event_access(code, offset, kind, lock)
    if access is None or access[1][0] != "lock":
        return False
    holder = holders.get(access[1][1])
    return holder is not None and holder is not UNSURE and holder != thread and _takes(run, following, access[1][1])


def _takes(run: Run, index: int, serial: int) -> bool:
    """Whether event ``index`` of ``run`` tried to take lock ``serial`` (took it, or blocked on it)."""
    if run.blocked_at.get(index) == serial:
        return True
    ops = run.lock_ops.get(index)
    return ops is not None and ops[0] == (serial, True)


def _hold(holders: dict[int, Any], ops: list[tuple[int, bool]], thread: int) -> None:
    """Follow who holds each lock through one event's lock operations (:data:`UNSURE` if it does not add up)."""
    for serial, taken in ops:
        holder = holders.get(serial)
        if taken:
            holders[serial] = thread if holder is None else UNSURE
        else:
            holders[serial] = None if holder == thread else UNSURE


def _slices(run: Run) -> list[bool]:
    """Per choice point, whether the current thread's time-slice count matters from there.

    It matters only while the thread keeps the baton (a preemption, a block or its end
    resets it), and only if it runs out first: in the run, which follows the defaults
    after its prefix, the thread goes on without a switch until a time-slice switch
    (YIELD) rather than a block, a finish or a preemption. Two points that differ only
    in the count then give the same schedules.
    """
    log = run.log or []
    choices = run.choices
    found = [False] * len(choices)
    matters = False  # for the stretch of the thread that holds the baton after the point
    for position in range(len(choices) - 1, -1, -1):
        kind = log[position][2] if position < len(log) else FREE
        current = choices[position - 1] if position > 0 else -1
        if kind == ChoiceKind.YIELD:
            matters = True
        elif kind == FREE or choices[position] != current:
            matters = False
        found[position] = matters and kind != FREE
    return found
