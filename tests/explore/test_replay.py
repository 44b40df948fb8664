"""Schedules are short strings that replay exactly, and fail loudly when they do not fit."""

from __future__ import annotations

import pytest

from conclab import explore
from conclab.errors import ConclabError
from conclab.explore import _schedule


def test_schedule_strings_round_trip() -> None:
    choices = [0, 0, 0, 1, 1, 0, 2]
    text = _schedule.encode(choices)
    assert text == "0x3,1x2,0,2"
    assert _schedule.decode(text) == (choices, None)
    assert _schedule.decode("line:0x2") == ([0, 0], "line")
    assert _schedule.decode("") == ([], None)


@pytest.mark.parametrize("bad", ["0x", "a,b", "1x0", "0,,1", "T0"])
def test_a_bad_schedule_string_names_the_part(bad: str) -> None:
    with pytest.raises(ConclabError, match="bad schedule string"):
        _schedule.decode(bad)


def test_replay_reproduces_the_same_step_table() -> None:
    found = explore.run("lost-update")
    assert found.finding is not None
    again = explore.run("lost-update", replay=found.finding.schedule)
    assert again.kind == "assertion"
    assert again.table() == found.table()
    assert again.final_state == {"counter": "1"}


def test_the_lost_update_is_shrunk_to_a_two_switch_schedule() -> None:
    found = explore.run("lost-update", strategy="random", seed=3)
    assert found.finding is not None
    assert found.finding.context_switches == 2
    operations = [step.operation() for step in found.steps]
    assert operations[0] == "read counter -> 0"
    assert "read counter -> 0; write counter <- 1" in operations[1]


def test_replay_that_picks_a_thread_that_cannot_run_fails_loudly() -> None:
    with pytest.raises(ConclabError, match="replay diverged"):
        explore.run("lost-update", replay="0x2,5")


def test_replay_longer_than_the_run_fails_loudly() -> None:
    with pytest.raises(ConclabError, match="replay diverged"):
        explore.run("lost-update", replay="0x2,1x500")


def test_replay_of_a_clean_schedule_reports_no_finding_but_shows_the_steps() -> None:
    result = explore.run("lost-update", replay="")
    assert result.verdict == "none"
    assert result.steps and result.final_state == {"counter": "2"}


@pytest.mark.parametrize("huge", ["0x99999999999999999999", "0x600000,1x600000"])
def test_a_huge_schedule_is_refused_before_it_is_expanded(huge: str) -> None:
    # Issue 14, case 13: the decoder built the whole list first (about 8 GB for 0x1000000000);
    # the parts are now counted before anything is expanded.
    with pytest.raises(ConclabError, match="more than 1000000 choices"):
        _schedule.decode(huge)
    with pytest.raises(ConclabError, match="more than 5 choices"):
        _schedule.decode("0x3,1x3", limit=5)
    assert _schedule.decode("0x3,1x2", limit=5) == ([0, 0, 0, 1, 1], None)
