"""Level: three threads read the counter, pause, and write it back plus one."""

import time

from conclab.explore import Bilingual

counter = 0


def worker():
    global counter
    value = counter
    time.sleep(0)
    counter = value + 1


THREADS = [worker, worker, worker]


def check():
    assert counter > 1, Bilingual(
        f"counter is {counter}: two of the three updates were lost",
        ja=f"counter は {counter} です。3 回の更新のうち 2 回が消えました")


LEVEL = {
    "title": {"en": "Read, sleep, write", "ja": "読んで、眠って、書く"},
    "goal": {"en": "Three threads each add 1. Make the final count 1.",
             "ja": "3 本のスレッドがそれぞれ 1 を足します。最後のカウンターを 1 にしてください。"},
    "win": "assertion",
    "hints": {
        "en": ["Each thread keeps its own copy in `value` while it sleeps.",
               "Let all three threads read counter while it is still 0."],
        "ja": ["各スレッドは、眠っている間も自分の `value` に読んだ値を持ち続けます。",
               "counter がまだ 0 のうちに、3 本すべてに読ませてください。"],
    },
    "teaches": {
        "en": "Between reading and writing a shared value, any other thread may run: this span is a "
              "critical section. Every thread that read 0 writes 1, so two of the three updates are "
              "lost. The sleep only makes the switch likely; the race exists without it.",
        "ja": "共有された値を読んでから書くまでの間には、ほかのスレッドが割り込めます。この区間が"
              "クリティカルセクションです。0 を読んだスレッドはどれも 1 を書くので、3 回の更新のうち "
              "2 回が消えます。スリープは切り替えを起こりやすくするだけで、競合状態はスリープがなくても"
              "存在します。",
    },
}
