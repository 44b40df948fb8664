"""The deadlock fixed: every thread takes lock_a before lock_b.

Expect: none
Fixes: lock-order-deadlock
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


def also_a_then_b():
    global transfers
    with lock_a:  # noqa: SIM117 - one lock, then the other, as the lesson shows
        with lock_b:  # noqa: SIM117 - one lock, then the other, as the lesson shows
            transfers += 1


THREADS = [a_then_b, also_a_then_b]


def check():
    assert transfers == 2, f"transfers={transfers}, expected 2"
