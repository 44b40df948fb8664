"""Which bytecodes can touch shared state, and what they read or write.

Two jobs, both driven by :mod:`dis` so they follow the running interpreter:

* ``visible_table(code)``: one flag per instruction offset saying whether the
  instruction can observe or change state another thread sees (globals,
  attributes, subscripts, cells, calls). The scheduler is consulted before
  every instruction, but it only offers a context switch before a visible one:
  switching before a purely local instruction (``LOAD_FAST``, a jump, ``1 + x``
  on a value already on the stack) cannot change what any thread observes, so
  it would only multiply schedules that are equivalent.
* ``Decoder``: for the step table, turn "about to run ``STORE_GLOBAL counter``"
  into ``write counter <- 1`` by evaluating the instruction's operands from the
  frame (the operands are simple loads just before it: a global, a local, a
  constant, or an attribute of one of those). Reads are taken just before the
  instruction runs, writes just after, so both show the value that thread saw.
"""

from __future__ import annotations

import builtins
import dis
import io
import reprlib
import sys
import tokenize
import types
from dataclasses import dataclass
from typing import Any

_SHARED_OPS = frozenset({
    "LOAD_GLOBAL", "STORE_GLOBAL", "DELETE_GLOBAL",
    "LOAD_NAME", "STORE_NAME", "DELETE_NAME",
    "LOAD_ATTR", "STORE_ATTR", "DELETE_ATTR", "LOAD_METHOD", "LOAD_SUPER_ATTR",
    "LOAD_DEREF", "STORE_DEREF", "DELETE_DEREF", "LOAD_CLASSDEREF",
    "LOAD_FROM_DICT_OR_DEREF", "LOAD_FROM_DICT_OR_GLOBALS",
    "BINARY_SUBSCR", "STORE_SUBSCR", "DELETE_SUBSCR", "BINARY_SLICE", "STORE_SLICE",
    "CALL", "CALL_FUNCTION_EX", "CALL_KW", "CALL_FUNCTION", "CALL_METHOD",
    "BEFORE_WITH", "BEFORE_ASYNC_WITH", "WITH_EXCEPT_START",
    "CONTAINS_OP", "GET_ITER", "FOR_ITER", "IMPORT_NAME", "IMPORT_FROM",
    "DICT_MERGE", "DICT_UPDATE", "LIST_EXTEND", "UNPACK_SEQUENCE", "UNPACK_EX",
})
_SIMPLE_LOADS = frozenset({
    "LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_BORROW", "LOAD_CONST", "LOAD_SMALL_INT",
    "LOAD_GLOBAL", "LOAD_DEREF", "LOAD_NAME", "LOAD_CLASSDEREF",
})
_SKIP = frozenset({"CACHE", "EXTENDED_ARG", "NOP", "PRECALL", "NOT_TAKEN"})

_repr = reprlib.Repr()
_repr.maxstring = 40
_repr.maxother = 40
_repr.maxlist = _repr.maxdict = _repr.maxset = _repr.maxtuple = 6

MISSING = object()


def code_only(line: str) -> str:
    """``line`` without a trailing comment (the step table shows code, not commentary)."""
    if "#" not in line:
        return line.strip()
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(line).readline))
    except (tokenize.TokenError, SyntaxError):
        return line.strip()
    for token in tokens:
        if token.type == tokenize.COMMENT:
            return line[:token.start[1]].strip() or line.strip()
    return line.strip()


def show(value: Any) -> str:
    """A short, safe repr for the step table."""
    if value is MISSING:
        return "(missing)"
    try:
        return _repr.repr(value)
    except Exception:  # a broken __repr__ in the scenario must not break the report
        return f"<{type(value).__name__}>"


def _is_visible(instr: dis.Instruction) -> bool:
    name = instr.opname
    if name in _SHARED_OPS:
        return True
    # In-place operators can mutate a shared object (``items += [x]``).
    return name == "BINARY_OP" and instr.argrepr.endswith("=") and instr.argrepr != "=="


