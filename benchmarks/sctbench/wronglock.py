"""SCTBench CS/wronglock_bad.c (SV-COMP, 1 + 7 threads): funcB increments dataValue under the wrong lock."""

import threading

NUM1 = 1
NUM2 = 7
dataValue = 0
dataLock = threading.Lock()
thisLock = threading.Lock()


def funcA():
    global dataValue
    with dataLock:
        x = dataValue
        dataValue += 1
        assert dataValue == x + 1, f"read {x}, then {dataValue}"


def funcB():
    global dataValue
    with thisLock:
        dataValue += 1


THREADS = [funcA] * NUM1 + [funcB] * NUM2
