"""What each logged event of a run touches, read from the bytecode (for ``_por``).

An event is what a thread runs from one choice point to the next. It is
described by the shared location its first instruction touches, read from the
bytecode like the visibility table (``_decode``): a global or module name, an
attribute name (every object's ``.x`` is one location), any subscript or slice
(all containers are one location), a closure cell. It is *unknown* (dependent
on every other event) when its first instruction is anything else (a call,
which covers every lock, condition and queue operation, ``with``, ``in``,
iteration, an in-place operator), when the thread ran on past a visible
instruction without a choice point, when it finished, or when it resumed inside
a primitive. Calls to the scenario's own functions and ``range`` loops are seen
through (``_calls``).
"""

from __future__ import annotations

import bisect
import dis
import types
from typing import TYPE_CHECKING, Any

from conclab.explore._calls import Calls
from conclab.explore._decode import instructions, table_key, visible_table

if TYPE_CHECKING:
    from conclab.explore._run import Run

READ, WRITE = 1, 2
#: The access of a thread's first step, of a call that only entered a scenario function and
#: of a ``range`` loop's own steps: nothing shared. A thread's first step is left out of keys:
#: a thread that ran it and one that has not yet are in states with the same futures, at the
#: same costs (running the thread from the second runs the step, then stops at a point where
#: the thread holds the baton, as in the first).
START = (0, None)
#: An attempt to take a held lock, after which the thread blocked: no event of the trace.
SKIP = (4, None)
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
_MISSING: Any = object()

_ACCESS: dict[Any, tuple[dict[int, tuple[int, Any]], dict[int, tuple[int, Any]]]] = {}


def access_table(code: types.CodeType) -> tuple[dict[int, tuple[int, Any]], dict[int, tuple[int, Any]]]:
    """Offset -> (READ or WRITE, location) for instructions with a known access (others are
    unknown): those after which the frame goes on to the next visible instruction, and those
    after which it may return first (the event would go on in the caller)."""
    key = table_key(code)
    found = _ACCESS.get(key)
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
    _ACCESS[key] = found
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


def event_accesses(run: Run, limit: int) -> list[tuple[int, Any] | None]:
    """What each of the first ``limit`` events of ``run`` touches (see :func:`event_access`)."""
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
                access = cache[triple] = event_access(code, offset, kind, None)
        else:
            access = event_access(code, offset, kind, lock)
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


def event_access(code: types.CodeType | None, offset: int, kind: int, lock: int | None) -> tuple[int, Any] | None:
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