# ``dis`` is slow (a tenth of a millisecond or more per function), and scenarios are
# explored again and again (tests, exercise checks, the benchmark) with code objects
# that compare equal: what is derived from a code object is kept, a bounded number.
_CACHE_SIZE = 512
_INSTRUCTIONS: dict[types.CodeType, list[dis.Instruction]] = {}
_TABLES: dict[Any, bytes] = {}
_DECODERS: dict[types.CodeType, Decoder] = {}


def _remember(cache: dict[Any, Any], code: Any, value: Any) -> None:
    if len(cache) >= _CACHE_SIZE:
        cache.pop(next(iter(cache)))
    cache[code] = value


def instructions(code: types.CodeType) -> list[dis.Instruction]:
    """``code``'s instructions without the inline CACHE entries (computed once per code)."""
    found = _INSTRUCTIONS.get(code)
    if found is None:
        found = [i for i in dis.get_instructions(code) if i.opname != "CACHE"]
        _remember(_INSTRUCTIONS, code, found)
    return found


_WRITES = frozenset({
    "STORE_GLOBAL", "STORE_NAME", "STORE_ATTR", "STORE_DEREF", "STORE_SUBSCR", "STORE_SLICE",
    "DELETE_GLOBAL", "DELETE_NAME", "DELETE_ATTR", "DELETE_DEREF", "DELETE_SUBSCR",
    "BEFORE_WITH", "BEFORE_ASYNC_WITH",
})
WRITE = 2


def visible_table(code: types.CodeType) -> bytes:
    """One byte per code offset: 1 where a context switch is worth offering, ``WRITE`` (2) where
    the instruction also writes shared state (a store, a delete, entering a ``with``).

    A ``LOAD_GLOBAL`` of a name :func:`hide_constants` registered for ``code`` is not
    visible: no thread assigns it, so a switch before it is the same as one after it.
    """
    key = table_key(code)
    found = _TABLES.get(key)
    if found is None:
        constant = _HIDDEN[id(code)][1] if key is not code else frozenset()
        table = bytearray(len(code.co_code) + 2)
        for instr in instructions(code):
            if _is_visible(instr) and not (instr.opname == "LOAD_GLOBAL" and instr.argval in constant):
                table[instr.offset] = WRITE if instr.opname in _WRITES else 1
        found = bytes(table)
        _remember(_TABLES, key, found)
    return found


#: id(code) -> (code, the global names no thread assigns that it loads), for the codes of
#: the explorations under way (the code is kept so that its id is not reused meanwhile).
_HIDDEN: dict[int, tuple[types.CodeType, frozenset[str]]] = {}
#: Off, every ``LOAD_GLOBAL`` is visible (tests compare the search with and without it).
HIDE_CONSTANTS = True


def hide_constants(codes: list[types.CodeType], constant: frozenset[str]) -> None:
    """Treat loads of the globals in ``constant`` as invisible in ``codes`` (until :func:`forget_constants`).

    Equal code objects from two scenarios share the caches derived from a code, so
    everything derived from the visibility table is cached under :func:`table_key`.
    """
    if not HIDE_CONSTANTS:
        return
    for code in codes:
        mine = frozenset(name for name in code.co_names if name in constant)
        if mine:
            _HIDDEN[id(code)] = (code, mine)


def forget_constants(codes: list[types.CodeType]) -> None:
    for code in codes:
        entry = _HIDDEN.get(id(code))
        if entry is not None and entry[0] is code:
            del _HIDDEN[id(code)]


def table_key(code: types.CodeType) -> Any:
    """The cache key of what is derived from ``code``'s visibility table."""
    entry = _HIDDEN.get(id(code))
    if entry is None or entry[0] is not code:
        return code
    return (code, entry[1])


def decoder(code: types.CodeType) -> Decoder:
    """The (shared, read-only) :class:`Decoder` of ``code``."""
    found = _DECODERS.get(code)
    if found is None:
        found = Decoder(code)
        _remember(_DECODERS, code, found)
    return found


def all_code_objects(code: types.CodeType) -> list[types.CodeType]:
    """``code`` and every code object nested in it (functions, classes, lambdas)."""
    found = [code]
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found.extend(all_code_objects(const))
    return found


