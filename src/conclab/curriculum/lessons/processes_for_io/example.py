"""Processes for an I/O-bound job: it works, but costs more than threads.

Eight simulated downloads (a wait, then a 1 MB response body), once with a
thread pool and once with a process pool. Waiting needs no core, so processes
bring nothing here; they only add start-up, pickling the results through a
pipe, and a whole interpreter's memory per worker.
Run it on its own:
    python -m conclab.curriculum.lessons.processes_for_io.example
"""

import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

TASKS = 8
WAIT = 0.2  # seconds of waiting per download
BODY = 1_000_000  # bytes each download returns


def download(i, wait=WAIT, size=BODY):
    """Wait as for the network, then return a response body."""
    time.sleep(wait)
    return bytes(size)


def with_threads(tasks=TASKS, wait=WAIT, size=BODY):
    """Threads share the process's memory: the bodies are not copied anywhere."""
    with ThreadPoolExecutor(max_workers=tasks) as executor:
        return sum(len(body) for body in executor.map(download, range(tasks), [wait] * tasks, [size] * tasks))


def with_processes(tasks=TASKS, wait=WAIT, size=BODY):
    """Each body is pickled in a worker, sent through a pipe and unpickled here."""
    with ProcessPoolExecutor(max_workers=tasks) as executor:
        return sum(len(body) for body in executor.map(download, range(tasks), [wait] * tasks, [size] * tasks))


if __name__ == "__main__":
    for way in (with_threads, with_processes):
        start = time.perf_counter()
        way()
        print(f"{way.__name__}: {time.perf_counter() - start:.2f} s")
