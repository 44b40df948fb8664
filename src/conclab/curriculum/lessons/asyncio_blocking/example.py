"""A blocking call inside a coroutine stalls the whole event loop; an executor restores the overlap.

``time.sleep`` (or ``requests.get``, or a long computation) does not ``await``:
the loop's one thread is stuck in it, so no other task runs, not even a tiny
heartbeat. ``loop.run_in_executor`` and ``asyncio.to_thread`` move the blocking
call to a worker thread and ``await`` its result instead. Run it on its own:
    python -m conclab.curriculum.lessons.asyncio_blocking.example
"""

import asyncio
import contextlib
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

SECONDS = 0.5  # how long each blocking call takes
PROBE_EVERY = 0.02  # how often the heartbeat wants to run


def blocking_io(seconds: float) -> None:
    """A call that does not know about asyncio: it blocks whichever thread runs it."""
    time.sleep(seconds)


def count_down(n: int) -> None:
    """Pure-Python CPU work: it holds the GIL the whole time it runs."""
    while n > 0:
        n -= 1


async def fetch_blocking(name: str, seconds: float) -> str:
    """Wrong: ``time.sleep`` in a coroutine freezes the loop for ``seconds``."""
    blocking_io(seconds)
    return name


async def fetch_in_executor(name: str, seconds: float) -> str:
    """``run_in_executor`` runs the call in a thread pool; the task awaits it, the loop keeps going."""
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(POOL, blocking_io, seconds)
    return name


async def fetch_to_thread(name: str, seconds: float) -> str:
    """``asyncio.to_thread`` (3.9+) does the same with the loop's default pool, in one line."""
    await asyncio.to_thread(blocking_io, seconds)
    return name


POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="pool")


async def beat(interval: float) -> float:
    """One heartbeat: ask for ``interval`` seconds of sleep; return how late the loop woke us."""
    loop = asyncio.get_running_loop()
    asked = loop.time()
    await asyncio.sleep(interval)
    return loop.time() - asked - interval


async def heartbeat(interval: float, lags: list[float]) -> None:
    """A probe task: beats forever, recording each beat's lag; a big lag means a stalled loop."""
    while True:
        lags.append(await beat(interval))


async def two_fetches(fetch: Callable[[str, float], Coroutine[Any, Any, str]], seconds: float,
                      interval: float = PROBE_EVERY) -> float:
    """Run two fetches side by side with a heartbeat probe; return the worst loop lag seen."""
    lags: list[float] = []
    probe = asyncio.create_task(heartbeat(interval, lags), name="probe")
    await asyncio.sleep(0)  # let the probe take its first beat
    tasks = [asyncio.create_task(fetch(name, seconds), name=f"task-{name}") for name in "AB"]
    await asyncio.gather(*tasks)
    await asyncio.sleep(interval * 1.5)  # one more beat, so a stall at the very end is counted
    probe.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await probe
    return max(lags, default=0.0)


def cpu_in_turn(n: int) -> None:
    """Two CPU-bound jobs, one after the other."""
    count_down(n)
    count_down(n)


async def cpu_in_threads(n: int) -> None:
    """The same two jobs in two threads: under the GIL only one runs Python code at a time."""
    await asyncio.gather(asyncio.to_thread(count_down, n), asyncio.to_thread(count_down, n))


async def main() -> None:
    for fetch in (fetch_blocking, fetch_in_executor, fetch_to_thread):
        start = time.perf_counter()
        lag = await two_fetches(fetch, SECONDS)
        print(f"{fetch.__name__}: {time.perf_counter() - start:.2f} s, worst loop lag {lag:.3f} s")
    start = time.perf_counter()
    cpu_in_turn(3_000_000)
    print(f"CPU work one after the other: {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    await cpu_in_threads(3_000_000)
    print(f"CPU work in two threads: {time.perf_counter() - start:.2f} s (no faster under the GIL)")


if __name__ == "__main__":
    asyncio.run(main())
    POOL.shutdown()