# An expression we can re-evaluate from a frame:
# ("local", name) | ("const", value) | ("global", name) | ("name", name) | ("attr", base, name)
Expr = tuple[Any, ...]


def expr_text(expr: Expr) -> str:
    kind = expr[0]
    if kind == "const":
        return show(expr[1])
    if kind == "attr":
        return f"{expr_text(expr[1])}.{expr[2]}"
    return str(expr[1])


def _producer(instrs: list[dis.Instruction], j: int) -> tuple[list[Expr], int] | None:
    """The simple expressions pushed by the instruction(s) ending at index ``j``."""
    while j >= 0 and instrs[j].opname in _SKIP:
        j -= 1
    if j < 0:
        return None
    instr = instrs[j]
    name = instr.opname
    if name == "LOAD_FAST_LOAD_FAST" and isinstance(instr.argval, tuple):
        return [("local", instr.argval[0]), ("local", instr.argval[1])], j - 1
    if name in _SIMPLE_LOADS:
        if name == "LOAD_GLOBAL" and instr.arg is not None and instr.arg & 1:
            return None  # pushes NULL too: a call target, not data
        if name in ("LOAD_CONST", "LOAD_SMALL_INT"):
            return [("const", instr.argval)], j - 1
        if name.startswith("LOAD_FAST"):
            return [("local", instr.argval)], j - 1
        if name == "LOAD_GLOBAL":
            return [("global", instr.argval)], j - 1
        return [("name", instr.argval)], j - 1
    if name == "LOAD_ATTR":
        if sys.version_info >= (3, 12) and instr.arg is not None and instr.arg & 1:
            return None  # method load
        inner = _producer(instrs, j - 1)
        if inner is None or len(inner[0]) != 1:
            return None
        return [("attr", inner[0][0], instr.argval)], inner[1]
    return None


def _operands(instrs: list[dis.Instruction], index: int, count: int) -> list[Expr] | None:
    """The ``count`` values on top of the stack before ``instrs[index]``, deepest first."""
    found: list[Expr] = []
    j = index - 1
    while len(found) < count:
        produced = _producer(instrs, j)
        if produced is None:
            return None
        exprs, j = produced
        found[:0] = exprs
    return found[-count:]


@dataclass(frozen=True)
class Plan:
    """How to describe one instruction: a read before it or a write after it."""

    kind: str          # "read", "write", "delete", "check"
    target: Expr       # what is read or written
    key: Expr | None = None   # for subscripts and ``in``
    when: str = "before"


def _plan(instrs: list[dis.Instruction], index: int) -> Plan | None:
    instr = instrs[index]
    name = instr.opname
    if name == "LOAD_GLOBAL":
        if instr.arg is not None and instr.arg & 1:
            return None
        return Plan("read", ("global", instr.argval))
    if name in ("LOAD_NAME", "LOAD_DEREF", "LOAD_CLASSDEREF"):
        return Plan("read", ("name", instr.argval))
    if name == "STORE_GLOBAL":
        return Plan("write", ("global", instr.argval), when="after")
    if name in ("STORE_NAME", "STORE_DEREF"):
        return Plan("write", ("name", instr.argval), when="after")
    if name in ("DELETE_GLOBAL", "DELETE_NAME", "DELETE_DEREF"):
        return Plan("delete", ("name", instr.argval))
    if name == "LOAD_ATTR":
        if sys.version_info >= (3, 12) and instr.arg is not None and instr.arg & 1:
            return None
        base = _operands(instrs, index, 1)
        return Plan("read", ("attr", base[0], instr.argval)) if base else None
    if name == "STORE_ATTR":
        base = _operands(instrs, index, 1)
        return Plan("write", ("attr", base[0], instr.argval), when="after") if base else None
    if name == "DELETE_ATTR":
        base = _operands(instrs, index, 1)
        return Plan("delete", ("attr", base[0], instr.argval)) if base else None
    if name in ("BINARY_SUBSCR", "STORE_SUBSCR", "DELETE_SUBSCR"):
        ops = _operands(instrs, index, 2)
        if not ops:
            return None
        kind = {"BINARY_SUBSCR": "read", "STORE_SUBSCR": "write", "DELETE_SUBSCR": "delete"}[name]
        return Plan(kind, ops[0], ops[1], when="after" if kind == "write" else "before")
    if name == "BINARY_OP" and instr.argrepr == "[]":  # 3.14 spells subscripts this way
        ops = _operands(instrs, index, 2)
        return Plan("read", ops[0], ops[1]) if ops else None
    if name == "CONTAINS_OP":
        ops = _operands(instrs, index, 2)
        return Plan("check", ops[1], ops[0]) if ops else None
    return None


