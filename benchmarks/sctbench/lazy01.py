"""SCTBench CS/lazy01_bad.c (SV-COMP): the third thread sees both additions."""

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
            raise AssertionError(f"data={data}")


THREADS = [thread1, thread2, thread3]
