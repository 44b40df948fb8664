"""Calls the partial-order reduction can see through: a scenario function called by its global name.

A call is an unknown event for the reduction (``_por``) because the callee may be
library code that touches anything. When the callee is a plain function defined
in the scenario file, called straight by its global name (``push(arr, i)``, the
``philosopher(i)`` inside a ``lambda`` that starts a thread), the step from the
call instruction to the callee's first visible instruction only enters a frame
and binds arguments already evaluated: it touches nothing shared, and the
callee's own accesses are events of their own. Without this, every such call
conflicted with every other step (measured on SCTBench's stack and din_phil3).

A step at a visible instruction after which its function may return (a loop's test
before the function's end) is known when the thread's next event is in the same
code, at an instruction a fresh call does not start with: the function went on
(called again, by ``map`` say, its first event would be one of those, after library
code ran). Assumed: a scenario function is not re-entered through library code (a
callback) while it runs in the same thread, which would make the next event in its
code one of an outer activation.

The step at the callee's last visible instruction, after which it may return, goes on
in the caller: :class:`Calls` gives it the callee's access (instead of unknown) when
the thread's next event shows it went straight back to the scenario caller (its
next visible instruction, or the end of the thread's entry function).

Checked on each logged run, not assumed: the name must be bound, in the
scenario's globals, to a non-generator function from the scenario file, and the
thread's next event must be at a visible instruction of that function's code
(it entered it, and no other code ran a visible instruction first). Assumed, as
for the rest of the reduction: the global is not rebound to another callable
between its load and the call by another thread.
"""

from __future__ import annotations

import dis
import inspect
import types
from collections.abc import Callable
from typing import Any

from conclab.explore._decode import instructions, table_key, visible_table

#: Instructions that may sit between the callable's load and the call without hiding what is called.
_BARRED = frozenset({"CALL", "PRECALL", "KW_NAMES", "CALL_KW", "CALL_FUNCTION_EX", "PUSH_NULL",
                     "CALL_FUNCTION", "CALL_METHOD", "CALL_FUNCTION_KW", "RETURN_VALUE", "YIELD_VALUE"})
_JUMPS = frozenset(dis.hasjrel) | frozenset(dis.hasjabs)
_LAZY = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR | inspect.CO_ITERABLE_COROUTINE
_CALLEES: dict[types.CodeType, dict[int, str]] = {}
_STOPS = frozenset({"JUMP_FORWARD", "JUMP_BACKWARD", "JUMP_ABSOLUTE", "JUMP_BACKWARD_NO_INTERRUPT",
                    "JUMP", "JUMP_NO_INTERRUPT", "RETURN_VALUE", "RETURN_CONST", "RAISE_VARARGS", "RERAISE"})
_LOCAL: dict[Any, dict[int, tuple[int, int] | None]] = {}


def range_loops(code: types.CodeType) -> dict[int, tuple[int, int] | None]:
    """Offsets of ``for ... in range(...)`` loops' call, ``GET_ITER`` and ``FOR_ITER``.

    The iterator a ``FOR_ITER`` advances is the one the ``GET_ITER`` just before it made
    (the loop's header; the loop jumps back to it), here from a fresh ``range``: none of
    the three touches anything shared, provided ``range`` is the built-in one (checked on
    the run: the scenario does not define the name). Offset -> None, or for a ``FOR_ITER``
    whose loop's end may return before a visible instruction (the step would go on in
    the caller), the offsets of its loop's body: such a step is seen through only when
    the thread's next event is in the body (the loop went on; generators are left out,
    whose next event could be a resumption).
    """
    key = table_key(code)
    found = _LOCAL.get(key)
    if found is not None:
        return found
    from conclab.explore._events import may_return  # which imports this module

    found = {}
    listing = instructions(code)
    names = callee_names(code)
    returns = may_return(listing, visible_table(code))
    for index in range(2, len(listing)):
        call, get, loop = listing[index - 2], listing[index - 1], listing[index]
        if (loop.opname == "FOR_ITER" and get.opname == "GET_ITER" and not get.is_jump_target
                and names.get(call.offset) == "range"):
            found[call.offset] = found[get.offset] = None
            if index not in returns:
                found[loop.offset] = None
            elif not code.co_flags & _LAZY and isinstance(loop.argval, int):
                found[loop.offset] = (loop.offset, loop.argval)
    if len(_LOCAL) >= 512:
        _LOCAL.pop(next(iter(_LOCAL)))
    _LOCAL[key] = found
    return found


