"""The lost update fixed: read, await and write under one asyncio.Lock.
ja: 更新の消失を修正したもの。読み出し、await、書き込みを 1 つの asyncio.Lock の中で行います。

Expect: none
Fixes: async-dirty-write
"""

import asyncio

from conclab.explore import Bilingual

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
    assert balance == 80, Bilingual(
        f"a withdrawal was lost: balance={balance}, expected 80",
        ja=f"引き出しが 1 件消えました。balance={balance}（期待値は 80）")
