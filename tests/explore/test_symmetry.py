"""Symmetry between threads (``_symmetry``): when two threads are interchangeable, and when not.

The search-level checks (same final states with and without it) are in
``test_por.py``; these pin the key itself on real, paused threads.
"""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from conclab.explore._symmetry import ALONE, constant_globals, key, names_identity, stack_depths

HERE = __file__


def pause(gate: threading.Event, ready: threading.Semaphore) -> None:
    ready.release()
    gate.wait()


def body(value: int, gate: threading.Event, ready: threading.Semaphore) -> None:
    local = value * 2
    pause(gate, ready)  # from ready's release on, this frame stands inside this call
    del local


def entry(value: int, gate: threading.Event, ready: threading.Semaphore) -> None:
    body(value, gate, ready)


@dataclass
class Stub:
    """The worker fields ``key`` reads."""

    frame: types.FrameType | None
    func: Any = entry
    held: list[Any] = field(default_factory=list)
    parked: bool = False  # inside the call it stands at (``pause(...)``)
    timed_out: bool = False
    last_wait: Any = None


@pytest.fixture
def paused() -> Iterator[Any]:
    """Threads stopped inside ``body`` at ``pause(...)``, by value: their ``body`` frames."""
    gate = threading.Event()
    ready = threading.Semaphore(0)
    threads = []

    def start(value: int) -> types.FrameType:
        thread = threading.Thread(target=entry, args=(value, gate, ready))
        thread.start()
        threads.append(thread)
        ready.acquire()
        frame = sys._current_frames()[thread.ident]  # type: ignore[index]
        while frame.f_code is not body.__code__:
            frame = frame.f_back  # type: ignore[assignment]
        return frame

    yield start
    gate.set()
    for thread in threads:
        thread.join()


def test_threads_at_the_same_place_with_the_same_locals_share_a_key(paused: Any) -> None:
    one, two, other = paused(1), paused(1), paused(2)
    stop = entry.__code__
    first = key(Stub(one), HERE, stop, frozenset())
    assert first is not ALONE
    assert first == key(Stub(two), HERE, stop, frozenset())
    # Another value in a local: not interchangeable.
    assert first != key(Stub(other), HERE, stop, frozenset())


def test_a_thread_holding_a_lock_or_outside_scenario_code_is_alone(paused: Any) -> None:
    frame = paused(1)
    assert key(Stub(frame, held=[object()]), HERE, entry.__code__, frozenset()) is ALONE
    assert key(Stub(frame), "elsewhere.py", entry.__code__, frozenset()) is ALONE
    # Parked before the call (not inside it), its operands are on the stack, unseen.
    assert key(Stub(frame, parked=True), HERE, entry.__code__, frozenset()) is ALONE


def test_a_thread_not_started_is_keyed_by_its_function() -> None:
    assert key(Stub(None), HERE, entry.__code__, frozenset()) == key(Stub(None), HERE, entry.__code__, frozenset())
    assert key(Stub(None), HERE, entry.__code__, frozenset()) != key(Stub(None, func=body), HERE, entry.__code__,
                                                                     frozenset())


def loop() -> int:
    total = 0
    for item in range(3):
        total += item
    return total


def test_the_stack_depth_inside_a_loop_counts_its_iterator() -> None:
    depths = stack_depths(loop.__code__)
    assert depths is not None
    import dis

    listing = list(dis.get_instructions(loop.__code__))
    store = next(index for index, i in enumerate(listing) if i.opname == "STORE_FAST" and i.argval == "item")
    assert depths[listing[store].offset] == 2  # the iterator, and the item it gave
    assert depths[listing[store + 1].offset] == 1  # the body starts with the iterator below
    assert depths[0] == 0


SOURCE = """
import threading
lock = threading.Lock()
LIMIT = 3
count = 0
def work():
    global count
    with lock:
        count = count + LIMIT
def setup():
    global count
    count = 0
"""


def codes(source: str) -> list[types.CodeType]:
    from conclab.explore._decode import all_code_objects

    return all_code_objects(compile(source, "scenario.py", "exec"))


def test_globals_assigned_by_a_thread_are_not_constant() -> None:
    found = constant_globals(codes(SOURCE))
    assert {"lock", "LIMIT"} <= found
    assert "count" not in found


@pytest.mark.parametrize("line", ["threading.current_thread().name", "threading.get_ident()",
                                  "threading.local()", "len(threading.enumerate())"])
def test_a_scenario_that_names_thread_identity_gets_no_symmetry(line: str) -> None:
    assert not names_identity(codes(SOURCE))
    assert names_identity(codes(SOURCE + f"\ndef who():\n    return {line}\n"))


TWINS_THAT_YIELD = """
import threading
import time
lock = threading.Lock()
counter = 0
def worker():
    global counter
    with lock:
        value = counter
        time.sleep(0)
        counter = value + 1
THREADS = [worker, worker, worker]
def check():
    assert counter == 3, f"counter={counter}"
"""


def test_dfs_starts_again_without_symmetry_once_a_yield_among_three_threads_shows(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where ``sleep(0)`` hands the baton on, its free choice is the next thread by number:
    what symmetry cut may cost a preemption more than what it kept, so the bound is only
    claimed exhausted after a search without it."""
    from tests.explore.helpers import scenario

    from conclab import explore
    from conclab.explore import _strategies

    restarts = []
    original = _strategies.DfsStrategy._restart
    monkeypatch.setattr(_strategies.DfsStrategy, "_restart",
                        lambda self: (restarts.append(1), original(self))[-1])
    path = scenario(tmp_path, TWINS_THAT_YIELD)
    result = explore.run(str(path), strategy="dfs", schedules=5000)
    assert result.finding is None and result.exhausted
    assert restarts == [1]
    quiet = scenario(tmp_path, TWINS_THAT_YIELD.replace("time.sleep(0)", "pass"), "quiet.py")
    restarts.clear()
    assert explore.run(str(quiet), strategy="dfs", schedules=5000).exhausted
    assert restarts == []
