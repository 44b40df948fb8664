"""Fixed twin of reorder_20: the setters write and the checker reads under one lock."""

import threading

SET_THREADS = 19
a = 0
b = 0
lock = threading.Lock()


def set_thread():
    global a, b
    with lock:
        a = 1
        b = -1


def check_thread():
    with lock:
        ok = (a == 0 and b == 0) or (a == 1 and b == -1)
    assert ok, "a and b disagree"


THREADS = [set_thread] * SET_THREADS + [check_thread]
