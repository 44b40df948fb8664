"""The span recorder (threads, tasks, processes) and the renderers built on the layout model."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor

import pytest

import timeline_helpers
from conclab.errors import ConclabError
from conclab.timeline import (
    Layout,
    PerfettoTrace,
    Recorder,
    Span,
    TerminalTimeline,
    active_recorder,
    check_writable,
    format_seconds,
    nice_ticks,
    recording,
    span,
    trace,
)
from conftest import FakeClock, assert_golden


def test_span_uses_injected_clock(fake_clock: FakeClock) -> None:
    recorder = Recorder(fake_clock)
    with recording(recorder), span("outer"):
        fake_clock.advance(0.5)
        with span("inner"):
            fake_clock.advance(0.25)
    spans = recorder.spans()
    assert [(s.name, s.start_s, s.end_s) for s in spans] == [("outer", 0.0, 0.75), ("inner", 0.5, 0.75)]
    assert {s.lane for s in spans} == {"MainThread"}


def test_span_without_recorder_is_a_no_op() -> None:
    assert active_recorder() is None
    ran = []
    with span("nothing"):
        ran.append(True)  # no recorder active: the block runs, nothing fails
    assert ran == [True] and active_recorder() is None
    with recording() as recorder:
        pass
    assert recorder.spans() == []  # and the span went nowhere a later recorder could see


def test_threads_get_their_own_lanes() -> None:
    barrier = threading.Barrier(3)

    def work() -> None:
        with span("work"):
            barrier.wait()  # all three are inside their span at once

    with recording() as recorder:
        threads = [threading.Thread(target=work, name=f"worker-{i}") for i in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    lanes = sorted(s.lane for s in recorder.spans())
    assert lanes == ["worker-0", "worker-1", "worker-2"]
    spans = recorder.spans()
    assert max(s.start_s for s in spans) <= min(s.end_s for s in spans)  # they overlapped


def test_asyncio_tasks_get_their_own_lanes() -> None:
    async def job() -> None:
        with span("job"):
            await asyncio.sleep(0)

    async def main() -> None:
        await asyncio.gather(*(asyncio.create_task(job(), name=f"task-{i}") for i in range(3)))

    with recording() as recorder:
        asyncio.run(main())
    spans = recorder.spans()
    assert sorted(s.lane for s in spans) == ["task-0", "task-1", "task-2"]
    assert {s.lane_kind for s in spans} == {"task"}


def test_trace_patches_and_restores_a_module_function() -> None:
    original = timeline_helpers.square
    with recording() as recorder, trace(timeline_helpers, square="square {0}"):
        assert timeline_helpers.square is not original
        assert timeline_helpers.square(3) == 9
    assert timeline_helpers.square is original
    assert [s.name for s in recorder.spans()] == ["square 3"]


def test_trace_keeps_methods_and_coroutines_working() -> None:
    class Greeter:
        def hello(self, name: str) -> str:
            return f"hello {name}"

        async def later(self) -> str:
            await asyncio.sleep(0)
            return "later"

    with recording() as recorder, trace(Greeter, "later", hello="hello {1}"):
        greeter = Greeter()
        assert greeter.hello("ann") == "hello ann"
        assert asyncio.run(greeter.later()) == "later"
    assert "hello" in Greeter.__dict__ and not hasattr(Greeter.__dict__["hello"], "label")
    names = [s.name for s in recorder.spans()]
    assert names == ["hello ann", "later"]


def test_trace_unknown_name_fails_clearly() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"), trace(timeline_helpers, "nope"):
        pass


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_spans_travel_back_from_child_processes(method: str) -> None:
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} not available here")
    context = multiprocessing.get_context(method)
    with recording() as recorder, trace(timeline_helpers, child_work="child {0}"):
        with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
            results = list(pool.map(timeline_helpers.child_work, [10, 20, 30]))
        spans = recorder.spans()
    recorder.close()
    assert results == [45, 190, 435]
    child_spans = [s for s in spans if s.name.startswith("child ")]
    assert sorted(s.name for s in child_spans) == ["child 10", "child 20", "child 30"]
    import os

    assert all(s.pid != os.getpid() for s in child_spans)
    assert all(s.lane_kind == "process" for s in child_spans)
    assert all(0 <= s.start_s <= s.end_s for s in child_spans)


def _spans() -> list[Span]:
    return [
        Span("sequential", "MainThread", 0.0, 1.2, pid=10, tid=1),
        Span("download A", "MainThread", 0.0, 0.5, pid=10, tid=1),
        Span("download B", "MainThread", 0.5, 0.8, pid=10, tid=1),
        Span("download C", "MainThread", 0.8, 1.2, pid=10, tid=1),
        Span("download A", "thread-A", 1.2, 1.7, pid=10, tid=2),
        Span("download B", "thread-B", 1.2, 1.5, pid=10, tid=3),
        Span("download C", "thread-C", 1.2, 1.6, pid=10, tid=4),
    ]


def test_layout_stacks_nested_spans_and_orders_lanes() -> None:
    layout = Layout.from_spans(_spans())
    assert [lane.label for lane in layout.lanes] == ["MainThread", "thread-A", "thread-B", "thread-C"]
    main = layout.lanes[0]
    assert [[s.name for s in row] for row in main.rows] == [
        ["sequential"], ["download A", "download B", "download C"]]
    assert layout.end_s == pytest.approx(1.7)


def test_nice_ticks_and_seconds() -> None:
    assert nice_ticks(0, 1.7) == [0.0, 0.5, 1.0, 1.5]
    assert nice_ticks(0, 0.12, 6) == [0.0, 0.025, 0.05, 0.075, 0.1]
    assert format_seconds(0) == "0s" and format_seconds(1.5) == "1.5s"
    assert format_seconds(0.004) == "4ms"


def test_terminal_timeline_golden_at_80_columns() -> None:
    text = TerminalTimeline(_spans(), width=80, title="Timeline").to_string()
    assert all(len(line) <= 80 for line in text.splitlines())
    assert_golden("timeline_80.txt", text)


def test_terminal_timeline_is_readable_when_narrow() -> None:
    text = TerminalTimeline(_spans(), width=40).to_string()
    assert all(len(line) <= 40 for line in text.splitlines())
    assert "thread-A" in text


def test_perfetto_trace_is_well_formed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "trace.json"
    PerfettoTrace(_spans()).save(path)
    document = json.loads(path.read_text())
    events = document["traceEvents"]
    complete = [e for e in events if e["ph"] == "X"]
    meta = [e for e in events if e["ph"] == "M"]
    assert len(complete) == len(_spans())
    for event in complete:
        assert {"name", "ph", "ts", "dur", "pid", "tid"} <= set(event)
        assert isinstance(event["ts"], (int, float)) and event["dur"] >= 0
    thread_names = {(e["pid"], e["tid"]): e["args"]["name"] for e in meta if e["name"] == "thread_name"}
    assert sorted(thread_names.values()) == ["MainThread", "thread-A", "thread-B", "thread-C"]
    assert all((e["pid"], e["tid"]) in thread_names for e in complete)
    first = next(e for e in complete if e["name"] == "download B" and thread_names[(e["pid"], e["tid"])] == "thread-B")
    assert first["ts"] == pytest.approx(1.2e6) and first["dur"] == pytest.approx(0.3e6)


def test_unwritable_paths_are_one_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConclabError, match="does not exist"):
        check_writable(tmp_path / "missing" / "trace.json")
    with pytest.raises(ConclabError, match="is a directory"):
        check_writable(tmp_path)
    with pytest.raises(ConclabError, match="cannot write"):
        PerfettoTrace(_spans()).save(tmp_path / "missing" / "trace.json")


def test_a_child_whose_recording_ended_drops_spans_quietly(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from conclab.timeline import _recorder

    writer = _recorder._SpoolWriter(str(tmp_path / "gone"), owner_pid=1)
    ran = []
    with writer.span("late"):
        ran.append(True)  # the spool folder does not exist: no error reaches the learner's code
    assert ran == [True]
    assert not (tmp_path / "gone").exists()  # and nothing is written elsewhere


def test_perfetto_names_child_processes_after_their_lane() -> None:
    spans = [Span("main", "MainThread", 0, 1, pid=1, tid=1),
             Span("work", "ForkPoolWorker-1", 0.1, 0.5, pid=2, tid=9, lane_kind="process")]
    events = PerfettoTrace(spans, {1: "conclab"}).document["traceEvents"]
    names = {e["pid"]: e["args"]["name"] for e in events if e["name"] == "process_name"}
    assert names == {1: "conclab", 2: "ForkPoolWorker-1 (pid 2)"}
