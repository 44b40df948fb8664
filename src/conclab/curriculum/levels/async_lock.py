"""Level (correct code): asyncio tasks update the counter under an asyncio.Lock."""

import asyncio

from conclab.explore import Bilingual

counter = 0
lock = asyncio.Lock()


async def visit():
    global counter
    async with lock:
        value = counter
        await asyncio.sleep(0)
        counter = value + 1


TASKS = [visit, visit]


def check():
    assert counter == 2, Bilingual(
        f"counter is {counter}, not 2",
        ja=f"counter は {counter} で、2 ではありません")


LEVEL = {
    "title": {"en": "The asyncio lock", "ja": "asyncio のロック"},
    "goal": {"en": "Two tasks each add 1. Make the final count 1.",
             "ja": "2 つのタスクがそれぞれ 1 を足します。最後のカウンターを 1 にしてください。"},
    "win": "assertion",
    "correct": True,
    "fixes": "async-counter",
    "hints": {
        "en": ["While one task sleeps inside `async with lock:`, where does the other one stop?"],
        "ja": ["一方のタスクが `async with lock:` の中で眠っている間、もう一方はどこで止まるでしょうか。"],
    },
    "teaches": {
        "en": "`asyncio.Lock` is held across the await: the second task waits at `async with lock:` "
              "until the first has written.",
        "ja": "`asyncio.Lock` は await の間も保持されます。2 つ目のタスクは、1 つ目が書き込むまで "
              "`async with lock:` で待ちます。",
    },
}
