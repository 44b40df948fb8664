"""The default strategy: random schedules interleaved with dfs, then pct; one batch to the report."""

from __future__ import annotations

import pytest

from conclab import explore
from conclab.explore import _explorer
from conclab.explore._strategies import AutoStrategy


@pytest.mark.parametrize("seed", range(6))
def test_auto_finds_the_spin_lock_long_before_dfs_reaches_two_preemptions(seed: int) -> None:
    dfs = explore.run("spinlock", strategy="dfs", seed=seed)
    auto = explore.run("spinlock", seed=seed)
    assert auto.kind == "assertion"
    # At worst every random slot misses and dfs finds it at its usual place.
    assert auto.schedules_explored <= dfs.schedules_explored + AutoStrategy.RANDOM_SLOTS


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
    # Every dfs schedule ran; the others were random or pct.
    assert auto.schedules_explored - auto.pct_extra == dfs.schedules_explored
    assert "preemption bound 2 exhausted" in auto.summary()
    assert "not a proof" in auto.summary()


def test_auto_with_a_budget_smaller_than_the_dfs_space_is_not_exhausted() -> None:
    auto = explore.run("locked-counter", schedules=10)
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
    original = _explorer._Shrinker.after

    def counting(self: _explorer._Shrinker, run: object) -> bool:
        trials.append(run)
        return original(self, run)  # type: ignore[arg-type]

    monkeypatch.setattr(_explorer._Shrinker, "after", counting)
    result = explore.run("lost-update", strategy="dfs")
    assert result.finding is not None and result.finding.context_switches == 2
    assert trials == []


@pytest.mark.parametrize("seed", range(5))
def test_random_findings_shrink_to_few_context_switches(seed: int) -> None:
    result = explore.run("lost-update", strategy="random", seed=seed)
    assert result.finding is not None
    assert result.finding.context_switches <= 3
    result = explore.run("lock-order-deadlock", strategy="random", seed=seed)
    assert result.finding is not None
    assert result.finding.context_switches <= 3


def test_without_shrinking_the_found_schedule_is_reported_as_it_is() -> None:
    result = explore.run("spinlock", strategy="random", seed=1, shrink=False)
    assert result.finding is not None and result.finding.schedule is not None
    again = explore.run("spinlock", replay=result.finding.schedule)
    assert again.table() == result.table()
