"""SCTBench CS/din_phil2_sat.c (SV-COMP): 2 philosophers; the unlocked ++phil lets the last one see N."""

import threading

N = 2
atomic = threading.Lock()  # __ESBMC_atomic_begin/end
x = [threading.Lock() for _ in range(N)]
phil = 0


def philosopher(ident):
    global phil
    left = ident
    right = (ident + 1) % N
    with atomic:
        x[right].acquire()
        x[left].acquire()
        x[left].release()
        x[right].release()
    phil += 1
    assert phil != N, "every philosopher ate"


THREADS = [lambda i=i: philosopher(i) for i in range(N)]
