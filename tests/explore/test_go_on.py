"""The default budget: auto goes on past it, dfs alone, until its bound is exhausted (within a time cap).

A learner who runs ``conclab explore`` on a fixed program should read that the
space within the preemption bound was exhausted, not "none found in 1000",
whenever a few seconds more of dfs can clear it; a budget the caller gives is
kept as given.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import invoke
from tests.explore.helpers import scenario

from conclab import explore
from conclab.explore import _explorer

# Three threads racing on two globals (their values stay non-negative): dfs needs 225
# schedules to exhaust bound 2.
FIXED = """
    x = 0
    y = 0
    def a():
        global x, y
        x = x + 1
        y = y + x
    def b():
        global x, y
        y = y + 1
        x = x + y
    def c():
        global x
        x = x * 1
    THREADS = [a, b, c]
    def check():
        assert x >= 0, f"x={x}"
"""


@pytest.fixture
def small_default() -> Iterator[None]:
    """A default budget of 30 schedules, so that going on past it shows in a quick test."""
    saved = _explorer.SCHEDULES, _explorer.GO_ON_SECONDS
    _explorer.SCHEDULES = 30
    yield
    _explorer.SCHEDULES, _explorer.GO_ON_SECONDS = saved


def test_the_default_goes_on_until_the_bound_is_exhausted(tmp_path: Path, small_default: None) -> None:
    path = scenario(tmp_path, FIXED)
    result = explore.run(str(path))
    assert result.finding is None
    assert result.exhausted is True
    assert result.schedules_explored > 30
    assert "exhausted" in result.summary()


def test_a_budget_given_is_kept(tmp_path: Path, small_default: None) -> None:
    path = scenario(tmp_path, FIXED)
    result = explore.run(str(path), schedules=30)
    assert result.schedules_explored == 30
    assert result.exhausted is False
    assert "not exhausted" in result.summary()


def test_going_on_stops_at_the_time_cap(tmp_path: Path, small_default: None) -> None:
    _explorer.GO_ON_SECONDS = 0.0
    path = scenario(tmp_path, FIXED)
    result = explore.run(str(path))
    assert result.schedules_explored == 30
    assert result.exhausted is False


def test_only_auto_goes_on(tmp_path: Path, small_default: None) -> None:
    path = scenario(tmp_path, FIXED)
    for strategy in ("dfs", "pct", "random"):
        assert explore.run(str(path), strategy=strategy).schedules_explored <= 30


def test_the_command_line_default_goes_on_too(tmp_path: Path, small_default: None) -> None:
    path = scenario(tmp_path, FIXED)
    output = " ".join(invoke("explore", str(path)).output.split())
    assert "exhausted" in output and "not exhausted" not in output
    output = " ".join(invoke("explore", str(path), "--schedules", "30").output.split())
    assert "not exhausted" in output


def test_auto_going_on_says_exhausted_when_its_last_items_are_skipped() -> None:
    """dfs may empty its heap by skipping schedules it need not run: no run follows to
    report it, so auto must read it off dfs when dfs has nothing more to give."""
    from conclab.explore import _auto
    from conclab.explore._por import REDUNDANT

    auto = _auto.AutoStrategy(2, 0)
    auto.dfs.heap = [(0, 0, 1, 1, (0, 1), 0, (1,), 0, (REDUNDANT,), ())]
    assert auto.go_on()
    assert auto.next() is None
    assert auto.exhausted is True
