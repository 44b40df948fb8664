"""The lost update fixed: each increment holds a Lock.

Expect: none
Fixes: lost-update
"""

import threading

counter = 0
lock = threading.Lock()


def worker():
    global counter
    with lock:
        counter += 1


THREADS = [worker, worker]


def check():
    assert counter == 2, f"lost update: counter={counter}, expected 2"
