"""Level: asyncio tasks read a counter, await, and write it back."""

import asyncio

from conclab.explore import Bilingual

counter = 0


async def visit():
    global counter
    value = counter
    await asyncio.sleep(0)
    counter = value + 1


TASKS = [visit, visit]


def check():
    assert counter == 2, Bilingual(
        f"counter is {counter}, not 2",
        ja=f"counter は {counter} で、2 ではありません")


LEVEL = {
    "title": {"en": "The asyncio lost update", "ja": "asyncio での更新の消失"},
    "goal": {"en": "Two tasks each add 1. Make the final count 1.",
             "ja": "2 つのタスクがそれぞれ 1 を足します。最後のカウンターを 1 にしてください。"},
    "win": "assertion",
    "hints": {
        "en": ["A task is only switched at an `await`.",
               "Let both tasks read counter before either passes its await."],
        "ja": ["タスクが切り替わるのは `await` の地点だけです。",
               "どちらかが await を越える前に、両方のタスクに counter を読ませてください。"],
    },
    "teaches": {
        "en": "One event loop runs one task at a time, yet an `await` between read and write lets "
              "another task in: a lost update, without any thread. (The asyncio primer calls it a "
              "\"dirty write\"; in databases that name means something else.) `async with "
              "asyncio.Lock():` around the three lines fixes it.",
        "ja": "イベントループはタスクを 1 つずつ実行しますが、読み出しと書き込みの間に `await` が"
              "あれば、ほかのタスクが割り込めます。スレッドがなくても更新の消失（lost update）は"
              "起きます（asyncio の入門書は「dirty write」と呼びますが、データベースの用語では"
              "別の意味です）。3 行を `async with asyncio.Lock():` で囲めば直ります。",
    },
}
