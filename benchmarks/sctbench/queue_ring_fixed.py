"""SCTBench CS/queue_ok.c (SV-COMP): fixed twin of queue_ring, each side does its whole batch in one critical section."""

import threading

SIZE = 40
EMPTY = -1


class QType:
    def __init__(self):
        self.element = [0] * (SIZE + 1)
        self.head = 0
        self.tail = 0
        self.amount = 0


m = threading.Lock()
stored_elements = [0] * SIZE
enqueue_flag = True
dequeue_flag = False
queue = QType()


def empty(q):
    return EMPTY if q.head == q.tail else 0


def enqueue(q, x):
    q.element[q.tail] = x
    q.amount += 1
    if q.tail == SIZE:
        q.tail = 1
    else:
        q.tail += 1
    return 0


def dequeue(q):
    x = q.element[q.head]
    q.amount -= 1
    if q.head == SIZE:
        q.head = 1
    else:
        q.head += 1
    return x


def t1():
    global enqueue_flag, dequeue_flag
    value = 0
    with m:
        if enqueue_flag:
            for i in range(SIZE):
                value += 1
                enqueue(queue, value)
                stored_elements[i] = value
            enqueue_flag = False
            dequeue_flag = True


def t2():
    global enqueue_flag, dequeue_flag
    with m:
        if dequeue_flag:
            for i in range(SIZE):
                if empty(queue) != EMPTY:
                    got = dequeue(queue)
                    assert got == stored_elements[i], f"dequeued {got}, stored {stored_elements[i]}"
            dequeue_flag = False
            enqueue_flag = True


THREADS = [t1, t2]
