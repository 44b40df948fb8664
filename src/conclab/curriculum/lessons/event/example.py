"""``threading.Event``: a start signal for all workers at once, and a prompt, graceful stop.

An Event is a flag threads can wait on. ``start.wait()`` blocks until someone
calls ``start.set()``; ``stop.wait(timeout)`` is a sleep that ends early the
moment ``stop`` is set, which is what makes a shutdown prompt. Run it:
    python -m conclab.curriculum.lessons.event.example
"""

import threading
import time
from collections.abc import Callable

WORKERS = 3
STEP = 0.05  # seconds of work per step
PAUSE = 0.5  # seconds a worker rests between steps


def step(name: str, seconds: float) -> None:
    """One unit of work (simulated)."""
    time.sleep(seconds)


def polite_worker(name: str, start: threading.Event, stop: threading.Event,
                  seconds: float, pause: float) -> None:
    """Waits for the start signal, works until stop is set; rests with ``stop.wait`` so it wakes at once."""
    start.wait()
    while not stop.is_set():
        step(name, seconds)
        stop.wait(pause)  # returns early, as soon as stop is set


def sleepy_worker(name: str, start: threading.Event, stop: threading.Event,
                  seconds: float, pause: float) -> None:
    """The same, but rests with ``time.sleep``: it notices the stop only after its nap."""
    start.wait()
    while not stop.is_set():
        step(name, seconds)
        time.sleep(pause)


def start_workers(worker: Callable[..., None], count: int = WORKERS, seconds: float = STEP,
                  pause: float = PAUSE) -> tuple[list[threading.Thread], threading.Event, threading.Event]:
    """Start ``count`` threads that all block on the same start Event; return them and both Events."""
    start, stop = threading.Event(), threading.Event()
    threads = [threading.Thread(target=worker, args=(f"w{i}", start, stop, seconds, pause), name=f"worker-{i}")
               for i in range(count)]
    for thread in threads:
        thread.start()
    return threads, start, stop


def shut_down(threads: list[threading.Thread], stop: threading.Event) -> None:
    """Graceful shutdown: raise the flag, then wait for every worker to finish its current step."""
    stop.set()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    for worker in (polite_worker, sleepy_worker):
        threads, start, stop = start_workers(worker)
        start.set()  # go!
        time.sleep(0.15)
        began = time.perf_counter()
        shut_down(threads, stop)
        print(f"{worker.__name__}: stopped {time.perf_counter() - began:.3f} s after stop.set()")
