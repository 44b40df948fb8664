"""The typed Result round-trips through JSON, and the enums read as the old strings everywhere."""

from __future__ import annotations

import json

import pytest

from conclab import explore
from conclab.explore import ChoiceKind, FindingKind, Result, ThreadState, Verdict


@pytest.fixture(scope="module")
def results() -> dict[str, Result]:
    return {
        "race": explore.run("lost-update"),
        "deadlock": explore.run("lock-order-deadlock", lang="ja"),
        "clean": explore.run("locked-counter", strategy="dfs"),
        "async": explore.run("async-dirty-write"),
    }


@pytest.mark.parametrize("name", ["race", "deadlock", "clean", "async"])
def test_a_result_round_trips_through_json(results: dict[str, Result], name: str) -> None:
    result = results[name]
    data = json.loads(json.dumps(result.to_json()))
    again = Result.from_json(data)
    assert again.to_json() == result.to_json()
    assert again.steps == result.steps and again.finding == result.finding
    assert again.summary() == result.summary() and again.table() == result.table()
    assert isinstance(again.verdict, Verdict)


def test_a_step_carries_its_file_and_line_typed(results: dict[str, Result]) -> None:
    step = Result.from_json(results["race"].to_json()).steps[0]
    assert step.file.endswith("lost_update.py") and step.line == 15 and step.location == "lost_update.py:15"
    assert step.thread == 0 and step.thread_name == "T0" and step.end >= step.index


def test_a_deadlock_finding_round_trips_with_its_cycle(results: dict[str, Result]) -> None:
    finding = Result.from_json(results["deadlock"].to_json()).finding
    assert finding is not None and finding.kind is FindingKind.DEADLOCK
    assert [edge["thread"] for edge in finding.cycle] == ["T0", "T1"]
    assert finding.file is not None and finding.line is not None


def test_the_json_keeps_every_key_it_had(results: dict[str, Result]) -> None:
    data = results["race"].to_json()
    assert list(data)[:18] == ["scenario", "verdict", "kind", "message", "schedule", "schedules_explored",
                               "exhausted", "elapsed_s", "found_after_s", "strategy", "preemptions", "seed",
                               "granularity", "python", "threads", "finding", "final_state", "steps"]
    assert list(data["steps"][0])[:6] == ["step", "thread", "location", "source", "operation", "ops"]
    assert list(data["finding"])[:8] == ["kind", "message", "schedule", "thread", "location", "source",
                                         "cycle", "context_switches"]


@pytest.mark.parametrize("member", [*Verdict, *FindingKind, *ThreadState])
def test_a_text_enum_reads_as_its_value(member: Verdict | FindingKind | ThreadState) -> None:
    value = member.value
    assert member == value and str(member) == value and f"{member}" == value
    assert f"{member:>12}" == f"{value:>12}" and "%s" % member == value  # noqa: UP031
    assert json.dumps(member) == json.dumps(value) and json.dumps({"k": member}) == json.dumps({"k": value})


def test_the_values_are_the_old_strings() -> None:
    assert [v.value for v in Verdict] == ["finding", "none"]
    assert [k.value for k in FindingKind] == ["assertion", "exception", "deadlock", "step-limit", "hang"]
    assert [s.value for s in ThreadState] == ["runnable", "blocked", "done", "not started"]
    assert [int(k) for k in ChoiceKind] == [0, 1, 2]


def test_run_returns_enums(results: dict[str, Result]) -> None:
    assert results["race"].verdict is Verdict.FINDING and results["race"].kind is FindingKind.ASSERTION
    assert results["clean"].verdict is Verdict.NONE and results["clean"].kind is None
