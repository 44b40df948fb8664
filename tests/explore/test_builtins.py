"""Each built-in bug is found by every strategy; each fixed version is clean under dfs."""

from __future__ import annotations

import pytest

from conclab import explore

BUGS = {
    "lost-update": "assertion",
    "spinlock": "assertion",
    "lock-order-deadlock": "deadlock",
    "check-then-act": "assertion",
    "async-dirty-write": "assertion",
}
FIXED = ["locked-counter", "fixed-spinlock", "ordered-locks", "locked-check-then-act", "async-locked"]


def test_the_built_ins_are_listed_with_their_expectations() -> None:
    names = explore.builtin_names()
    assert set(BUGS) | set(FIXED) <= set(names)
    for name in FIXED:
        assert explore.builtin_info(name)["expect"] == "none"
    for name in BUGS:
        assert explore.builtin_info(name)["expect"] == "bug"


@pytest.mark.parametrize("strategy", ["auto", "random", "pct", "dfs"])
@pytest.mark.parametrize("name", sorted(BUGS))
def test_every_bug_is_found_by_every_strategy(name: str, strategy: str) -> None:
    result = explore.run(name, strategy=strategy, schedules=500, seed=1)
    assert result.verdict == "finding"
    assert result.kind == BUGS[name]
    assert result.finding is not None and result.finding.schedule is not None
    assert result.steps, "a finding comes with its step table"


@pytest.mark.parametrize("name", FIXED)
def test_every_fixed_version_is_clean_and_dfs_exhausts_the_bound(name: str) -> None:
    result = explore.run(name, strategy="dfs", preemptions=2, schedules=5000)
    assert result.verdict == "none", result.message
    assert result.exhausted is True
    assert "not a proof" in result.summary()
    assert result.to_json()["exhausted"] is True


def test_a_small_budget_is_reported_as_not_exhausted() -> None:
    result = explore.run("fixed-spinlock", strategy="dfs", schedules=3)
    assert result.schedules_explored == 3
    assert result.exhausted is False
    assert "not exhausted" in result.summary()


def test_the_same_seed_gives_the_same_finding() -> None:
    first = explore.run("spinlock", strategy="random", seed=7)
    second = explore.run("spinlock", strategy="random", seed=7)
    assert first.finding is not None and second.finding is not None
    assert first.finding.schedule == second.finding.schedule
    assert first.schedules_explored == second.schedules_explored
