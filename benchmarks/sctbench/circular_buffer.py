"""SCTBench CS/circular_buffer_bad.c (SV-COMP): the receiver expects its own loop index, not the value sent."""

import threading

BUFFER_MAX = 10
N = 7
ERROR = -1
buffer = [0] * BUFFER_MAX
first = 0
next_ = 0
buffer_size = 10
send = True
receive = False
value = 0
m = threading.Lock()


def remove_log_element():
    global first
    assert first >= 0
    if next_ > 0 and first < buffer_size:
        first += 1
        return buffer[first - 1]
    return ERROR


def insert_log_element(b):
    global next_
    if next_ < buffer_size and buffer_size > 0:
        buffer[next_] = b
        next_ = (next_ + 1) % buffer_size
        assert next_ < buffer_size
    else:
        return ERROR
    return b


def t1():
    global send, receive, value
    for i in range(N):
        with m:
            if send:
                insert_log_element(i)
                value = i
                send = False
                receive = True


def t2():
    global send, receive
    for i in range(N):
        with m:
            if receive:
                got = remove_log_element()
                assert got == i, f"received {got}, expected {i}"
                receive = False
                send = True


THREADS = [t1, t2]
