"""Two threads add 1 to a shared counter without a lock: one update is lost.
ja: 2 本のスレッドがロックなしで共有カウンターに 1 を足すので、更新が 1 つ消えます。

`counter += 1` is a read, an add and a write. If the second thread reads
before the first one writes, both write the same value.
"""

from conclab.explore import Bilingual

counter = 0


def worker():
    global counter
    counter += 1


THREADS = [worker, worker]


def check():
    assert counter == 2, Bilingual(
        f"lost update: counter={counter}, expected 2",
        ja=f"更新が消失しました。counter={counter}（期待値は 2）")
