"""Fixed twin of carter01: both sides count in A (a readers' lock), so l is taken once and released by the last."""

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


def t3():
    pass


def t4():
    pass


THREADS = [t1, t2, t3, t4]
