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
import dis
import random as _random
import types
from typing import TYPE_CHECKING, Any

from conclab.explore._calls import Calls, see_through
from conclab.explore._decode import instructions, visible_table
from conclab.explore._enums import ChoiceKind

if TYPE_CHECKING:
    from conclab.explore._run import Run

READ, WRITE = 1, 2
#: The access of a thread's first step: nothing shared.
START = (0, None)
#: An attempt to take a held lock, after which the thread blocked: no event of the trace.
SKIP = (4, None)
#: The guess for a thread whose next event would wait for a lock another thread holds: running
#: it adds nothing. The thread would block and a free choice follow, among the same threads the
#: other alternatives at that point run at the same cost; and a thread waiting for a lock does
#: what it would have done had it not tried yet (the attempt is no event, see ``SKIP``).
REDUNDANT = ("redundant",)
#: Guesses only where at most this many threads can run: each costs a pass over the
#: enabled threads at every choice point, which among 26 threads (fsbench_fixed) made the
#: search's own work per schedule 1.4 times slower for schedules it could rarely skip.
GUESS_THREADS = 8
#: A lock holder that the logged operations do not account for.
UNSURE = -2
#: A call or ``with`` whose step ends in the same frame: a lock operation if the lock says so.
CALL = (3, None)
#: Kinds of logged events (``Run.events``).
AT_POINT, RESUMED, STARTED, FINISHED, OPAQUE = 0, 1, 2, 3, 4
_CALLS = frozenset({"CALL", "CALL_FUNCTION", "CALL_METHOD", "CALL_KW", "CALL_FUNCTION_KW",
                    "CALL_FUNCTION_EX", "BEFORE_WITH"})

_READS = {
    "LOAD_GLOBAL": "g", "LOAD_NAME": "g", "LOAD_ATTR": "a", "LOAD_METHOD": "a",
    "LOAD_DEREF": "c", "BINARY_SUBSCR": "i", "BINARY_SLICE": "i",
}
_WRITES = {
    "STORE_GLOBAL": "g", "STORE_NAME": "g", "DELETE_GLOBAL": "g", "DELETE_NAME": "g",
    "STORE_ATTR": "a", "DELETE_ATTR": "a", "STORE_DEREF": "c", "DELETE_DEREF": "c",
    "STORE_SUBSCR": "i", "DELETE_SUBSCR": "i", "STORE_SLICE": "i",
}
_MASK = (1 << 64) - 1
_MISSING: Any = object()
FREE = ChoiceKind.FREE

_ACCESS: dict[types.CodeType, tuple[dict[int, tuple[int, Any]], dict[int, tuple[int, Any]]]] = {}


def access_table(code: types.CodeType) -> tuple[dict[int, tuple[int, Any]], dict[int, tuple[int, Any]]]:
    """Offset -> (READ or WRITE, location) for instructions with a known access (others are
    unknown): those after which the frame goes on to the next visible instruction, and those
    after which it may return first (the event would go on in the caller)."""
    found = _ACCESS.get(code)
    if found is not None:
        return found
    staying: dict[int, tuple[int, Any]] = {}
    leaving: dict[int, tuple[int, Any]] = {}
    listing = instructions(code)
    returns = may_return(listing, visible_table(code))
    for index, instr in enumerate(listing):
        table = leaving if index in returns else staying
        name = instr.opname
        if name == "BINARY_OP" and instr.argrepr.endswith("=") and instr.argrepr != "==":
            table[instr.offset] = (WRITE, ("i",))  # in place: mutates a container, if anything
            continue
        if name in _CALLS:
            table[instr.offset] = CALL
            continue
        space = _READS.get(name)
        mode = READ
        if space is None:
            space = _WRITES.get(name)
            mode = WRITE
        if space is None:
            continue
        if space in "gac":
            if not isinstance(instr.argval, str) or instr.argval.startswith("__"):
                continue  # __dict__, __class__ ...: could reach anything
            table[instr.offset] = (mode, (space, instr.argval))
        else:
            table[instr.offset] = (mode, (space,))
    found = (staying, leaving)
    if len(_ACCESS) >= 512:
        _ACCESS.pop(next(iter(_ACCESS)))
    _ACCESS[code] = found
    return found


_RETURNS = frozenset({"RETURN_VALUE", "RETURN_CONST", "YIELD_VALUE", "RETURN_GENERATOR"})
_JUMPS = frozenset(dis.hasjrel) | frozenset(dis.hasjabs)
_GOTO = frozenset({"JUMP_FORWARD", "JUMP_BACKWARD", "JUMP_ABSOLUTE", "JUMP_BACKWARD_NO_INTERRUPT",
                   "JUMP", "JUMP_NO_INTERRUPT"})


