"""``conclab trace``: a learner's own script under VizTracer, drawn with conclab's lanes."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path

import psutil
import pytest
from html_helpers import (
    HANGS,
    PROCESS_POOL,
    RAISES,
    THREE_TASKS,
    THREE_THREADS,
    assert_self_contained,
    parse_page,
)

from conclab.timeline import Span, clean_traceback, spans_from_trace
from conftest import invoke


def _bounds(spans: Sequence[Span]) -> list[float]:
    """Start and end of each span, flat: pytest.approx compares flat sequences only (pytest 9)."""
    return [bound for span in spans for bound in (span.start_s, span.end_s)]


def _trace_json(tmp_path: Path, source: str, *extra: str) -> dict:
    script = tmp_path / "learner.py"
    script.write_text(source, encoding="utf-8")
    result = invoke("trace", str(script), "--json", *extra)
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)


def _lanes(data: dict, kind: str | None = None) -> list[str]:
    return sorted(lane["lane"] for lane in data["lanes"] if kind in (None, lane["kind"]))


def test_three_threads_draw_three_thread_lanes_and_the_main_thread(tmp_path: Path) -> None:
    data = _trace_json(tmp_path, THREE_THREADS)
    assert _lanes(data) == ["MainThread", "worker-1", "worker-2", "worker-3"]
    names = {(s["lane"], s["name"]) for s in data["spans"]}
    assert {("worker-1", "work"), ("worker-2", "sleep"), ("MainThread", "main"),
            ("MainThread", "learner.py"), ("MainThread", "wait join")} <= names
    assert not any("threading.py" in s["name"] for s in data["spans"])


def test_a_process_pool_draws_one_lane_per_worker_process(tmp_path: Path) -> None:
    data = _trace_json(tmp_path, PROCESS_POOL)
    assert len(_lanes(data, "process")) == 3
    assert _lanes(data, "thread") == ["MainThread"]
    workers = {s["lane"] for s in data["spans"] if s["name"] == "hello"}
    assert len(workers) == 3
    assert data["stdout"].strip() == "[0, 1, 4]"


def test_three_asyncio_tasks_draw_three_task_lanes(tmp_path: Path) -> None:
    data = _trace_json(tmp_path, THREE_TASKS)
    tasks = _lanes(data, "task")
    assert [t for t in tasks if t.startswith("fetch-")] == ["fetch-0", "fetch-1", "fetch-2"]
    assert len(tasks) == 4  # and the task asyncio.run makes for main()
    # Each fetch is one bar across its await, not one sliver per step of the coroutine.
    fetches = [s for s in data["spans"] if s["name"] == "fetch"]
    assert len(fetches) == 3
    for span in fetches:
        index = int(span["lane"][-1])
        assert span["end_s"] - span["start_s"] >= 0.02 * (index + 1) * 0.9


def test_html_and_perfetto_outputs(tmp_path: Path) -> None:
    script = tmp_path / "learner.py"
    script.write_text(THREE_THREADS, encoding="utf-8")
    page, trace = tmp_path / "t.html", tmp_path / "t.json"
    result = invoke("trace", str(script), "--html", str(page), "--trace", str(trace))
    assert result.exit_code == 0, result.stderr
    assert "Timeline of learner.py" in result.stdout
    for lane in ("MainThread", "worker-1", "worker-2", "worker-3"):
        assert f"\n{lane} " in result.stdout
    text = page.read_text(encoding="utf-8")
    assert_self_contained(text)
    assert sorted(parse_page(text).lanes) == ["MainThread", "worker-1", "worker-2", "worker-3"]
    events = json.loads(trace.read_text(encoding="utf-8"))["traceEvents"]
    assert len([e for e in events if e["ph"] == "X"]) == len(parse_page(text).bars)


def test_a_raising_script_shows_its_own_traceback_and_keeps_the_partial_timeline(tmp_path: Path) -> None:
    script = tmp_path / "learner.py"
    script.write_text(RAISES, encoding="utf-8")
    page, trace = tmp_path / "t.html", tmp_path / "t.json"
    result = invoke("trace", str(script), "--html", str(page), "--trace", str(trace))
    assert result.exit_code == 2
    err = result.stderr
    assert 'File "' + str(script) + '", line 6, in inner' in err
    assert "ValueError: boom from the learner" in err
    assert "viztracer" not in err.lower() and "runpy" not in err
    errors = [line for line in err.splitlines() if line.startswith("conclab: error:")]
    assert errors == ["conclab: error: learner.py exited with status 1 (its traceback is above); "
                      "the timeline shows what ran until then"]
    assert {"inner", "sleep"} <= {b["data-name"] for b in parse_page(page.read_text()).bars}
    assert "boom from the learner" in page.read_text()
    assert any(e.get("name") == "inner" for e in json.loads(trace.read_text())["traceEvents"])


def test_a_missing_script_is_one_line(tmp_path: Path) -> None:
    result = invoke("trace", str(tmp_path / "nope.py"))
    assert result.exit_code == 2
    assert result.stderr == f"conclab: error: no such script {str(tmp_path / 'nope.py')!r}; give the path of a Python file\n"


def test_an_unwritable_output_fails_before_the_script_runs(tmp_path: Path) -> None:
    script = tmp_path / "learner.py"
    marker = tmp_path / "ran"
    script.write_text(f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")
    for option in ("--html", "--trace"):
        result = invoke("trace", str(script), option, str(tmp_path / "no" / "x"))
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1 and "does not exist" in result.stderr
    assert not marker.exists()


def test_a_hanging_script_is_stopped_with_its_stacks_and_nothing_is_left(tmp_path: Path) -> None:
    script = tmp_path / "learner.py"
    script.write_text(HANGS, encoding="utf-8")
    pid_file = tmp_path / "pid"
    page = tmp_path / "t.html"
    started = time.perf_counter()
    result = invoke("trace", str(script), str(pid_file), "--timeout", "1", "--html", str(page))
    assert time.perf_counter() - started < 20
    assert result.exit_code == 2
    assert "stopped after 1 s" in result.stderr
    assert f'File "{script}", line 5 in spin' in result.stderr
    pid = int(pid_file.read_text())
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert {"MainThread", "sleeper"} <= set(parse_page(page.read_text()).lanes)


def test_script_arguments_pass_through(tmp_path: Path) -> None:
    data = _trace_json(tmp_path, "import sys\nprint(sys.argv[1:])\n", "--", "a", "--json", "-x")
    assert data["stdout"].strip() == "['a', '--json', '-x']"


# -- the conversion, on hand-made traces ---------------------------------------------


def _x(name: str, ts: float, dur: float, tid: int = 1, pid: int = 1) -> dict:
    return {"ph": "X", "name": name, "ts": ts, "dur": dur, "pid": pid, "tid": tid}


def _meta(kind: str, name: str, tid: int = 1, pid: int = 1) -> dict:
    return {"ph": "M", "name": kind, "pid": pid, "tid": tid, "args": {"name": name}}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


def test_only_the_learners_code_and_waits_inside_it_are_kept(folder: Path) -> None:
    mine = f"work ({folder}/a.py:3)"
    document = {"traceEvents": [
        _meta("process_name", "MainProcess"), _meta("thread_name", "MainThread"),
        _x("Thread.run (/usr/lib/python3.11/threading.py:971)", 0, 1600),
        _x(mine, 10, 1490),
        _x("time.sleep", 20, 500),
        _x("time.sleep", 600, 100),  # 0.1 ms: too short to be a wait worth drawing
        _x("Thread.join (/usr/lib/python3.11/threading.py:1087)", 720, 300),
        _x("_thread.lock.acquire", 721, 298),  # inside the join: the join says it already
        _x("time.sleep", 2000, 5000),  # outside the learner's code
    ]}
    spans = spans_from_trace(document, folder, min_wait_s=0.0002).spans
    assert [(s.name, s.lane) for s in spans] == [
        ("work", "MainThread"), ("sleep", "MainThread"), ("wait join", "MainThread")]
    assert _bounds(spans) == pytest.approx([0.0, 0.00149, 0.00001, 0.00051, 0.00071, 0.00101])


def test_asyncio_steps_are_joined_into_one_bar_per_call(folder: Path) -> None:
    main = f"main ({folder}/a.py:6)"
    fetch = f"fetch ({folder}/a.py:2)"
    sleep = "sleep (/usr/lib/python3.11/asyncio/tasks.py:637)"
    document = {"traceEvents": [
        _meta("process_name", "MainProcess"), _meta("thread_name", "MainThread"),
        # Step 1: main calls fetch, which awaits a sleep and suspends the task.
        _x(main, 0, 60, tid=77), _x(fetch, 5, 50, tid=77), _x(sleep, 10, 30, tid=77),
        # Step 2: the sleep is over; fetch returns and main calls fetch again, which sleeps.
        _x(main, 5000, 100, tid=77), _x(fetch, 5001, 20, tid=77), _x(sleep, 5002, 10, tid=77),
        _x(fetch, 5030, 60, tid=77), _x(sleep, 5040, 40, tid=77),
        # Step 3: the second sleep is over; fetch and main return.
        _x(main, 9000, 30, tid=77), _x(fetch, 9001, 20, tid=77), _x(sleep, 9002, 10, tid=77),
        _meta("thread_name", "Task-1", tid=77),  # task names come after the events
    ]}
    spans = spans_from_trace(document, folder, min_wait_s=0.001).spans
    assert [(s.name, s.lane, s.lane_kind) for s in spans] == [
        ("main", "Task-1", "task"), ("fetch", "Task-1", "task"), ("sleep (asyncio)", "Task-1", "task"),
        ("fetch", "Task-1", "task"), ("sleep (asyncio)", "Task-1", "task")]
    assert _bounds(spans) == pytest.approx([
        0.0, 0.00903, 0.000005, 0.005021, 0.00001, 0.005012, 0.00503, 0.009021, 0.00504, 0.009012])


def test_child_processes_are_named_after_the_process(folder: Path) -> None:
    mine = f"square ({folder}/a.py:5)"
    document = {"traceEvents": [
        _meta("process_name", "MainProcess", pid=10, tid=10), _meta("thread_name", "MainThread", 10, 10),
        _x(f"<module> ({folder}/a.py:1)", 0, 100, tid=10, pid=10),
        _meta("process_name", "SpawnProcess-1", pid=11, tid=11),
        _meta("thread_name", "MainThread", 11, 11), _meta("thread_name", "feeder", 12, 11),
        _x(mine, 10, 50, tid=11, pid=11), _x(mine, 20, 50, tid=12, pid=11),
    ]}
    document["traceEvents"] += [_meta("process_name", "python -c", pid=13, tid=13),
                                _meta("thread_name", "MainThread", 13, 13), _x(mine, 30, 50, 13, 13)]
    conversion = spans_from_trace(document, folder, root_pid=10)
    assert sorted((s.lane, s.lane_kind) for s in conversion.spans) == sorted([
        ("SpawnProcess-1", "process"), ("SpawnProcess-1/feeder", "thread"), ("MainThread", "thread"),
        ("pid 13", "process")])
    assert conversion.process_names[10] == "MainProcess (your script)"


def test_too_many_calls_keep_the_longest(folder: Path) -> None:
    events = [_meta("thread_name", "MainThread")]
    events += [_x(f"f ({folder}/a.py:1)", i * 10, 1 + i % 5) for i in range(100)]
    conversion = spans_from_trace({"traceEvents": events}, folder, max_spans=40)
    assert len(conversion.spans) == 40 and conversion.hidden_short_calls == 60
    assert min(s.duration_s for s in conversion.spans) >= 4e-6 - 1e-12


def test_tracebacks_lose_the_machinerys_frames() -> None:
    text = ('Traceback (most recent call last):\n'
            '  File "<frozen runpy>", line 198, in _run_module_as_main\n'
            '  File "/x/site-packages/viztracer/main.py", line 386, in run_code\n'
            '    exec(code, global_dict)\n'
            '  File "/home/me/a.py", line 5, in <module>\n'
            '    inner()\n'
            'ValueError: boom\n')
    assert clean_traceback(text) == ('Traceback (most recent call last):\n'
                                     '  File "/home/me/a.py", line 5, in <module>\n'
                                     '    inner()\n'
                                     'ValueError: boom\n')
