"""A realistic mistake: 'await asyncio.sleep(0)' first, as if yielding once made the call non-blocking.

Run:  python unblock_event_loop.py
A heartbeat task prints 'tick' every 0.05 s. Four lookups run at the same
time; each calls slow_lookup(), a blocking function (think of a database
driver or a library with no async version). Print 'result <n> <value>' for
each, then a last line 'total <sum>'.

This version calls slow_lookup() straight from a coroutine: while it sleeps,
the whole event loop is frozen, the heartbeat stops, and the lookups run one
after another. Do not change slow_lookup(); change how lookup() calls it.
"""

import asyncio
import time

TICK_S = 0.05


def slow_lookup(n: int) -> int:
    """A blocking call: it holds the thread that runs it for 0.3 s."""
    time.sleep(0.3)
    return n * n


async def lookup(n: int) -> int:
    await asyncio.sleep(0)  # let the other tasks run first
    return slow_lookup(n)


async def heartbeat() -> None:
    while True:
        print("tick", flush=True)
        await asyncio.sleep(TICK_S)


async def main() -> None:
    beat = asyncio.create_task(heartbeat())
    await asyncio.sleep(TICK_S * 2)  # a few ticks before the work starts
    numbers = [1, 2, 3, 4]
    values = await asyncio.gather(*(lookup(n) for n in numbers))
    for n, value in zip(numbers, values, strict=True):
        print(f"result {n} {value}", flush=True)
    beat.cancel()
    print(f"total {sum(values)}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
