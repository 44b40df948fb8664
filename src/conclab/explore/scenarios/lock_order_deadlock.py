"""Two transfers take the same two account locks in opposite orders: a deadlock.
ja: 2 つの送金が、同じ 2 つの口座のロックを逆の順に獲得するので、デッドロックになります。

If each transfer takes its first lock before the other takes its second,
each one waits forever for the lock the other holds.
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
    with lock_b:
        balance_b -= 10
        with lock_a:
            balance_a += 10


THREADS = [a_to_b, b_to_a]


def check():
    assert balance_a + balance_b == 200, Bilingual(
        f"money appeared or vanished: {balance_a} + {balance_b}",
        ja=f"合計額が 200 ではなくなりました: {balance_a} + {balance_b}")
