"""Symmetry: threads in the same state are interchangeable at a choice point.

Two threads of a scenario's ``THREADS`` list that run the same function object
and stand at the same place with the same local values (a setter of
``reorder_10`` among nine, a ``funcB`` of ``wronglock`` among seven) give the
same schedules up to their names: running one or the other first leads to
states that differ only by swapping the two. ``dfs`` tries one of each such
class (``_strategies._alternatives``). Without it, nine identical threads
taking one lock in turn gave 9! orders of the same work and bound 2 of
``reorder_10_fixed`` was not exhausted in 5 s.

A thread's :func:`key` says where it stands: its function, each frame from its
entry function to where it waits (code, offset, locals) and how it waits. It
has none (the thread is its own class) when the two states could differ in
ways the key does not see:

* the thread holds a lock (who holds it is state the other thread lacks);
* a frame is not scenario code, or the interpreter's value stack of a frame is
  not empty below the operands of the instruction it stands at (a value read
  before the thread was switched out, or an iterator: the key would not see
  them);
* a local value is neither a plain immutable value (compared by value) nor an
  object both threads share (compared by identity);
* the scenario names thread identity at all (``current_thread``, ``get_ident``,
  ``threading.local``...: :func:`names_identity`), or the thread was started by
  another thread (its ``Thread`` object is in somebody's hands).

The preemption costs of two symmetric threads are the same except where a
time slice runs out or ``sleep(0)`` hands the baton on (a YIELD point: its free
choice is the next thread by number), so once a run has such a point among three
threads or more, ``dfs`` starts again from the first schedule without symmetry
if it had used it (``DfsStrategy._restart``).
"""

from __future__ import annotations

import bisect
import dis
import types
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from conclab.explore._decode import instructions

if TYPE_CHECKING:
    from conclab.explore._workers import Worker

_PLAIN = (int, float, str, bytes, bool, type(None), complex)
_IDENTITY = frozenset({"current_thread", "currentThread", "get_ident", "get_native_id", "native_id",
                       "main_thread", "local", "_local", "_thread"})
#: The key of a thread that is interchangeable with no other.
ALONE = None
#: Off, no two threads are interchangeable (tests compare the search with and without it).
ENABLED = True


def names_identity(codes: list[types.CodeType]) -> bool:
    """Whether scenario code could tell two threads apart by who they are.

    Read from the names the code uses: a ``THREADS`` thread's ``Thread`` object or
    identity is only reached through these (``threading.enumerate`` too).
    """
    if not ENABLED:
        return True
    names: set[str] = set()
    for code in codes:
        names.update(code.co_names)
    return bool(names & _IDENTITY) or {"threading", "enumerate"} <= names


_DEPTHS: dict[types.CodeType, dict[int, int] | None] = {}


def stack_depths(code: types.CodeType) -> dict[int, int] | None:
    """The value stack's depth before each instruction of ``code`` (None: not worked out)."""
    if code in _DEPTHS:
        return _DEPTHS[code]
    try:
        found = _walk(code)
    except (ValueError, KeyError, IndexError, AttributeError, TypeError):
        found = None
    if len(_DEPTHS) >= 512:
        _DEPTHS.pop(next(iter(_DEPTHS)))
    _DEPTHS[code] = found
    return found


def _walk(code: types.CodeType) -> dict[int, int] | None:
    listing = [instr for instr in instructions(code) if instr.opname != "EXTENDED_ARG"]
    where = {instr.offset: index for index, instr in enumerate(listing)}
    depths: dict[int, int] = {}
    todo: list[tuple[int, int]] = [(0, 0)]
    # Handlers of the exception table start with the depth the table gives, the offset
    # of the raising instruction (``lasti``) and the exception on top.
    parse = getattr(dis, "_parse_exception_table", None)
    if getattr(code, "co_exceptiontable", b""):
        if parse is None:
            return None
        for entry in parse(code):
            todo.append((where[entry.target], entry.depth + (1 if entry.lasti else 0) + 1))
    while todo:
        index, depth = todo.pop()
        if index >= len(listing):
            continue
        instr = listing[index]
        seen = depths.get(instr.offset)
        if seen is not None:
            if seen != depth:
                return None
            continue
        depths[instr.offset] = depth
        name = instr.opname
        if name in ("RETURN_VALUE", "RETURN_CONST", "RAISE_VARARGS", "RERAISE"):
            continue
        jumps = instr.opcode in dis.hasjrel or instr.opcode in dis.hasjabs
        if jumps and isinstance(instr.argval, int) and instr.argval in where:
            todo.append((where[instr.argval], depth + dis.stack_effect(instr.opcode, instr.arg, jump=True)))
            if name.startswith("JUMP") and "IF" not in name:  # unconditional: no fall-through
                continue
            todo.append((index + 1, depth + dis.stack_effect(instr.opcode, instr.arg, jump=False)))
        else:
            todo.append((index + 1, depth + dis.stack_effect(instr.opcode, instr.arg)))
    return depths


