"""SCTBench CS/carter01_bad.c (SV-COMP): two counters guard one lock; taking it under m deadlocks."""

import threading

m = threading.Lock()
l = threading.Lock()  # noqa: E741 - the C name
A = 0
B = 0


def t1():
    global A
    m.acquire()
    A += 1
    if A == 1:
        l.acquire()
    m.release()
    m.acquire()
    A -= 1
    if A == 0:
        l.release()
    m.release()


def t2():
    global B
    m.acquire()
    B += 1
    if B == 1:
        l.acquire()
    m.release()
    m.acquire()
    B -= 1
    if B == 0:
        l.release()
    m.release()


def t3():
    pass


def t4():
    pass


THREADS = [t1, t2, t3, t4]
