"""SCTBench CS/sync02_ok.c (SV-COMP): fixed twin of sync02, num starts at 0 (N=20)."""

import threading

N = 20
num = 0
m = threading.Lock()
empty = threading.Condition(m)
full = threading.Condition(m)


def producer():
    global num
    i = 0
    while i < N:
        with m:
            while num > 0:
                empty.wait()
            num += 1
        with m:
            full.notify()
        i += 1


def consumer():
    global num
    j = 0
    while j < N:
        with m:
            while num == 0:
                full.wait()
            num -= 1
        with m:
            empty.notify()
        j += 1


THREADS = [producer, consumer]
