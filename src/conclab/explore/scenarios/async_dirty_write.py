"""Two asyncio tasks read a balance, await, then write: one withdrawal is lost.
ja: 2 つの asyncio タスクが残高を読み、await してから書き込むので、引き出しが 1 件消えます。

A task only yields at an await, but here the await sits between the read and
the write, so the other task works on the same stale balance.
"""

import asyncio

from conclab.explore import Bilingual

balance = 100


async def withdraw():
    global balance
    seen = balance
    await asyncio.sleep(0.01)   # other tasks run while this one waits
    balance = seen - 10


TASKS = [withdraw, withdraw]


def check():
    assert balance == 80, Bilingual(
        f"a withdrawal was lost: balance={balance}, expected 80",
        ja=f"引き出しが 1 件消えました。balance={balance}（期待値は 80）")
