"""Partial-order reduction through scenario calls, ``range`` loops and conditions (``_calls``).

A call to a function of the scenario (straight, or from the ``lambda`` that starts a
thread), a ``for ... in range(...)`` loop's step and a loop test before a function's
end touch nothing shared beyond their own accesses; a condition's wait and notify
are operations on its lock. Each is checked as in ``test_por``: the reduced search
reaches the same final states as the plain one, in the pinned (measured) number of
schedules, and a bug that runs through it is still found and replays.
"""

from __future__ import annotations

import dis
import sys
import textwrap
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.explore.helpers import reduce_search, scenario

from conclab import explore
from conclab.explore import _auto, _strategies
from conclab.explore._calls import callee_names, entry_points, range_loops

PRELUDE = """
import sys as _sys
def record(value):
    _sys.conclab_por_outcomes.add(value)
"""

# The lock order of the bumps is what tells the traces apart (6 orders of 2 + 2 bumps
# within bound 2, with the two totals).
HELPERS = """
    import threading
    lock = threading.Lock()
    order = []
    total = 0
    def bump(slot):
        with lock:
            order.append(slot)
    def work(slot):
        global total
        for _ in range(2):
            bump(slot)
        with lock:
            total = total + 1
    THREADS = [lambda slot=slot: work(slot) for slot in range(2)]
    def check():
        record((tuple(order), total))
"""

CONDITION = """
    import threading
    lock = threading.Lock()
    ready = threading.Condition(lock)
    other = threading.Lock()
    items = []
    got = []
    side = 0
    def producer():
        with lock:
            items.append(1)
            ready.notify()
    def consumer():
        waited = 0
        with lock:
            while not items:
                ready.wait()
                waited += 1
            got.append((items.pop(), waited))
    def bystander():
        global side
        with other:
            side = side + 1
    THREADS = [producer, consumer, bystander]
    def check():
        record((tuple(got), side))
"""

# (source, plain, reduced, final states), measured at bound 2. Before this reduction the
# reduced counts were 1473 (every call, loop step and loop test an unknown event) and 2360
# (every wait and notify an unknown event); before loads of globals no thread assigns
# stopped being scheduling points and a thread's first step was left out of keys, (1536,
# 1181) and (2549, 1958).
COUNTS = {"helpers": (HELPERS, 686, 244, 6), "condition": (CONDITION, 1217, 187, 2)}


@pytest.fixture
def reduction() -> Iterator[None]:
    after = _strategies.DfsStrategy.POR_AFTER
    _strategies.DfsStrategy.POR_AFTER = 0  # from the first schedule, however small the search
    yield
    reduce_search(True)
    _strategies.DfsStrategy.POR_AFTER = after


def outcomes(path: Path, reduce: bool) -> tuple[set[object], int, bool]:
    reduce_search(reduce)
    found: set[object] = set()
    sys.conclab_por_outcomes = found  # type: ignore[attr-defined]
    try:
        result = explore.run(str(path), strategy="dfs", schedules=20_000, preemptions=2)
    finally:
        del sys.conclab_por_outcomes  # type: ignore[attr-defined]
    assert result.finding is None, result.message
    return found, result.schedules_explored, bool(result.exhausted)


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_the_space_shrinks_to_its_pinned_count_and_keeps_every_final_state(
        tmp_path: Path, reduction: None, name: str) -> None:
    source, plain_count, reduced_count, states = COUNTS[name]
    path = scenario(tmp_path, PRELUDE + textwrap.dedent(source))
    plain, plain_schedules, plain_done = outcomes(path, False)
    reduced, reduced_schedules, reduced_done = outcomes(path, True)
    assert plain_done and reduced_done
    assert reduced == plain and len(plain) == states
    assert (plain_schedules, reduced_schedules) == (plain_count, reduced_count)


BUGS = {
    "assertion": """
        total = 0
        def add():
            global total
            seen = total
            total = seen + 1
        def work():
            for _ in range(2):
                add()
        THREADS = [lambda: work(), lambda: work()]
        def check():
            assert total == 4, f"total={total}"
    """,
    "deadlock": """
        import threading
        lock = threading.Lock()
        ready = threading.Condition(lock)
        side = 0
        def producer():
            with lock:
                ready.notify()
        def consumer():
            with lock:
                ready.wait()
        def bystander():
            global side
            side = side + 1
        THREADS = [producer, consumer, bystander]
    """,
}