def callee_names(code: types.CodeType) -> dict[int, str]:
    """Offset of a ``CALL`` -> the global name of what it calls, where the bytecode says it.

    Only the form ``name(args)``: a ``LOAD_GLOBAL`` that pushes ``NULL + name``, then
    straight-line code for the positional arguments (no call, jump or jump target, the
    stack never below the callable), then the call with as many arguments.
    """
    found = _CALLEES.get(code)
    if found is not None:
        return found
    found = {}
    listing = instructions(code)
    for index, instr in enumerate(listing):
        if instr.opname == "CALL":
            name = _callee(listing, index, instr.arg or 0)
            if name is not None:
                found[instr.offset] = name
    if len(_CALLEES) >= 512:
        _CALLEES.pop(next(iter(_CALLEES)))
    _CALLEES[code] = found
    return found


def _callee(listing: list[dis.Instruction], at: int, argc: int) -> str | None:
    end = at
    if end > 0 and listing[end - 1].opname == "PRECALL":
        end -= 1
    start = end - 1
    while start >= 0:
        instr = listing[start]
        if instr.opname == "LOAD_GLOBAL" and instr.argrepr.startswith("NULL + "):
            break
        if instr.opname in _BARRED or instr.opcode in _JUMPS or instr.is_jump_target:
            return None
        start -= 1
    if start < 0:
        return None
    depth = 0
    for instr in listing[start + 1:end]:
        if instr.is_jump_target:
            return None
        depth += dis.stack_effect(instr.opcode, instr.arg)
        if depth < 0:
            return None
    if depth != argc or listing[at].is_jump_target or listing[end].is_jump_target:
        return None
    return str(listing[start].argval)


_ENTRY: dict[Any, frozenset[int]] = {}


def entry_points(code: types.CodeType) -> frozenset[int]:
    """Offsets of the visible instructions a call of ``code`` may reach first."""
    key = table_key(code)
    found = _ENTRY.get(key)
    if found is not None:
        return found
    listing = instructions(code)
    visible = visible_table(code)
    where = {instr.offset: index for index, instr in enumerate(listing)}
    offsets: set[int] = set()
    todo, seen = [0], set()
    while todo:
        index = todo.pop()
        if index in seen or index >= len(listing):
            continue
        seen.add(index)
        instr = listing[index]
        if visible[instr.offset]:
            offsets.add(instr.offset)
            continue
        if instr.opcode in _JUMPS and isinstance(instr.argval, int) and instr.argval in where:
            todo.append(where[instr.argval])
        if instr.opname not in _STOPS:
            todo.append(index + 1)
    found = frozenset(offsets)
    if len(_ENTRY) >= 512:
        _ENTRY.pop(next(iter(_ENTRY)))
    _ENTRY[key] = found
    return found


def see_through(namespace: dict[str, Any] | None, filename: str, code: types.CodeType, offset: int,
                following: tuple[int, Any, int, int] | None, at_point: int) -> bool:
    """Whether an event at ``offset`` of ``code`` only entered a scenario function (see the module).

    ``following`` is the same thread's next event (thread, code, offset, kind), ``at_point``
    the kind of an event at a visible instruction.
    """
    if namespace is None or following is None or following[3] != at_point:
        return False
    name = callee_names(code).get(offset)
    if name is None:
        return False
    func = namespace.get(name)
    if type(func) is not types.FunctionType:
        return False
    callee = func.__code__
    return callee is following[1] and callee.co_filename == filename and not callee.co_flags & _LAZY


