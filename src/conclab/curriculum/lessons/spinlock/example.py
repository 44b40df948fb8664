"""A lock made by hand from a boolean flag: it lets two threads in, and it burns CPU.

``acquire`` waits in a loop while the flag says "taken" (the test), then
takes it (the set). But test-then-set is two steps, and another thread can
run between them: both threads see "free", both take it, both go in. And
while it waits, the loop runs flat out, using a whole core to do nothing.

Run it on its own:
    python -m conclab.curriculum.lessons.spinlock.example
"""

import threading
import time

busy = False  # the hand-made lock: True while some thread is inside


def acquire():
    global busy
    while busy:   # 1. test: wait while someone is inside ...
        pass      #    (spinning: this loop keeps the CPU busy all the time it waits)
    busy = True   # 2. set: ... then take it. Too late if another thread passed step 1 too


def release():
    global busy
    busy = False


inside = []  # the threads in the critical section right now


def visit(name, seconds):
    """Enter the critical section, stay ``seconds``, leave; return who was inside on entry."""
    acquire()
    try:
        inside.append(name)
        company = list(inside)  # should only ever be [name]
        time.sleep(seconds)
        inside.remove(name)
    finally:
        release()
    return company


def visit_together(names, seconds):
    """Each name visits from its own thread, all started at once; who each one met inside."""
    met = {}

    def one(name):
        met[name] = visit(name, seconds)

    threads = [threading.Thread(target=one, args=(name,), name=name) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return met


def wait_cost(acquire, release, seconds):
    """Hold a lock for ``seconds`` while another thread waits for it.

    Returns the waiting thread's CPU time and wall time: a thread that spins
    uses the CPU the whole time, a thread blocked in threading.Lock does not.
    """
    cost = {}

    def waiter():
        wall, cpu = time.perf_counter(), time.thread_time()
        acquire()
        cost["cpu_s"] = time.thread_time() - cpu
        cost["wall_s"] = time.perf_counter() - wall
        release()

    acquire()
    thread = threading.Thread(target=waiter, name="waiter")
    thread.start()
    time.sleep(seconds)  # hold the lock while the waiter waits
    release()
    thread.join()
    return cost


if __name__ == "__main__":
    print("who met whom inside:", visit_together(["A", "B", "C", "D"], 0.01))
    print("hand-made spin lock:", wait_cost(acquire, release, 0.5))
    lock = threading.Lock()
    print("threading.Lock:     ", wait_cost(lock.acquire, lock.release, 0.5))
