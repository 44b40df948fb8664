"""The counter server in-process: each counter strategy, each mode, the log hook and spans."""

from __future__ import annotations

import json
import os
import threading

import pytest
from services_helpers import get, released_together

from conclab.errors import ConclabError
from conclab.services import COUNTERS, MODES, CounterServer, open_listener, run_load
from conclab.timeline import recording


@pytest.mark.parametrize("mode", ["threading", "asyncio"])
@pytest.mark.parametrize("counter", ["lock", "locked-increment"])
def test_locked_counters_are_exact_under_concurrent_load(mode: str, counter: str) -> None:
    with CounterServer(mode=mode, counter=counter) as server:
        report = run_load(server.url, concurrency=20, requests=300)
        assert report.ok == 300 and report.errors == 0
        assert report.counter is not None
        assert report.counter.counted == 300 and report.lost == 0
        assert server.count == 300
        assert server.stats()["handled"] == 300
        assert server.stats()["peak_in_critical"] == 1


def test_unsafe_loses_every_update_when_all_twenty_read_before_any_writes() -> None:
    # The "work" is a barrier: all 20 handlers have read the count (0) before any writes,
    # so every one writes 1. Deterministic: no timing involved.
    barrier = threading.Barrier(20, timeout=10)
    with CounterServer(mode="threading", counter="unsafe", work=barrier.wait) as server:
        threads, results = released_together(20, lambda: get(server.url + "/")[2])
        for thread in threads:
            thread.join()
        assert results == [b"count: 1 (pid %d)\n" % os.getpid()] * 20
        assert server.count == 1
        assert server.stats()["peak_in_critical"] == 20


@pytest.mark.parametrize("mode", ["threading", "asyncio"])
def test_unsafe_with_work_loses_counts_at_concurrency_20(mode: str) -> None:
    with CounterServer(mode=mode, counter="unsafe", work=0.05) as server:
        report = run_load(server.url, concurrency=20, requests=60)
    assert report.ok == 60
    assert report.counter is not None and report.counter.counted < 60
    assert report.lost is not None and report.lost > 0


def test_threading_mode_starts_all_three_before_any_ends() -> None:
    barrier = threading.Barrier(3, timeout=10)
    with CounterServer(mode="threading", counter="locked-increment", work=barrier.wait) as server:
        threads, _ = released_together(3, lambda: get(server.url + "/a"))
        for thread in threads:
            thread.join()
        kinds = [event.kind for event in server.events]
    assert kinds[:3] == ["start"] * 3 and kinds[3:] == ["end"] * 3
    assert sorted(event.after for event in server.events if event.kind == "end") == [1, 2, 3]


def test_single_mode_serves_one_request_at_a_time() -> None:
    with CounterServer(mode="single", counter="unsafe", work=0.01) as server:
        threads, _ = released_together(4, lambda: get(server.url + "/"))
        for thread in threads:
            thread.join()
        kinds = [event.kind for event in server.events]
        assert kinds == ["start", "end"] * 4
        assert server.count == 4  # one at a time: even the unsafe counter is exact


def test_log_hook_gets_lines_with_path_and_counter_before_after() -> None:
    lines: list[str] = []
    with CounterServer(counter="lock", on_log=lambda event: lines.append(event.line)) as server:
        get(server.url + "/hello")
    assert lines[0].startswith("start GET /hello  count=0  (handler-1, pid ")
    assert lines[1].startswith("end   GET /hello  count 0 -> 1  status 200  (handler-1, pid ")
    assert server.log_lines == lines


def test_count_endpoint_and_favicon_are_not_counted() -> None:
    with CounterServer(counter="lock") as server:
        for _ in range(3):
            status, headers, body = get(server.url + "/count")
            assert status == 200 and headers["Content-Type"] == "application/json"
            assert json.loads(body) == {"count": 0, "pid": os.getpid()}
        assert get(server.url + "/favicon.ico")[0] == 404
        status, headers, body = get(server.url + "/")
        assert (headers["X-Count"], headers["X-Pid"]) == ("1", str(os.getpid()))
        assert json.loads(get(server.url + "/count")[2])["count"] == 1


def test_handlers_record_timeline_spans() -> None:
    with recording() as recorder, CounterServer(counter="locked-increment") as server:
        get(server.url + "/x")
    names = [span.name for span in recorder.spans()]
    assert "GET /x" in names and "critical section" in names


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forking mode needs os.fork")
def test_forking_mode_never_moves_the_parent_count_and_reaps_children() -> None:
    server = CounterServer(mode="forking", counter="lock")
    with server:
        run_load(server.url, concurrency=4, requests=8, check_count=False)
        status, _, body = get(server.url + "/count")
        answer = json.loads(body)
    assert answer["count"] == 0 and answer["pid"] != os.getpid()
    assert server.count == 0
    ends = [event for event in server.events if event.kind == "end"]
    assert len(ends) == 8 and server.stats()["handled"] == 8
    assert all(event.after == 1 and event.pid != os.getpid() for event in ends)
    # stop() waited for every child: none is left, not even as a zombie.
    for pid in {event.pid for event in ends}:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_bad_options_are_one_clear_error_each() -> None:
    with pytest.raises(ConclabError, match="unknown mode 'fast'; choose one of"):
        CounterServer(mode="fast")
    with pytest.raises(ConclabError, match="unknown counter 'atomic'"):
        CounterServer(counter="atomic")
    with pytest.raises(ConclabError, match="work must be a number of seconds >= 0, got -1"):
        CounterServer(work=-1)
    assert set(MODES) == {"single", "threading", "forking", "asyncio"}
    assert set(COUNTERS) == {"unsafe", "spinlock", "lock", "locked-increment"}


def test_port_in_use_is_a_conclab_error_naming_the_port() -> None:
    taken = open_listener()
    try:
        port = taken.getsockname()[1]
        with pytest.raises(ConclabError, match=f"port {port} on 127.0.0.1 is already in use"):
            CounterServer(port=port).start()
    finally:
        taken.close()


def test_stop_is_idempotent_and_the_port_is_free_again() -> None:
    server = CounterServer().start()
    port = server.port
    server.stop()
    server.stop()  # a second stop is harmless
    again = CounterServer(port=port).start()  # the same port binds again at once
    try:
        assert again.port == port
        status, _, _ = get(f"{again.url}/count")
        assert status == 200
    finally:
        again.stop()


def test_asyncio_spinlock_without_a_gap_is_exact_because_nothing_runs_between_test_and_set() -> None:
    with CounterServer(mode="asyncio", counter="spinlock", work=0.001, spin_gap=False) as server:
        report = run_load(server.url, concurrency=10, requests=40)
    assert report.counter is not None and report.counter.counted == 40
    assert server.stats()["peak_in_critical"] == 1
