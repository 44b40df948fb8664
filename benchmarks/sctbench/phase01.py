"""SCTBench CS/phase01_bad.c (SV-COMP): a thread ends holding x; the other waits for it for ever."""

import threading

x = threading.Lock()
y = threading.Lock()


def thread1():
    x.acquire()
    x.release()
    x.acquire()
    y.acquire()
    y.release()
    y.acquire()
    y.release()


THREADS = [thread1, thread1]
