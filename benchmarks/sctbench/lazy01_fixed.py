"""SCTBench CS/lazy01_ok.c (SV-COMP): fixed twin of lazy01, no assertion on data."""

import threading

mutex = threading.Lock()
data = 0


def thread1():
    global data
    with mutex:
        data += 1


def thread2():
    global data
    with mutex:
        data += 2


def thread3():
    with mutex:
        if data >= 3:
            pass


THREADS = [thread1, thread2, thread3]
