"""Tiny demonstrations of the three ideas every later lesson uses.

1. Threads share one memory; a process has its own.
2. Concurrency: two tasks that wait overlap, even on one core.
3. Parallelism: two CPU-bound tasks run at the same instant only on two cores,
   and, in CPython with the GIL, only in two processes, not two threads.

Run it on its own:
    python -m conclab.curriculum.lessons.concepts.example
"""

import multiprocessing
import threading
import time

visits = []  # a global list: shared by threads, copied into each process


def visit(who):
    visits.append(who)


def thread_changes_list():
    """A thread appends to the list; the main thread sees the change."""
    visits.clear()
    worker = threading.Thread(target=visit, args=("thread",))
    worker.start()
    worker.join()
    return list(visits)


def process_changes_list():
    """A child process appends to *its copy* of the list; ours stays empty."""
    visits.clear()
    child = multiprocessing.Process(target=visit, args=("process",))
    child.start()
    child.join()
    return list(visits)


def wait(seconds):
    """Stands for waiting on I/O: no CPU is used while sleeping."""
    time.sleep(seconds)


def count(n):
    """CPU-bound work: pure Python arithmetic, which holds the GIL."""
    total = 0
    for i in range(n):
        total += i * i
    return total


def two_waits_in_threads(seconds):
    threads = [threading.Thread(target=wait, args=(seconds,), name=f"waiter-{i}") for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def two_counts_in_threads(n):
    threads = [threading.Thread(target=count, args=(n,), name=f"counter-{i}") for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def two_counts_in_processes(n):
    processes = [multiprocessing.Process(target=count, args=(n,), name=f"process-{i}") for i in (1, 2)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()


if __name__ == "__main__":
    print("after a thread ran:", thread_changes_list())
    print("after a process ran:", process_changes_list())
    for demo, arg in ((two_waits_in_threads, 0.5), (two_counts_in_threads, 3_000_000),
                      (two_counts_in_processes, 3_000_000)):
        start = time.perf_counter()
        demo(arg)
        print(f"{demo.__name__}: {time.perf_counter() - start:.2f} s")
