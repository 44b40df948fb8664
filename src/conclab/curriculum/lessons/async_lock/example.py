"""``asyncio.Lock`` fixes the lost update: only one task at a time inside ``async with lock``.

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
    """No lock: read, await, write (the lost update)."""
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


def lock_across_loops():
    """Create a lock outside any event loop (as at import time), then use it under two loops.

    On Python 3.10+ creating the lock needs no loop. The lock binds to a loop
    the first time a task has to *wait* for it; a later ``asyncio.run`` (a new
    loop) that has to wait for it raises RuntimeError.
    """
    lock = asyncio.Lock()  # no event loop is running here, as at a module's top level

    async def contend():
        async def hold():
            async with lock:
                await asyncio.sleep(0.001)
        await asyncio.gather(hold(), hold())  # the second holder waits: the lock binds here

    said = []
    for _ in range(2):
        try:
            asyncio.run(contend())
            said.append("ok")
        except RuntimeError as error:
            said.append("RuntimeError: bound to a different event loop"
                        if "different event loop" in str(error) else f"RuntimeError: {error}")
    return said


async def main():
    for visitor in (visit, visit_locked, visit_narrow):
        start = time.perf_counter()
        final = await run_all(visitor, MAX_DELAY)
        print(f"{visitor.__name__}: {final} of {TASKS} in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    asyncio.run(main())
    print("one lock under two event loops:", lock_across_loops())
