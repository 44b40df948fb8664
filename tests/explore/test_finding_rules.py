"""Finding detection on its own: a few fake threads, no scheduler, no scenario."""

from __future__ import annotations

import os
from typing import Any

import pytest

from conclab.explore import FindingKind
from conclab.explore._findings import (
    busiest_line,
    deadlock_finding,
    describe_wait,
    exception_finding,
    step_limit_finding,
    wait_for_cycle,
)
from conclab.explore._workers import Worker


class _Session:
    """The little of a Session the finding rules read."""

    filename = __file__
    step_limit = 100
    timeout = 2.0

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang
        self.names: dict[int, str] = {}

    def where(self, file: str, line: int) -> str:
        return f"{os.path.basename(file)}:{line}"

    def name_of(self, obj: Any) -> str:
        return self.names.get(id(obj), f"<{type(obj).__name__}>")


class _Lock:
    def __init__(self, holder: Worker | None = None) -> None:
        self._holder = holder


def _worker(index: int) -> Worker:
    return Worker(None, index, f"job{index}", lambda: None)  # type: ignore[arg-type]


def _two_way(session: _Session) -> list[Worker]:
    t0, t1 = _worker(0), _worker(1)
    a, b = _Lock(t0), _Lock(t1)
    session.names = {id(a): "lock_a", id(b): "lock_b"}
    t0.held, t0.waiting_on = [a], b
    t1.held, t1.waiting_on = [b], a
    return [t0, t1]


def test_a_two_way_deadlock_names_the_cycle() -> None:
    session = _Session()
    finding = deadlock_finding(session, _two_way(session))  # type: ignore[arg-type]
    assert finding.kind is FindingKind.DEADLOCK and finding.thread == "T0"
    assert finding.message == ("deadlock: T0 holds lock_a and waits for lock_b (held by T1); "
                               "T1 holds lock_b and waits for lock_a (held by T0)")
    assert [edge["held_by"] for edge in finding.cycle] == ["T1", "T0"]


def test_a_deadlock_in_japanese() -> None:
    session = _Session("ja")
    finding = deadlock_finding(session, _two_way(session))  # type: ignore[arg-type]
    assert finding.message.startswith("デッドロック: T0 は lock_a を保持したまま lock_b（T1 が保持）を待っています。")


def test_the_cycle_leaves_out_threads_that_only_wait_on_it() -> None:
    edges = [{"thread": "T0", "held_by": "T1"}, {"thread": "T1", "held_by": "T2"},
             {"thread": "T2", "held_by": "T1"}]
    assert [edge["thread"] for edge in wait_for_cycle(edges)] == ["T1", "T2"]
    assert wait_for_cycle([{"thread": "T0", "held_by": None}]) == []


def test_without_a_cycle_every_wait_is_reported() -> None:
    session = _Session()
    t0 = _worker(0)
    event = object()
    session.names = {id(event): "done"}
    t0.reason, t0.waiting_on = ("event", event), object()
    finding = deadlock_finding(session, [t0])  # type: ignore[arg-type]
    assert finding.message == "deadlock: T0 waits for event done to be set"


@pytest.mark.parametrize(("setup", "text"), [
    (lambda t0, t1: setattr(t0, "waiting_on", t1), "T1 to finish"),
    (lambda t0, t1: setattr(t0, "waiting_on", _Lock(None)), "<_Lock>"),
    (lambda t0, t1: setattr(t0, "waiting_on", _Lock(t1)), "<_Lock> (held by T1)"),
])
def test_describe_wait(setup: Any, text: str) -> None:
    t0, t1 = _worker(0), _worker(1)
    setup(t0, t1)
    assert describe_wait(_Session(), t0) == text  # type: ignore[arg-type]


def test_the_busiest_line_wins_and_a_tie_goes_to_the_loop_header() -> None:
    assert busiest_line({("f.py", 3): 10, ("f.py", 4): 30, ("f.py", 5): 30}) == ("f.py", 4)
    assert busiest_line({("f.py", 7): 1}) == ("f.py", 7)


def test_the_step_limit_names_thread_line_and_source() -> None:
    finding = step_limit_finding(_Session(), "T1", __file__, 1)  # type: ignore[arg-type]
    assert finding.kind is FindingKind.STEP_LIMIT and finding.line == 1
    assert finding.message == ('no progress after 100 steps: T1 keeps running test_finding_rules.py:1 '
                               '`"""Finding detection on its own: a few fake threads, no scheduler, no scenario."""`')


def test_an_exception_is_placed_in_the_scenario_file() -> None:
    try:
        {}["missing"]
    except KeyError as exc:
        finding = exception_finding(_Session(), "T0", exc)  # type: ignore[arg-type]
    assert finding.kind is FindingKind.EXCEPTION and finding.file == __file__
    assert finding.message.startswith("T0 raised KeyError: 'missing' at test_finding_rules.py:")
    assert "KeyError" in finding.traceback
