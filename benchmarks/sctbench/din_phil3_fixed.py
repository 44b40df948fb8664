"""Fixed twin of din_phil3 (as din_phil3_unsat.c): the count is kept under a lock and checked at the end."""

import threading

N = 3
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
    with atomic:
        phil += 1


def check():
    assert phil == N, f"phil={phil}"


THREADS = [lambda i=i: philosopher(i) for i in range(N)]
