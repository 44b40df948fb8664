"""SCTBench CS/stack_bad.c (SV-COMP): the popper trusts a flag set after the first push, not the stack's size."""

import threading

SIZE = 10
OVERFLOW = -1
UNDERFLOW = -2
top = 0
arr = [0] * SIZE
m = threading.Lock()
flag = False


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
    global flag
    for i in range(SIZE):
        with m:
            assert push(arr, i) != OVERFLOW, "overflow"
            flag = True


def t2():
    for _ in range(SIZE):
        with m:
            if flag:
                assert pop(arr) != UNDERFLOW, "pop from an empty stack"


THREADS = [t1, t2]
