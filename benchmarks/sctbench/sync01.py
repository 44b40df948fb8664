"""SCTBench CS/sync01_bad.c (SV-COMP): num starts at 1, so the producer waits for a signal sent too early."""

import threading

num = 1
m = threading.Lock()
empty = threading.Condition(m)
full = threading.Condition(m)


def thread1():
    global num
    with m:
        while num > 0:
            empty.wait()
        num += 1
    with m:
        full.notify()


def thread2():
    with m:
        while num == 0:
            full.wait()
    with m:
        empty.notify()


THREADS = [thread1, thread2]
