"""SCTBench CS/twostage_bad.c (SV-COMP, 1 writer(s), 1 reader(s)): data2 is set from data1 in a second critical section."""

import threading

T_THREADS = 1
R_THREADS = 1
data1Value = 0
data2Value = 0
data1Lock = threading.Lock()
data2Lock = threading.Lock()


def funcA():
    global data1Value, data2Value
    with data1Lock:
        data1Value = 1
    with data2Lock:
        data2Value = data1Value + 1


def funcB():
    with data1Lock:
        if data1Value == 0:
            return
        t1 = data1Value
    with data2Lock:
        t2 = data2Value
    assert t2 == t1 + 1, f"t1={t1}, t2={t2}"


THREADS = [funcA] * T_THREADS + [funcB] * R_THREADS
