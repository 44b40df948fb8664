"""The scheduler-aware primitives behave like the standard ones, under every schedule."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.explore.helpers import scenario

from conclab import explore

CLEAN = {
    "rlock": """
        import threading
        lock = threading.RLock()
        count = 0
        def worker():
            global count
            with lock:
                with lock:
                    count += 1
        THREADS = [worker, worker]
        def check():
            assert count == 2
    """,
    "condition": """
        import threading
        cond = threading.Condition()
        items = []
        got = []
        def producer():
            with cond:
                items.append(1)
                cond.notify()
        def consumer():
            with cond:
                while not items:
                    cond.wait()
                got.append(items.pop())
        THREADS = [consumer, producer]
        def check():
            assert got == [1]
    """,
    "semaphore": """
        from threading import BoundedSemaphore, Semaphore
        slots = Semaphore(1)
        bounded = BoundedSemaphore(1)
        inside = 0
        worst = 0
        def worker():
            global inside, worst
            with slots:
                inside += 1
                worst = max(worst, inside)
                inside -= 1
            with bounded:
                pass
        THREADS = [worker, worker, worker]
        def check():
            assert worst == 1
            try:
                bounded.release()
            except ValueError:
                pass
            else:
                raise AssertionError("BoundedSemaphore allowed an extra release")
    """,
    "barrier": """
        import threading
        barrier = threading.Barrier(2)
        before = []
        after = []
        def worker():
            before.append(1)
            barrier.wait()
            after.append(len(before))
        THREADS = [worker, worker]
        def check():
            assert after == [2, 2]
    """,
    "queue": """
        import queue
        q = queue.Queue(maxsize=1)
        got = []
        def producer():
            for item in range(3):
                q.put(item)
        def consumer():
            for _ in range(3):
                got.append(q.get())
        THREADS = [producer, consumer]
        def check():
            assert got == [0, 1, 2]
    """,
    "join": """
        import threading
        results = []
        def child():
            results.append("child")
        def parent():
            thread = threading.Thread(target=child)
            thread.start()
            thread.join()
            results.append("parent")
        THREADS = [parent]
        def check():
            assert results == ["child", "parent"]
    """,
    "timeouts": """
        import threading, queue
        lock = threading.Lock()
        event = threading.Event()
        q = queue.Queue()
        outcomes = []
        def holder():
            lock.acquire()
            event.wait(5)
        def impatient():
            outcomes.append(event.wait(timeout=1))
            try:
                q.get(timeout=2)
            except queue.Empty:
                outcomes.append("empty")
        THREADS = [holder, impatient]
        def check():
            assert outcomes == [False, "empty"], outcomes
    """,
}


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_correct_code_on_each_primitive_reports_no_finding(tmp_path: Path, name: str) -> None:
    result = explore.run(scenario(tmp_path, CLEAN[name]), strategy="dfs", schedules=400)
    assert result.verdict == "none", result.message


def test_a_semaphore_of_two_lets_two_in(tmp_path: Path) -> None:
    path = scenario(tmp_path, """
        import threading
        slots = threading.Semaphore(2)
        inside = 0
        worst = 0
        def worker():
            global inside, worst
            with slots:
                inside += 1
                worst = max(worst, inside)
                inside -= 1
        THREADS = [worker, worker]
        def check():
            assert worst < 2, f"{worst} threads inside"
    """)
    result = explore.run(path, strategy="dfs")
    assert result.kind == "assertion"


def test_a_queue_get_with_no_producer_is_a_deadlock(tmp_path: Path) -> None:
    path = scenario(tmp_path, """
        import queue
        jobs = queue.Queue()
        def consumer():
            jobs.get()
        THREADS = [consumer]
    """)
    result = explore.run(path)
    assert result.kind == "deadlock"
    assert "an item in queue jobs" in result.message
