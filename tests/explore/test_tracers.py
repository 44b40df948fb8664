"""The tracers give back what they found: the previous trace function, the monitoring tool id."""

from __future__ import annotations

import sys
import threading
import types
from typing import Any

import pytest

from conclab.explore._tracers import MonitoringTracer, SettraceTracer, make_tracer


class _Session:
    """The little of a Session a tracer reads."""

    def __init__(self, granularity: str = "opcode") -> None:
        self.filename = "<no such scenario>"
        self.visible: dict[types.CodeType, bytes] = {}
        self.codes: list[types.CodeType] = []
        self.granularity = granularity


class _Run:
    steps = 0
    threshold = 10

    def step(self, *args: Any) -> None:
        raise AssertionError("nothing of the scenario runs here")

    point = step


class _Worker:
    def __init__(self) -> None:
        self.run = _Run()
        self.saved_trace: Any = None


def _hook(frame: types.FrameType, event: str, arg: Any) -> None:
    return None


@pytest.mark.parametrize("granularity", ["opcode", "line"])
def test_settrace_leave_restores_the_previous_trace_function(granularity: str) -> None:
    tracer = SettraceTracer(_Session(granularity))  # type: ignore[arg-type]
    worker = _Worker()
    previous = sys.gettrace()
    sys.settrace(_hook)
    try:
        tracer.enter(worker)  # type: ignore[arg-type]
        assert sys.gettrace() is not _hook
        tracer.leave(worker)  # type: ignore[arg-type]
        assert sys.gettrace() is _hook
        assert worker.saved_trace is None
    finally:
        sys.settrace(previous)


def test_settrace_leave_restores_none_when_nothing_was_tracing() -> None:
    found: list[Any] = []

    def thread() -> None:  # a fresh thread: no trace function unless threading.settrace set one
        tracer = SettraceTracer(_Session())  # type: ignore[arg-type]
        worker = _Worker()
        before = sys.gettrace()
        tracer.enter(worker)  # type: ignore[arg-type]
        tracer.leave(worker)  # type: ignore[arg-type]
        found.extend([before, sys.gettrace()])

    runner = threading.Thread(target=thread)
    runner.start()
    runner.join()
    assert found[0] is found[1]


def test_the_tracer_matches_the_interpreter() -> None:
    tracer = make_tracer(_Session())  # type: ignore[arg-type]
    expected = MonitoringTracer if sys.version_info >= (3, 12) else SettraceTracer
    assert type(tracer) is expected


@pytest.mark.skipif(sys.version_info < (3, 12), reason="sys.monitoring is new in 3.12")
def test_monitoring_stop_frees_its_tool_id() -> None:
    monitoring = sys.monitoring  # type: ignore[attr-defined]
    tracer = MonitoringTracer(_Session())  # type: ignore[arg-type]
    tracer.start()
    tool = tracer.tool
    assert monitoring.get_tool(tool) == "conclab-explore"
    tracer.stop()
    assert monitoring.get_tool(tool) is None
    tracer.stop()  # a second stop is harmless