def _lookup(frame: types.FrameType, expr: Expr) -> Any:
    kind = expr[0]
    if kind == "const":
        return expr[1]
    if kind == "local":
        return frame.f_locals.get(expr[1], MISSING)
    if kind == "global":
        value = frame.f_globals.get(expr[1], MISSING)
        return getattr(builtins, expr[1], MISSING) if value is MISSING else value
    if kind == "name":
        local = frame.f_locals.get(expr[1], MISSING)
        return _lookup(frame, ("global", expr[1])) if local is MISSING else local
    base = _lookup(frame, expr[1])
    if base is MISSING:
        return MISSING
    if isinstance(base, types.ModuleType):
        return base.__dict__.get(expr[2], MISSING)
    try:
        return vars(base).get(expr[2], MISSING)   # data attributes only: never run a property
    except TypeError:
        return MISSING


def _is_shared(expr: Expr) -> bool:
    return expr[0] in ("global", "name", "attr")


def _interesting(value: Any) -> bool:
    """Values worth a row: data, not functions, classes, modules or sync objects."""
    if value is MISSING:
        return True
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                          types.ModuleType, type)):
        return False
    return not getattr(value, "_conclab_primitive", False)


class Decoder:
    """Describes instructions of one code object for the step table (detailed runs only)."""

    def __init__(self, code: types.CodeType) -> None:
        instrs = instructions(code)
        self.plans: dict[int, Plan] = {}
        self.opnames: dict[int, str] = {}
        self.lines: dict[int, list[Plan]] = {}
        line = code.co_firstlineno
        for index, instr in enumerate(instrs):
            self.opnames[instr.offset] = instr.opname
            starts = getattr(instr, "line_number", None) or instr.starts_line
            if isinstance(starts, int) and not isinstance(starts, bool):
                line = starts
            plan = _plan(instrs, index)
            if plan is not None:
                self.plans[instr.offset] = plan
                same_line = self.lines.setdefault(line, [])
                if plan not in same_line:   # loop headers are compiled twice
                    same_line.append(plan)

    def plan_at(self, offset: int) -> list[Plan]:
        plan = self.plans.get(offset)
        return [plan] if plan is not None else []

    def line_plans(self, line: int) -> list[Plan]:
        """Every access on ``line`` (line granularity: the whole line is one step)."""
        return self.lines.get(line, [])


def describe(frame: types.FrameType, plan: Plan) -> tuple[str, str, str] | None:
    """``(kind, target text, value text)`` for ``plan`` evaluated in ``frame`` now."""
    try:
        if plan.key is None:
            if not _is_shared(plan.target):
                return None
            value = _lookup(frame, plan.target)
            if plan.kind == "read" and not _interesting(value):
                return None
            return plan.kind, expr_text(plan.target), show(value)
        container = _lookup(frame, plan.target)
        key = _lookup(frame, plan.key)
        if container is MISSING or key is MISSING:
            return None
        if plan.kind == "check":
            if not _is_shared(plan.target):
                return None
            return "check", f"{show(key)} in {expr_text(plan.target)}", show(key in container)
        text = f"{expr_text(plan.target)}[{show(key)}]"
        if plan.kind == "delete":
            return "delete", text, ""
        try:
            value = container[key]
        except Exception:
            value = MISSING
        return plan.kind, text, show(value)
    except Exception:  # reporting must never change the scenario's behaviour
        return None
