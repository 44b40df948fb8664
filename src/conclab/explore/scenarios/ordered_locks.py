"""The deadlock fixed: every transfer takes lock_a before lock_b.
ja: デッドロックを修正したもの。どの送金も lock_a を lock_b より先に獲得します。

Expect: none
Fixes: lock-order-deadlock
"""

import threading

from conclab.explore import Bilingual

lock_a = threading.Lock()
lock_b = threading.Lock()
balance_a = 100
balance_b = 100


def a_to_b():
    global balance_a, balance_b
    with lock_a:
        balance_a -= 10
        with lock_b:
            balance_b += 10


def b_to_a():
    global balance_a, balance_b
    with lock_a:   # the same order as a_to_b, even though it moves money the other way
        balance_a += 10
        with lock_b:
            balance_b -= 10


THREADS = [a_to_b, b_to_a]


def check():
    assert balance_a + balance_b == 200, Bilingual(
        f"money appeared or vanished: {balance_a} + {balance_b}",
        ja=f"合計額が 200 ではなくなりました: {balance_a} + {balance_b}")