Event = tuple[int, Any, int, int]


class Calls:
    """Per thread, the see-through calls it is inside, to tell what a call or a return touched.

    A stack entry is (caller code, call offset, callee code); the codes on one stack are
    distinct (a recursive call is not seen through), so an event's code tells which
    activation it is in. Any event outside the top callee empties the stack: the thread
    got there some other way (a callback from library code, an exception), and from then
    on its returns are unknown events again.
    """

    def __init__(self, run: Any, table: Callable[[types.CodeType], tuple[dict[int, Any], dict[int, Any]]],
                 kinds: tuple[int, int]) -> None:
        self.namespace: dict[str, Any] | None = run.namespace
        self.filename: str = run.session.filename
        self.events: list[Event] = run.events or []
        self.table = table
        self.at_point, self.finished = kinds
        self.after: list[int] | None = None
        self.stacks: dict[int, list[tuple[types.CodeType, int, types.CodeType]]] = {}
        self.entries: dict[int, Any] = {worker.index: getattr(worker.func, "__code__", None)
                                        for worker in run.workers}

    def _following(self, index: int) -> Event | None:
        if self.after is None:
            self.after = next_same(self.events)
        after = self.after[index]
        return self.events[after] if after >= 0 else None

    def access(self, index: int, code: types.CodeType, offset: int, kind: int) -> Any:
        """For an unknown event at a visible instruction: ``"call"`` if it only entered a
        scenario function or is part of a ``range`` loop's iteration (:func:`range_loops`);
        the access of its instruction from the leaving table (maybe ``CALL``) if its function
        went on or only returned to its scenario caller; else None."""
        thread = self.events[index][0]
        stack = self.stacks.get(thread)
        if stack and stack[-1][2] is not code:
            stack.clear()
        if kind != self.at_point:
            return None
        loops = range_loops(code)
        if offset in loops and self.namespace is not None and "range" not in self.namespace:
            body = loops[offset]
            if body is None:
                return "call"
            following = self._following(index)
            if (following is not None and following[1] is code and following[3] == self.at_point
                    and body[0] < following[2] < body[1]):
                return "call"
        if offset in callee_names(code):
            following = self._following(index)
            if see_through(self.namespace, self.filename, code, offset, following, self.at_point):
                assert following is not None
                callee = following[1]
                if stack is None:
                    stack = self.stacks[thread] = []
                if callee is code or any(callee is entry[0] or callee is entry[2] for entry in stack):
                    stack.clear()  # recursion: no longer sure which activation an event is in
                else:
                    stack.append((code, offset, callee))
                return "call"
        leaving = self.table(code)[1]
        if offset not in leaving:
            return None
        following = self._following(index)
        if following is None:
            return None
        if (following[1] is code and following[3] == self.at_point and not code.co_flags & _LAZY
                and following[2] not in entry_points(code)):
            return leaving[offset]  # it did not return: its next event is in the same code
        if not stack:
            return None
        caller, at, _callee = stack[-1]
        if following[3] == self.at_point and following[1] is caller and at in self.table(caller)[0]:
            stack.pop()
            return self.table(code)[1][offset]
        if (following[3] == self.finished and len(stack) == 1 and caller is self.entries.get(thread)
                and at in self.table(caller)[1]):
            stack.pop()
            return self.table(code)[1][offset]
        return None


def next_same(events: list[Event]) -> list[int]:
    """Per event, the index of the same thread's next event (-1 if none)."""
    found = [-1] * len(events)
    latest: dict[int, int] = {}
    for index in range(len(events) - 1, -1, -1):
        thread = events[index][0]
        found[index] = latest.get(thread, -1)
        latest[thread] = index
    return found
