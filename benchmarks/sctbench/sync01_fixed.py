"""SCTBench CS/sync01_ok.c (SV-COMP): fixed twin of sync01, num starts at 0 and the consumer takes one."""

import threading

num = 0
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
    global num
    with m:
        while num == 0:
            full.wait()
        num -= 1
    with m:
        empty.notify()


THREADS = [thread1, thread2]
