"""Fixed twin of token_ring: the hops run in ring order (each waits for the previous flag)."""

import threading
import time

atomic = threading.Lock()  # __ESBMC_atomic_begin/end
x1, x2, x3 = 1, 2, 1
flag1 = flag2 = flag3 = False


def t1():
    global x1, flag1
    with atomic:
        x1 = (x3 + 1) % 4
        flag1 = True


def t2():
    global x2, flag2
    while True:
        with atomic:
            if flag1:
                break
        time.sleep(0)
    with atomic:
        x2 = x1
        flag2 = True


def t3():
    global x3, flag3
    while True:
        with atomic:
            if flag2:
                break
        time.sleep(0)
    with atomic:
        x3 = x2
        flag3 = True


def t4():
    with atomic:
        if flag1 and flag2 and flag3:
            assert x1 == x2 == x3, f"x1={x1}, x2={x2}, x3={x3}"


THREADS = [t1, t2, t3, t4]
