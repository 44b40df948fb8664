"""Two threads take the same two locks in opposite orders: a deadlock.

If each takes its first lock before the other takes its second, each waits
forever for the lock the other holds.
"""

import threading

lock_a = threading.Lock()
lock_b = threading.Lock()
transfers = 0


def a_then_b():
    global transfers
    with lock_a:  # noqa: SIM117 - one lock, then the other, as the lesson shows
        with lock_b:  # noqa: SIM117 - one lock, then the other, as the lesson shows
            transfers += 1


def b_then_a():
    global transfers
    with lock_b:  # noqa: SIM117 - one lock, then the other, as the lesson shows
        with lock_a:  # noqa: SIM117 - one lock, then the other, as the lesson shows
            transfers += 1


THREADS = [a_then_b, b_then_a]


def check():
    assert transfers == 2, f"transfers={transfers}, expected 2"
