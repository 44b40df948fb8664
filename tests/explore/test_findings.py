"""Every kind of finding, each ending within its limits with a clear message."""

from __future__ import annotations

import gc
import time
import warnings
from pathlib import Path

from tests.explore.helpers import scenario

from conclab import explore


def test_an_uncaught_exception_names_thread_and_line(tmp_path: Path) -> None:
    path = scenario(tmp_path, """
        items = []
        def worker():
            items.append(1)
            if len(items) == 2:
                raise ValueError("two at once")
        THREADS = [worker, worker]
    """)
    result = explore.run(path)
    assert result.kind == "exception"
    assert "ValueError: two at once" in result.message
    assert "scenario.py:6" in result.message


def test_a_deadlock_reports_the_wait_for_cycle() -> None:
    result = explore.run("lock-order-deadlock")
    assert result.finding is not None
    cycle = result.finding.cycle
    assert {edge["thread"] for edge in cycle} == {"T0", "T1"}
    assert "T0 holds lock_a and waits for lock_b (held by T1)" in result.message
    assert "T1 holds lock_b and waits for lock_a (held by T0)" in result.message


def test_a_thread_waiting_for_an_event_nobody_sets_is_a_deadlock(tmp_path: Path) -> None:
    path = scenario(tmp_path, """
        import threading
        ready = threading.Event()
        def waiter():
            ready.wait()
        THREADS = [waiter, waiter]
    """)
    result = explore.run(path)
    assert result.kind == "deadlock"
    assert "event ready to be set" in result.message


def test_a_spin_forever_hits_the_step_limit_and_names_the_line(tmp_path: Path) -> None:
    path = scenario(tmp_path, """
        flag = False
        def spinner():
            while not flag:
                pass
        THREADS = [spinner]
    """)
    started = time.perf_counter()
    result = explore.run(path, step_limit=2000)
    assert time.perf_counter() - started < 2
    assert result.kind == "step-limit"
    assert "scenario.py:4" in result.message and "while not flag:" in result.message


def test_real_blocking_io_is_reported_and_the_thread_is_stopped(tmp_path: Path) -> None:
    path = scenario(tmp_path, """
        import socket
        left, right = socket.socketpair()
        def reader():
            right.recv(1)     # nobody ever sends
        THREADS = [reader]
    """)
    started = time.perf_counter()
    result = explore.run(path, timeout=0.2)
    assert time.perf_counter() - started < 5
    assert result.kind == "hang"
    assert "scenario.py:5" in result.message and "right.recv(1)" in result.message
    assert "could not be stopped" not in result.message
    # The scenario's sockets die with its namespace; collect them here, not in a later test.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def test_the_virtual_clock_makes_long_sleeps_instant(tmp_path: Path) -> None:
    path = scenario(tmp_path, """
        import time
        from time import sleep
        order = []
        def slow():
            sleep(100)
            order.append("slow")
        def fast():
            time.sleep(1)
            order.append("fast")
        THREADS = [slow, fast]
        def check():
            assert order == ["fast", "slow"], order
    """)
    started = time.perf_counter()
    result = explore.run(path, strategy="dfs")
    assert result.verdict == "none", result.message
    assert time.perf_counter() - started < 5


def test_check_that_raises_something_else_is_an_exception_finding(tmp_path: Path) -> None:
    path = scenario(tmp_path, """
        def worker():
            pass
        THREADS = [worker]
        def check():
            raise KeyError("missing")
    """)
    result = explore.run(path)
    assert result.kind == "exception"
    assert "check() raised KeyError" in result.message