def may_return(listing: list[dis.Instruction], visible: bytes) -> set[int]:
    """Indexes of visible instructions after which the frame may return (or yield) before the
    next visible instruction: the step would go on in the caller, which may be library code."""
    where = {instr.offset: index for index, instr in enumerate(listing)}
    found = set()
    for start, instr in enumerate(listing):
        if not visible[instr.offset]:
            continue
        todo = [start + 1]
        if instr.opcode in _JUMPS and isinstance(instr.argval, int) and instr.argval in where:
            todo.append(where[instr.argval])  # a FOR_ITER's loop end
        seen = set()
        while todo:
            index = todo.pop()
            if index in seen or index >= len(listing):
                continue
            seen.add(index)
            following = listing[index]
            if visible[following.offset]:
                continue
            name = following.opname
            if name in _RETURNS:
                found.add(start)
                break
            if following.opcode in _JUMPS and isinstance(following.argval, int) and following.argval in where:
                todo.append(where[following.argval])
            if name not in _GOTO:
                todo.append(index + 1)
    return found


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
              seen: list[Any] | None = None, free_only: bool = False) -> list[Any] | None:
    """The key of every choice point of ``run`` (a logged run), or None if it cannot be reduced.

    With ``guesses`` (filled in): for each choice point from ``start`` on, the key of the
    next choice point of a run that would take another enabled thread there (see
    :func:`_guess`), by thread, where it can be told without running it, with that
    thread's event (``free_only``: at free choice points only, where the others cost a
    preemption too many). ``seen`` gets what each event touches (see :func:`dependent`).
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
    accesses = _accesses(run, limit)
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
    for index in range(limit):
        if index in ahead and guesses is not None:
            position = ahead[index]
            state = (ranks, locations, barrier, table, total1, total2, holders)
            guesses[position] = _guess(run, position, state, by_thread)
        if index in lock_ops:
            _hold(holders, lock_ops[index], events[index][0])
        access = accesses[index]
        if access is SKIP:
            if index + 1 in wanted:
                sums[index + 1] = (total1, total2)
            continue
        thread = events[index][0]
        rank = ranks.get(thread, 0)
        ranks[thread] = rank + 1
        label = thread << 32 | rank
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
            keys.append((*sums[count], -1, -1))
        else:
            keys.append((*sums[count], current, streak if slices[position] else -1))
        current = run.choices[position]
    return keys


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
    to take a lock another thread holds, the guess is :data:`REDUNDANT`.
    """
    ranks, locations, barrier, table, total1, total2, holders = state
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
        lock = run.synced_at.get(following)
        access = _access(code, offset, kind, lock)
        if access is None and kind == AT_POINT and code is not None and at + 1 < len(mine) \
                and see_through(run.namespace, run.session.filename, code, offset, events[mine[at + 1]], AT_POINT):
            access = START
        label = thread << 32 | ranks.get(thread, 0)
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
            found[thread] = (((total1 + value[0]) & _MASK, (total2 + value[1]) & _MASK, thread, -1), access)
    return found


def dependent(one: tuple[int, Any] | None, other: tuple[int, Any] | None) -> bool:
    """Whether two events (what they touch, as in :func:`_accesses`) may not commute."""
    if one is None or other is None:
        return True
    if one is START or other is START or one is SKIP or other is SKIP:
        return False
    return one[1] == other[1] and (one[0] == WRITE or other[0] == WRITE)


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


def _accesses(run: Run, limit: int) -> list[tuple[int, Any] | None]:
    """What each of the first ``limit`` events of ``run`` touches (see :func:`_access`)."""
    events = run.events or []
    synced = run.synced_at
    blocked = run.blocked_at
    entries: dict[int, types.CodeType] = {}
    for worker in run.workers:
        code = getattr(worker.func, "__code__", None)
        if isinstance(code, types.CodeType):
            entries[worker.index] = code
    cache: dict[tuple[Any, int, int], tuple[int, Any] | None] = {}
    found: list[tuple[int, Any] | None] = []
    calls = Calls(run, access_table, (AT_POINT, FINISHED))
    stacks = calls.stacks
    for index in range(limit):
        thread, code, offset, kind = events[index]
        if stacks:
            stack = stacks.get(thread)
            if stack and stack[-1][2] is not code:
                stack.clear()  # it got here some other way (see ``Calls``)
        lock = synced.get(index)
        if lock is None:
            triple = (code, offset, kind)
            access = cache.get(triple, _MISSING)
            if access is _MISSING:
                access = cache[triple] = _access(code, offset, kind, None)
        else:
            access = _access(code, offset, kind, lock)
        entry = entries.get(thread)
        if access is None and code is not None:
            access = calls.access(index, code, offset, kind)
            if access == "call":
                access = START  # it only entered a scenario function
            elif access is CALL:
                access = None if lock is None or lock < 0 else (WRITE, ("lock", lock))
        if access is None and kind == AT_POINT and code is entry and entry is not None:
            # The thread's entry function returning: the thread finishes next (its next
            # event is its finish), no library code runs in between.
            following = events[index + 1] if index + 1 < len(events) else None
            if following is not None and following[0] == thread and following[3] == FINISHED:
                access = access_table(entry)[1].get(offset)
                if access is CALL:
                    access = None if lock is None or lock < 0 else (WRITE, ("lock", lock))
        if index in blocked and access is not None and access[1] == ("lock", blocked[index]):
            # The thread only tried to take a lock that was held, and waits: what it will do
            # once woken is the same event it would have run had it not tried yet.
            access = SKIP
        found.append(access)
    return found


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


def _access(code: types.CodeType | None, offset: int, kind: int, lock: int | None) -> tuple[int, Any] | None:
    """What one logged event touches: (mode, location), ``START`` (nothing) or None (unknown)."""
    if kind == STARTED:
        return START
    if kind == FINISHED:
        # Ending wakes its joiners, whose join (a call) is unknown anyway.
        return (WRITE, ("finished", offset))
    if code is None:
        return None
    access = access_table(code)[0].get(offset)
    if access is None and kind == RESUMED and lock is not None:
        # Inside a call, a frame's last instruction can be shown on the call's inline caches.
        starts = [instr.offset for instr in instructions(code)]
        at = bisect.bisect_right(starts, offset) - 1
        access = access_table(code)[0].get(starts[at]) if at >= 0 else None
    if access is CALL:
        # A call (or ``with``) that went straight into a Lock or RLock method and nothing else.
        return None if lock is None or lock < 0 else (WRITE, ("lock", lock))
    if kind == RESUMED:
        return None
    return access
