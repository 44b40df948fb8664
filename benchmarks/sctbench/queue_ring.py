"""SCTBench CS/queue_bad.c (SV-COMP): the dequeuer checks element i, but the wrap-around skips slot 0."""

import threading

SIZE = 20
EMPTY = -1


class QType:
    def __init__(self):
        self.element = [0] * (SIZE + 1)  # C writes element[SIZE] past the end; one spare slot here
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
    with m:
        value = 0
        assert not enqueue(queue, value)
        stored_elements[0] = value
        assert not empty(queue)
    for i in range(SIZE - 1):
        with m:
            if enqueue_flag:
                value += 1
                enqueue(queue, value)
                stored_elements[i + 1] = value
                enqueue_flag = False
                dequeue_flag = True


def t2():
    global enqueue_flag, dequeue_flag
    for i in range(SIZE):
        with m:
            if dequeue_flag:
                got = dequeue(queue)
                assert got == stored_elements[i], f"dequeued {got}, stored {stored_elements[i]}"
                dequeue_flag = False
                enqueue_flag = True


THREADS = [t1, t2]
