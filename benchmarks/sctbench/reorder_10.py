"""SCTBench CS/reorder_10_bad.c (SV-COMP): 9 setters write a then b; a checker reads them in between."""

SET_THREADS = 9
a = 0
b = 0


def set_thread():
    global a, b
    a = 1
    b = -1


def check_thread():
    assert (a == 0 and b == 0) or (a == 1 and b == -1), f"a={a}, b={b}"


THREADS = [set_thread] * SET_THREADS + [check_thread]
