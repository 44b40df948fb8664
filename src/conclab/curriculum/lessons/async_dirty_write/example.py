"""A lost update in asyncio: ten coroutines read a shared value, await, and write it back plus one.

asyncio runs one task at a time on one thread, so there is no data race in
the threading sense. But every ``await`` that waits hands control to the
event loop, which runs the other tasks. If a task reads the shared value,
awaits, and only then writes, the others read the same old value meanwhile,
and their writes overwrite each other. Run it on its own:
    python -m conclab.curriculum.lessons.async_dirty_write.example
"""

import asyncio
import random

TASKS = 10
MAX_DELAY = 0.2  # seconds: each task waits a random time between half of this and this

value = 0


async def pause(max_delay):
    """Stands for any awaited I/O (a database query, an HTTP call): a random short wait."""
    await asyncio.sleep(random.uniform(max_delay / 2, max_delay))


async def visit(max_delay):
    """Read, await, write: the read value is stale by the time it is written."""
    global value
    seen = value
    await pause(max_delay)
    value = seen + 1


async def visit_then_wait(max_delay):
    """Read and write with no ``await`` in between, then wait: nothing can run in the gap."""
    global value
    seen = value
    value = seen + 1
    await pause(max_delay)


async def run_all(visitor, max_delay, tasks=TASKS):
    """Start ``tasks`` visitors at once, wait for all of them, return the final value."""
    global value
    value = 0
    await asyncio.gather(*(asyncio.create_task(visitor(max_delay), name=f"visit-{n}")
                           for n in range(1, tasks + 1)))
    return value


if __name__ == "__main__":
    print("read, await, write:", asyncio.run(run_all(visit, MAX_DELAY)), "of", TASKS)
    print("read, write, await:", asyncio.run(run_all(visit_then_wait, MAX_DELAY)), "of", TASKS)
