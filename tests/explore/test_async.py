"""asyncio scenarios: scheduler-chosen ready order, virtual time, deadlocks between tasks."""

from __future__ import annotations

import time
from pathlib import Path

from tests.explore.helpers import scenario

from conclab import explore


def test_asyncio_sleep_runs_on_the_virtual_clock(tmp_path: Path) -> None:
    path = scenario(tmp_path, """
        import asyncio
        stamps = []
        async def sleeper():
            await asyncio.sleep(3600)
            stamps.append(asyncio.get_running_loop().time())
        TASKS = [sleeper]
        def check():
            assert stamps == [3600.0], stamps
    """)
    started = time.perf_counter()
    result = explore.run(path)
    assert result.verdict == "none", result.message
    assert time.perf_counter() - started < 5


def test_two_tasks_taking_asyncio_locks_in_opposite_orders_deadlock(tmp_path: Path) -> None:
    path = scenario(tmp_path, """
        import asyncio
        first = asyncio.Lock()
        second = asyncio.Lock()
        async def one():
            async with first:
                await asyncio.sleep(0)
                async with second:
                    pass
        async def two():
            async with second:
                await asyncio.sleep(0)
                async with first:
                    pass
        TASKS = [one, two]
    """)
    result = explore.run(path)
    assert result.kind == "deadlock"
    assert "T0 holds first and waits for second (held by T1)" in result.message


def test_an_exception_in_a_task_is_a_finding(tmp_path: Path) -> None:
    path = scenario(tmp_path, """
        async def broken():
            return 1 / 0
        TASKS = [broken]
    """)
    result = explore.run(path)
    assert result.kind == "exception"
    assert "T0 raised ZeroDivisionError" in result.message


def test_the_async_race_table_shows_the_stale_read() -> None:
    result = explore.run("async-dirty-write")
    operations = [(step.thread_name, step.operation()) for step in result.steps]
    assert ("T0", "read balance -> 100") in operations
    assert ("T1", "read balance -> 100") in operations
    assert result.final_state == {"balance": "90"}
