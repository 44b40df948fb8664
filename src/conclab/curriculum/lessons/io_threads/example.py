"""Three simulated downloads: first one after another, then each in its own thread.

Waiting for I/O (here: time.sleep) releases the GIL, so while one thread
waits, the others can run. Run it on its own:
    python -m conclab.curriculum.lessons.io_threads.example
"""

import threading
import time

TASKS = [("A", 0.5), ("B", 0.3), ("C", 0.4)]  # (name, seconds of waiting)


def download(name, seconds):
    """Pretend to fetch something: the program just waits, as it would for the network."""
    time.sleep(seconds)
    return f"{name}: done"


def sequential(tasks):
    """One after another: each download starts when the previous one has finished."""
    for name, seconds in tasks:
        download(name, seconds)


def with_threads(tasks):
    """One thread per download: all of them wait at the same time."""
    threads = [
        threading.Thread(target=download, args=(name, seconds), name=f"thread-{name}")
        for name, seconds in tasks
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()  # wait until every thread has finished


if __name__ == "__main__":
    for way in (sequential, with_threads):
        start = time.perf_counter()
        way(TASKS)
        print(f"{way.__name__}: {time.perf_counter() - start:.2f} s")
