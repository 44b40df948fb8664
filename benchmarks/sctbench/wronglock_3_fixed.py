"""Fixed twin of wronglock_3: funcB takes dataLock too."""

import threading

NUM1 = 1
NUM2 = 3
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
    with dataLock:
        dataValue += 1


THREADS = [funcA] * NUM1 + [funcB] * NUM2
