"""SCTBench CS/stack_ok.c (SV-COMP): fixed twin of stack, pops only when top > 0."""

import threading

SIZE = 10
OVERFLOW = -1
UNDERFLOW = -2
top = 0
arr = [0] * SIZE
m = threading.Lock()


def push(stack, x):
    global top
    if top == SIZE:
        return OVERFLOW
    stack[top] = x
    top += 1
    return 0


def pop(stack):
    global top
    if top == 0:
        return UNDERFLOW
    top -= 1
    return stack[top]


def t1():
    for i in range(SIZE):
        with m:
            assert push(arr, i) != OVERFLOW, "overflow"


def t2():
    for _ in range(SIZE):
        with m:
            if top > 0:
                pop(arr)


THREADS = [t1, t2]
