"""The spin lock replaced by a real Lock, whose test-and-set is one step.
ja: スピンロックを本物の Lock に置き換えたもの。Lock は確かめて取る操作を 1 ステップで行います。

Expect: none
Fixes: spinlock
"""

import threading

from conclab.explore import Bilingual

lock = threading.Lock()
counter = 0


def worker():
    global counter
    lock.acquire()
    counter += 1
    lock.release()


THREADS = [worker, worker]


def check():
    assert counter == 2, Bilingual(
        f"both threads were inside the lock: counter={counter}, expected 2",
        ja=f"両方のスレッドがロックの中に入りました。counter={counter}（期待値は 2）")
