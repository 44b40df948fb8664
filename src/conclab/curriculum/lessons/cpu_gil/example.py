"""A CPU-bound loop run twice: one after another, in two threads, in two processes.

Counting down is pure Python work: it never waits, so it never lets go of the
GIL for long. Two threads therefore take turns on one core, while two
processes (each with its own interpreter and its own GIL) run on two cores.
Run it on its own:
    python -m conclab.curriculum.lessons.cpu_gil.example
"""

import multiprocessing
import threading
import time

N = 10_000_000  # how far each task counts down


def count_down(n):
    """Pure CPU work: no I/O, no sleep, just Python bytecode."""
    while n > 0:
        n -= 1


def sequential(n, times=2):
    """The same work twice, one after another."""
    for _ in range(times):
        count_down(n)


def with_threads(n, workers=2):
    """One thread per task: under the GIL only one of them runs Python code at a time."""
    threads = [threading.Thread(target=count_down, args=(n,), name=f"thread-{i + 1}")
               for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def with_processes(n, workers=2):
    """One process per task: each has its own interpreter, so they run on separate cores."""
    processes = [multiprocessing.Process(target=count_down, args=(n,), name=f"process-{i + 1}")
                 for i in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()


if __name__ == "__main__":  # needed: a spawned child imports this file again
    for way in (sequential, with_threads, with_processes):
        start = time.perf_counter()
        way(N)
        print(f"{way.__name__}: {time.perf_counter() - start:.2f} s")
