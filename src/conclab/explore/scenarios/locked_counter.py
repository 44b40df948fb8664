"""The lost update fixed: each increment holds a Lock.
ja: 更新の消失を修正したもの。1 を足すたびに Lock を保持します。

Expect: none
Fixes: lost-update
"""

import threading

from conclab.explore import Bilingual

counter = 0
lock = threading.Lock()


def worker():
    global counter
    with lock:
        counter += 1


THREADS = [worker, worker]


def check():
    assert counter == 2, Bilingual(
        f"lost update: counter={counter}, expected 2",
        ja=f"更新が消失しました。counter={counter}（期待値は 2）")
