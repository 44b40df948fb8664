"""The spin lock replaced by a real Lock, whose test-and-set is one step.

Expect: none
Fixes: spinlock
"""

import threading

lock = threading.Lock()
counter = 0


def worker():
    global counter
    lock.acquire()
    counter += 1
    lock.release()


THREADS = [worker, worker]


def check():
    assert counter == 2, f"both threads were inside the lock: counter={counter}, expected 2"
