"""Partial order sampling (``--strategy pos``, a member of ``auto``): races, seeds, spinning, tasks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conclab import explore
from conclab.explore._events import READ, START, WRITE
from conclab.explore._pos import UNKNOWN, PosChooser, races

from .helpers import scenario

SCT = Path(__file__).resolve().parents[2] / "benchmarks" / "sctbench"


def without_addresses(result: explore.Result) -> str:
    """The step table as text, object addresses (which differ from run to run) left out."""
    return re.sub(r" at 0x[0-9a-f]+", "", repr(result.table()))


def test_two_steps_race_on_one_location_when_one_writes() -> None:
    head, tail = ("a", "head"), ("a", "tail")
    assert races((WRITE, head), (READ, head))
    assert races((READ, head), (WRITE, head))
    assert races((WRITE, head), (WRITE, head))
    assert not races((READ, head), (READ, head))
    assert not races((WRITE, head), (READ, tail))


def test_the_chooser_redraws_exactly_the_threads_whose_step_races() -> None:
    """``PosChooser`` checks races inline (it is the hot loop among many threads): same answers as :func:`races`."""
    import random

    steps = [START, UNKNOWN, (READ, ("g", "x")), (WRITE, ("g", "x")), (READ, ("a", "y")), (WRITE, ("i",))]
    for done in steps[1:]:
        chooser = PosChooser(random.Random(0))
        chooser.pending = dict(enumerate(steps, start=1))
        chooser.priority = {}
        chooser._redraw_racing(list(range(len(steps) + 1)), 0, done)
        expected = {thread for thread, step in chooser.pending.items() if races(done, step)}
        assert set(chooser.priority) == expected, done


def test_calls_race_with_calls_only_and_a_start_with_nothing() -> None:
    """A call may be any lock or queue operation: it races with every other call, with no plain access."""
    assert races(UNKNOWN, UNKNOWN)
    assert not races(UNKNOWN, (WRITE, ("g", "x")))
    assert not races((READ, ("g", "x")), UNKNOWN)
    assert not races(START, UNKNOWN)
    assert not races(START, (WRITE, ("g", "x")))


@pytest.mark.parametrize("seed", range(3))
def test_pos_finds_the_work_stealing_queue(seed: int) -> None:
    """Three preemptions, one of them holding the stealer mid-steal: pct and random find nothing in 50,000."""
    result = explore.run(str(SCT / "wsq.py"), strategy="pos", seed=seed, schedules=1000)
    assert result.finding is not None, result.summary()
    assert result.kind == "assertion"
    again = explore.run(str(SCT / "wsq.py"), replay=result.finding.schedule)
    assert again.kind == "assertion"
    assert without_addresses(again) == without_addresses(result)


def test_pos_is_deterministic_for_a_seed() -> None:
    first = explore.run(str(SCT / "wsq.py"), strategy="pos", seed=7)
    second = explore.run(str(SCT / "wsq.py"), strategy="pos", seed=7)
    assert first.finding is not None and second.finding is not None
    assert first.schedules_explored == second.schedules_explored
    assert first.finding.schedule == second.finding.schedule


@pytest.mark.parametrize("seed", range(2))
def test_spinning_threads_do_not_starve_a_thread_that_races_with_nothing(seed: int) -> None:
    """token_ring_fixed: two threads spin with sleep(0) while the first one has not started.

    Without re-drawing every priority at a yield, the unstarted thread (whose first
    step races with nothing) kept its low priority and the step limit reported a
    livelock that is not there (with seed 1, within these 400 schedules).
    """
    result = explore.run(str(SCT / "token_ring_fixed.py"), strategy="pos", seed=seed, schedules=400)
    assert result.finding is None, result.message


def test_a_busy_loop_without_sleep_ends_under_pos(tmp_path: Path) -> None:
    path = scenario(tmp_path, """
        ready = False
        note = 0

        def waiter():
            while not ready:
                pass

        def setter():
            global note, ready
            note = 1
            ready = True

        THREADS = [waiter, waiter, setter]
    """)
    result = explore.run(path, strategy="pos", schedules=300)
    assert result.finding is None, result.message


def test_pos_explores_tasks_of_an_asyncio_scenario() -> None:
    assert explore.run("async-dirty-write", strategy="pos").finding is not None
    assert explore.run("async-locked", strategy="pos", schedules=200).finding is None


def test_the_summary_names_pos_and_its_seed() -> None:
    result = explore.run("locked-counter", strategy="pos", seed=3, schedules=50)
    assert result.finding is None
    assert "pos, seed 3" in result.summary()
