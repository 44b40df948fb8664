"""Futures, timeouts and cancellation in asyncio.

A ``Future`` is a box for a result that does not exist yet: one task awaits it,
another fills it with ``set_result``. ``asyncio.wait_for`` puts a time limit on
an await, and ``Task.cancel`` stops a task at its next ``await`` by raising
``CancelledError`` there, so its ``finally`` blocks still run. Run it on its own:
    python -m conclab.curriculum.lessons.asyncio_future.example
"""

import asyncio
import contextlib
import time

DELAY = 0.3  # how long the courier takes to deliver
SLOW = 10.0  # a job far slower than we are willing to wait for


async def deliver(box: asyncio.Future, value: str, delay: float) -> None:
    """The producer: after ``delay`` seconds, put ``value`` into the future."""
    await asyncio.sleep(delay)
    box.set_result(value)


async def receive(box: asyncio.Future) -> str:
    """The consumer: blocked until someone calls ``set_result`` (or ``set_exception``)."""
    return await box


async def future_between_tasks(delay: float) -> str:
    """One task resolves a Future that this coroutine awaits."""
    box = asyncio.get_running_loop().create_future()
    courier = asyncio.create_task(deliver(box, "parcel", delay), name="courier")
    value = await receive(box)
    await courier
    return value


async def lose(box: asyncio.Future, delay: float) -> None:
    """A producer that fails: the exception goes into the future instead of a result."""
    await asyncio.sleep(delay)
    box.set_exception(ValueError("parcel lost in transit"))


async def future_with_error(delay: float) -> str:
    """The awaiting side gets the producer's exception, raised at its ``await``."""
    box = asyncio.get_running_loop().create_future()
    courier = asyncio.create_task(lose(box, delay), name="courier")
    try:
        return await receive(box)
    except ValueError as error:
        return f"error: {error}"
    finally:
        await courier


async def slow_job(seconds: float, log: list[str]) -> str:
    """A job that takes a long time; it notes whether it finished or was cancelled."""
    try:
        await asyncio.sleep(seconds)
        log.append("finished")
        return "result"
    except asyncio.CancelledError:
        log.append("cancelled, cleaned up")
        raise  # always let the cancellation continue


async def with_timeout(limit: float, seconds: float = SLOW) -> tuple[bool, bool, list[str]]:
    """Wait at most ``limit`` seconds: ``wait_for`` cancels the job and raises TimeoutError."""
    log: list[str] = []
    job = asyncio.create_task(slow_job(seconds, log), name="slow-job")
    timed_out = False
    try:
        await asyncio.wait_for(job, timeout=limit)
    except asyncio.TimeoutError:  # the built-in TimeoutError on Python 3.11+
        timed_out = True
    return timed_out, job.cancelled(), log


async def cancel_after(after: float, seconds: float = SLOW) -> tuple[bool, list[str]]:
    """Cancel a running task by hand, then await it to be sure it has really stopped."""
    log: list[str] = []
    job = asyncio.create_task(slow_job(seconds, log), name="worker")
    await asyncio.sleep(after)
    job.cancel()
    # Expected: the task we cancelled re-raises CancelledError when awaited.
    with contextlib.suppress(asyncio.CancelledError):
        await job
    return job.cancelled(), log


async def main() -> None:
    start = time.perf_counter()
    value = await future_between_tasks(DELAY)
    print(f"got {value!r} after {time.perf_counter() - start:.2f} s")
    print(await future_with_error(DELAY))
    start = time.perf_counter()
    timed_out, cancelled, log = await with_timeout(0.2)
    print(f"timed out: {timed_out}, job cancelled: {cancelled}, {log} after {time.perf_counter() - start:.2f} s")
    cancelled, log = await cancel_after(0.1)
    print(f"cancelled: {cancelled}, {log}")


if __name__ == "__main__":
    asyncio.run(main())
