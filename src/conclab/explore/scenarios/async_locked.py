"""The lost update fixed: read, await and write under one asyncio.Lock.

Expect: none
Fixes: async-dirty-write
"""

import asyncio

balance = 100
lock = asyncio.Lock()


async def withdraw():
    global balance
    async with lock:
        seen = balance
        await asyncio.sleep(0.01)
        balance = seen - 10


TASKS = [withdraw, withdraw]


def check():
    assert balance == 80, f"a withdrawal was lost: balance={balance}, expected 80"
