"""Fixed twin of deadlock01: both threads take a, then b."""

import threading

a = threading.Lock()
b = threading.Lock()
counter = 1


def thread1():
    global counter
    with a, b:
        counter += 1


def thread2():
    global counter
    with a, b:
        counter -= 1


THREADS = [thread1, thread2]
