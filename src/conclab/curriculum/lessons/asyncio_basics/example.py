"""Coroutines and tasks: one event loop, one thread, and several things waiting at once.

A coroutine (``async def``) runs until it reaches ``await`` on something that is
not ready yet; there it hands control back to the event loop, which runs
whichever task is ready next. Run it on its own:
    python -m conclab.curriculum.lessons.asyncio_basics.example
"""

import asyncio
import sys
import time
from collections.abc import Sequence

DELAY = 0.4  # seconds each simulated fetch waits


async def fetch(name: str, delay: float) -> str:
    """Pretend to fetch something: ``await asyncio.sleep`` blocks this task, not the loop."""
    await asyncio.sleep(delay)
    return f"{name}: done"


async def one_after_another(delay: float) -> list[str]:
    """Awaiting a coroutine directly runs it to the end before the next line starts."""
    first = await fetch("A", delay)
    second = await fetch("B", delay)
    return [first, second]


async def with_create_task(delay: float) -> list[str]:
    """``create_task`` schedules both coroutines at once; awaiting them just collects results."""
    task_a = asyncio.create_task(fetch("A", delay), name="task-A")
    task_b = asyncio.create_task(fetch("B", delay), name="task-B")
    return [await task_a, await task_b]


async def with_gather(delay: float, names: Sequence[str] = ("A", "B", "C")) -> list[str]:
    """``gather`` waits for all of them and returns the results in the order given."""
    tasks = [asyncio.create_task(fetch(name, delay), name=f"gather-{name}") for name in names]
    return list(await asyncio.gather(*tasks))


async def with_task_group(delay: float, names: Sequence[str] = ("A", "B", "C")) -> list[str]:
    """``TaskGroup`` (Python 3.11+): the ``async with`` block ends when every task has ended.

    If one task fails, the group cancels the others and raises, so no task is
    left running unnoticed. On Python 3.10 this falls back to ``gather``.
    """
    if sys.version_info < (3, 11):
        return await with_gather(delay, names)
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(fetch(name, delay), name=f"group-{name}") for name in names]
    return [task.result() for task in tasks]


# -- coroutine states: running, blocked, ready ------------------------------------


def crunch(seconds: float) -> None:
    """CPU work with no ``await`` inside: while it runs, no other task can run."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


async def nap(seconds: float) -> None:
    """Blocked: the task waits for a timer; the loop is free to run others."""
    await asyncio.sleep(seconds)


async def cook(work: float) -> None:
    """Runs ``work`` seconds of CPU without awaiting, then yields."""
    crunch(work)
    await nap(0)


async def waiter(wait: float, work: float) -> None:
    """Blocks for ``wait`` seconds, then runs a little: but only once the loop is free."""
    await nap(wait)
    crunch(work)


async def states(wait: float, work: float) -> None:
    """``waiter`` is ready after ``wait`` seconds, yet it must wait until ``cook`` yields."""
    waiting = asyncio.create_task(waiter(wait, work / 10), name="task-waiter")
    cooking = asyncio.create_task(cook(work), name="task-cook")
    await asyncio.gather(waiting, cooking)


async def main() -> None:
    for way in (one_after_another, with_create_task, with_gather, with_task_group):
        start = time.perf_counter()
        results = await way(DELAY)
        print(f"{way.__name__}: {time.perf_counter() - start:.2f} s  {results}")


if __name__ == "__main__":
    asyncio.run(main())
