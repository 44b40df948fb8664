"""SCTBench CS/deadlock01_bad.c (SV-COMP): two locks taken in opposite orders."""

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
    with b, a:
        counter -= 1


THREADS = [thread1, thread2]
