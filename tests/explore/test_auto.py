"""The default strategy (dfs, write-first order, then pct) and the one batch from search to report."""

from __future__ import annotations

import sys

import pytest

from conclab import explore
from conclab.explore import _shrink


@pytest.mark.parametrize("name,at_most", [("lost-update", 2), ("spinlock", 6),
                                           ("lock-order-deadlock", 3), ("check-then-act", 3)])
def test_preemptions_before_writes_come_first(name: str, at_most: int) -> None:
    """The spin lock needs two preemptions, both right before a write: found in 6, not 24."""
    result = explore.run(name)
    assert result.finding is not None
    assert result.schedules_explored <= at_most
    assert result.finding.context_switches <= 3


# Schedules in each fixed built-in's bounded space (bound 2). The write-first order
# changed the order, not the set; the symmetry of two threads running the same function
# (which one starts first) halved it where both threads are the same: 54, 110 and 154
# before, 114 (two different functions) unchanged. Partial-order reduction from the first
# schedule (sleep sets, guessed keys, lock attempts out of the trace) took 27, 55, 114 and 77
# down to 7, 10, 26 and 35 (async-locked is not reduced); seeing through calls to the
# scenario's own functions (``_calls``) took locked-check-then-act's 35 to 33. Loads of
# globals no thread assigns (the lock itself) being no scheduling points, a thread's first
# step left out of keys and a thread that would only start and wait being no alternative
# took 7, 10, 26 and 33 down to 2, 8, 3 and 2: one schedule per order of the critical
# sections.
SPACE = {"locked-counter": 2, "fixed-spinlock": 8, "ordered-locks": 3,
         "locked-check-then-act": 2, "async-locked": 2}


@pytest.mark.parametrize("name", sorted(SPACE))
def test_the_write_first_order_runs_the_same_bounded_space(name: str) -> None:
    result = explore.run(name, strategy="dfs", schedules=5000)
    assert result.exhausted is True and result.verdict == "none"
    if sys.version_info[:2] == (3, 11):  # the counts were taken from 3.11's bytecode
        assert result.schedules_explored == SPACE[name]


def test_auto_is_deterministic_for_a_seed() -> None:
    first = explore.run("check-then-act", seed=5)
    second = explore.run("check-then-act", seed=5)
    assert first.finding is not None and second.finding is not None
    assert first.finding.schedule == second.finding.schedule
    assert first.schedules_explored == second.schedules_explored
    assert first.table() == second.table()


def test_auto_still_exhausts_the_dfs_space_and_says_so() -> None:
    dfs = explore.run("locked-counter", strategy="dfs", schedules=5000)
    auto = explore.run("locked-counter", schedules=1000)
    assert dfs.exhausted is True and auto.exhausted is True
    assert auto.schedules_explored == 1000
    # Every dfs schedule within the bound ran (then dfs went one preemption deeper);
    # the others were pct or random.
    assert auto.schedules_explored - auto.pct_extra >= dfs.schedules_explored
    assert "preemption bound 2 exhausted" in auto.summary()
    assert "not a proof" in auto.summary()


def test_auto_with_a_budget_smaller_than_the_dfs_space_is_not_exhausted() -> None:
    auto = explore.run("fixed-spinlock", schedules=5)  # 8 dfs schedules
    assert auto.exhausted is False
    assert "not exhausted" in auto.summary()


@pytest.mark.parametrize("name", ["lost-update", "spinlock", "lock-order-deadlock", "check-then-act"])
def test_an_auto_finding_replays_to_the_same_step_table(name: str) -> None:
    found = explore.run(name, seed=2)
    assert found.finding is not None and found.finding.schedule is not None
    again = explore.run(name, replay=found.finding.schedule)
    assert again.kind == found.kind
    assert again.table() == found.table()


def test_a_schedule_dfs_found_is_not_shrunk_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """dfs already ran every schedule with fewer preemptions: shrinking knows they pass."""
    trials: list[object] = []
    original = _shrink.Shrinker.after

    def counting(self: _shrink.Shrinker, run: object) -> bool:
        trials.append(run)
        return original(self, run)  # type: ignore[arg-type]

    monkeypatch.setattr(_shrink.Shrinker, "after", counting)
    result = explore.run("lost-update", strategy="dfs")
    assert result.finding is not None and result.finding.context_switches == 2
    assert trials == []


@pytest.mark.parametrize("seed", range(5))
def test_random_findings_shrink_to_few_context_switches(seed: int) -> None:
    result = explore.run("lost-update", strategy="random", seed=seed)
    assert result.finding is not None
    assert result.finding.context_switches <= 4  # two suffice; the shrinker need not find the least
    result = explore.run("lock-order-deadlock", strategy="random", seed=seed)
    assert result.finding is not None
    assert result.finding.context_switches <= 4


def test_without_shrinking_the_found_schedule_is_reported_as_it_is() -> None:
    result = explore.run("spinlock", strategy="random", seed=1, shrink=False)
    assert result.finding is not None and result.finding.schedule is not None
    again = explore.run("spinlock", replay=result.finding.schedule)
    assert again.table() == result.table()
