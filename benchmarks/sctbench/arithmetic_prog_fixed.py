"""SCTBench CS/arithmetic_prog_ok.c (SV-COMP): fixed twin of arithmetic_prog (N=4, the right sum)."""

import threading

N = 4
num = 0
total = 0
flag = False
m = threading.Lock()
empty = threading.Condition(m)
full = threading.Condition(m)


def thread1():
    global num
    i = 0
    while i < N:
        with m:
            while num > 0:
                empty.wait()
            num += 1
        with m:
            full.notify()
        i += 1


def thread2():
    global num, total, flag
    j = 0
    while j < N:
        with m:
            while num == 0:
                full.wait()
            total = total + j
            num -= 1
        with m:
            empty.notify()
        j += 1
    total = total + j
    flag = True


THREADS = [thread1, thread2]


def check():
    if flag:
        assert total == (N * (N + 1)) // 2, f"total={total}"
