"""Lost updates: three threads add to one shared counter.

Each worker reads the counter, maybe pauses, and writes back what it read
plus one. When another thread runs between that read and that write, its
update is overwritten: the final count falls short. Whether that happens
*by chance* depends on where the interpreter is willing to switch threads.
Run it on its own:
    python -m conclab.curriculum.lessons.data_race.example
"""

import sys
import threading
import time

THREADS = 3
counter = 0


def add_with_pause(times):
    """Read, let other threads run (``time.sleep(0)`` releases the GIL), write."""
    global counter
    for _ in range(times):
        value = counter
        time.sleep(0)
        counter = value + 1


def add_plain(times):
    """The classic ``counter += 1``: a read, an add and a write with no pause in between."""
    global counter
    for _ in range(times):
        counter += 1


def one():
    return 1


def add_with_call(times):
    """The same increment with one function call between the read and the write."""
    global counter
    for _ in range(times):
        counter = counter + one()


def race(worker, times, switch_interval=None):
    """Run ``worker(times)`` in three threads at once and return the final count.

    ``switch_interval`` (seconds) changes how often the interpreter asks the
    running thread to hand over the GIL (``sys.setswitchinterval``, default
    0.005 s); it is put back afterwards.
    """
    global counter
    counter = 0
    previous = sys.getswitchinterval()
    if switch_interval is not None:
        sys.setswitchinterval(switch_interval)
    try:
        threads = [threading.Thread(target=worker, args=(times,), name=f"worker-{n}")
                   for n in range(1, THREADS + 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(previous)
    return counter


if __name__ == "__main__":
    for worker, times, interval in ((add_with_pause, 10_000, None), (add_plain, 1_000_000, None),
                                    (add_plain, 1_000_000, 1e-6), (add_with_call, 300_000, 1e-6)):
        start = time.perf_counter()
        total = race(worker, times, interval)
        print(f"{worker.__name__} (switch interval {interval or sys.getswitchinterval()} s): "
              f"{total:,} of {THREADS * times:,} in {time.perf_counter() - start:.2f} s")
