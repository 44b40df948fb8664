"""SCTBench CS/phase01_ok.c (SV-COMP): fixed twin of phase01, x released again."""

import threading

x = threading.Lock()
y = threading.Lock()


def thread1():
    x.acquire()
    x.release()
    x.acquire()
    x.release()
    y.acquire()
    y.release()
    y.acquire()
    y.release()


THREADS = [thread1, thread1]