def _empty_below(code: types.CodeType, offset: int, inside: bool, constants: frozenset[str]) -> bool:
    """Whether a frame standing at ``offset`` holds no value on its stack but the operands there.

    ``inside``: the frame is inside the call made by that instruction (a caller's
    frame, or a thread blocked in ``with lock`` / ``lock.acquire()``), whose
    operands were the callee and its arguments, seen through the callee's own frame
    or the object waited on.
    """
    depths = stack_depths(code)
    if depths is None:
        return False
    listing = instructions(code)
    # Inside a call, a frame's last instruction can be shown on the call's inline caches.
    at = bisect.bisect_right([i.offset for i in listing], offset) - 1
    if at < 0 or listing[at].offset not in depths:
        return False
    depth = depths[listing[at].offset]
    if depth == 0:
        return True
    if not inside:
        return _loaded(listing, at, depth, constants)
    instr = listing[at]
    if instr.opname in ("BEFORE_WITH", "BEFORE_ASYNC_WITH"):
        return depth == 1
    if instr.opname == "CALL":
        if at > 0 and listing[at - 1].opname == "PRECALL":
            # 3.11 counts the arguments off at PRECALL: the depth before it is the call's.
            depth = depths.get(listing[at - 1].offset, -1)
        return depth == (instr.arg or 0) + 2
    return False


def _loaded(listing: list[dis.Instruction], at: int, depth: int, constants: frozenset[str]) -> bool:
    """Whether the ``depth`` values on the stack before ``listing[at]`` were pushed just before it
    by loads whose value is the same for every thread standing there: a constant, a local
    (the key compares it) or a global that no thread assigns (``constant_globals``)."""
    index = at
    while depth > 0:
        if listing[index].is_jump_target or index == 0:
            return False
        index -= 1
        instr = listing[index]
        name = instr.opname
        if name == "LOAD_GLOBAL" and instr.argval in constants:
            depth -= 2 if instr.argrepr.startswith("NULL + ") else 1
        elif name in ("LOAD_CONST", "LOAD_FAST"):
            depth -= 1
        elif name not in ("EXTENDED_ARG", "NOP"):
            return False
    return depth == 0


def constant_globals(codes: list[types.CodeType]) -> frozenset[str]:
    """Global names no function of the scenario assigns (module level and ``setup()`` run before threads)."""
    names: set[str] = set()
    stored: set[str] = set()
    for code in codes:
        names.update(code.co_names)
        if code.co_name in ("<module>", "setup"):
            continue
        for instr in instructions(code):
            if instr.opname in ("STORE_GLOBAL", "DELETE_GLOBAL", "STORE_NAME", "DELETE_NAME"):
                stored.add(str(instr.argval))
    return frozenset(names - stored)


def _local(value: Any) -> Hashable:
    if type(value) in _PLAIN:
        return (type(value), value)
    return id(value)


def key(worker: Worker, filename: str, entry: types.CodeType, constants: frozenset[str]) -> Hashable:
    """What makes ``worker`` interchangeable with another thread here (:data:`ALONE`: nothing)."""
    if worker.held:
        return ALONE
    frame = worker.frame
    if frame is None:
        return ("fresh", id(worker.func))
    stack: list[Hashable] = [id(worker.func), worker.parked, worker.timed_out,
                             id(getattr(worker, "last_wait", None))]
    inside = not worker.parked
    while frame is not None and frame.f_code is not entry:
        code = frame.f_code
        if code.co_filename != filename or not _empty_below(code, frame.f_lasti, inside, constants):
            return ALONE
        locals_ = frame.f_locals
        stack.append((code, frame.f_lasti, tuple((name, _local(value)) for name, value in locals_.items())))
        frame = frame.f_back
        inside = True
    if frame is None:
        return ALONE
    return tuple(stack)


def classes(workers: list[Worker], candidates: list[int], cache: dict[int, Hashable],
            filename: str, entry: types.CodeType, started: bool,
            constants: frozenset[str]) -> dict[int, Hashable] | None:
    """The keys of ``candidates`` that share one with another candidate (None: no two do).

    ``cache`` keeps each thread's key until it runs again (the caller drops it then);
    ``started``: threads that have run may be symmetric too, not only unstarted ones.
    """
    found: dict[int, Hashable] = {}
    counts: dict[Hashable, int] = {}
    for index in candidates:
        if index in cache:
            value = cache[index]
        else:
            worker = workers[index]
            if worker.frame is not None and not started:
                value = ALONE
            else:
                value = key(worker, filename, entry, constants)
            cache[index] = value
        if value is ALONE:
            continue
        found[index] = value
        counts[value] = counts.get(value, 0) + 1
    shared = {index: value for index, value in found.items() if counts[value] > 1}
    return shared or None
