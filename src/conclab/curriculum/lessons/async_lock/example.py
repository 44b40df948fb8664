"""``asyncio.Lock`` fixes the dirty write: only one task at a time inside ``async with lock``.

The read-await-write of ``async-dirty-write`` lost updates because other tasks
ran during the ``await``. Holding an ``asyncio.Lock`` across the read and the
write keeps the others out of that stretch: they wait at ``async with``
(without blocking the event loop) until the holder leaves. The price is that
whatever the lock covers runs one task at a time, so cover only the update.
Run it on its own:
    python -m conclab.curriculum.lessons.async_lock.example
"""

import asyncio
import random
import time

TASKS = 10
MAX_DELAY = 0.1  # seconds: each task's slow work takes between half of this and this

value = 0


async def pause(max_delay):
    """Slow awaited work (a query, a request): a random short wait."""
    await asyncio.sleep(random.uniform(max_delay / 2, max_delay))


async def save():
    """A quick awaited write (a round trip to a store): yields to the loop once."""
    await asyncio.sleep(0)


async def visit(lock, max_delay):
    """No lock: read, await, write (the dirty write)."""
    global value
    seen = value
    await pause(max_delay)
    value = seen + 1


async def visit_locked(lock, max_delay):
    """The lock covers the read, the slow await and the write: exact, but one task at a time."""
    global value
    async with lock:
        seen = value
        await pause(max_delay)
        value = seen + 1


async def visit_narrow(lock, max_delay):
    """The slow work runs outside; the lock covers only the read, the save and the write."""
    global value
    await pause(max_delay)
    async with lock:
        seen = value
        await save()
        value = seen + 1


async def run_all(visitor, max_delay, tasks=TASKS):
    """Start ``tasks`` visitors sharing one lock, wait for all, return the final value."""
    global value
    value = 0
    lock = asyncio.Lock()
    await asyncio.gather(*(asyncio.create_task(visitor(lock, max_delay), name=f"visit-{n}")
                           for n in range(1, tasks + 1)))
    return value


async def main():
    for visitor in (visit, visit_locked, visit_narrow):
        start = time.perf_counter()
        final = await run_all(visitor, MAX_DELAY)
        print(f"{visitor.__name__}: {final} of {TASKS} in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    asyncio.run(main())