@pytest.mark.parametrize("kind", sorted(BUGS))
def test_a_bug_through_a_helper_or_a_condition_is_still_found_and_replays(
        tmp_path: Path, reduction: None, kind: str) -> None:
    path = scenario(tmp_path, BUGS[kind])
    result = explore.run(str(path), strategy="dfs", schedules=20_000, preemptions=2)
    assert result.finding is not None and result.kind == kind
    again = explore.run(str(path), replay=result.finding.schedule)
    assert again.kind == kind


def _code(source: str, name: str) -> types.CodeType:
    namespace: dict[str, object] = {}
    exec(compile(textwrap.dedent(source), "calls.py", "exec"), namespace)
    func = namespace[name]
    assert isinstance(func, types.FunctionType)
    return func.__code__


def test_only_a_call_by_global_name_with_plain_arguments_is_seen_through() -> None:
    code = _code("""
        def f(a, b):
            helper(a, b + 1)
            helper(other(a))
            obj.method(a)
            helper(*a)
            (lambda: 0)()
    """, "f")
    assert sorted(callee_names(code).values()) == ["helper", "other"]


def test_a_range_loop_whose_end_returns_is_seen_through_only_while_it_goes_on() -> None:
    code = _code("""
        def f():
            for _ in range(3):
                g()
        def h():
            for _ in range(3):
                g()
            g()
    """, "f")
    loops = range_loops(code)
    assert sorted(value is None for value in loops.values()) == [False, True, True]
    other = _code("""
        def h():
            for _ in range(3):
                g()
            g()
    """, "h")
    assert all(value is None for value in range_loops(other).values())


def test_auto_keeps_the_reduction_where_its_trial_pays(monkeypatch: pytest.MonkeyPatch) -> None:
    """auto's dfs keeps items one preemption over the bound for later; its trial counted them
    as work the reduction could have cut, saw too little cut and switched the reduction off on
    arithmetic_prog_fixed, which plain dfs then exhausts in a fifth of the schedules."""
    made: list[_auto.AutoStrategy] = []
    init = _auto.AutoStrategy.__init__

    def spy(self: _auto.AutoStrategy, bound: int, seed: int) -> None:
        init(self, bound, seed)
        made.append(self)

    monkeypatch.setattr(_auto.AutoStrategy, "__init__", spy)
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "sctbench" / "arithmetic_prog_fixed.py"
    result = explore.run(str(path), schedules=400)
    assert result.finding is None and made
    assert made[0].dfs.served > _strategies.DfsStrategy.POR_TRIAL
    assert made[0].dfs.reduce is True


CALLBACK = """
    items = [1, 2, 3]
    last = []
    def f(x):
        global last
        last = last + [x]
    def reader():
        list(map(f, items))
    def writer():
        items[1] = 9
        items[2] = 8
    THREADS = [reader, writer]
    def check():
        record(tuple(last))
"""


def test_a_function_called_again_by_library_code_is_no_function_going_on(
        tmp_path: Path, reduction: None) -> None:
    """``map`` reads the next item between two calls of ``f``: ``f``'s last store, after
    which it returns, is followed by an event in ``f`` again, but at one of the instructions
    a fresh call starts with (``entry_points``), so that step stays unknown. (This small
    program keeps its final states even when the step is taken as going on in ``f``: the
    run that reorders it still runs to its end; the check guards the outcomes.)"""
    namespace: dict[str, object] = {}
    exec(compile(textwrap.dedent(CALLBACK), "callback.py", "exec"), namespace)
    f = namespace["f"]
    assert isinstance(f, types.FunctionType)
    first = next(i.offset for i in dis.get_instructions(f) if i.opname == "LOAD_GLOBAL")
    assert entry_points(f.__code__) == {first}
    path = scenario(tmp_path, PRELUDE + textwrap.dedent(CALLBACK))
    plain, _, plain_done = outcomes(path, False)
    reduced, _, reduced_done = outcomes(path, True)
    assert plain_done and reduced_done
    assert reduced == plain and len(plain) > 1
