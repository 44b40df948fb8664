"""The same pool through concurrent.futures: ProcessPoolExecutor with map, submit and as_completed.

``executor.map`` is like ``Pool.map``: results in input order. ``submit``
returns a Future at once; ``as_completed`` yields futures as they finish, so
a short task submitted late can come back first. An exception raised in a
worker travels back and is raised again by ``future.result()``.
Run it on its own:
    python -m conclab.curriculum.lessons.process_pool.example
"""

import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

SIZES = [2_000_000] * 8
JOBS = [("long", 8_000_000), ("short", 2_000_000), ("medium", 4_000_000)]


def crunch(n):
    """CPU-bound work: no waiting, so only more processes make it faster."""
    total = 0
    for i in range(n):
        total += i % 7
    return total


def check_size(n):
    """Fails in the worker for a bad size: the ValueError reaches the parent through the future."""
    if n < 0:
        raise ValueError(f"size must not be negative, got {n}")
    return crunch(n)


def with_map(executor, sizes):
    return list(executor.map(crunch, sizes))


def first_come_first_served(executor, jobs):
    """Submit every job, then take the results in the order they finish."""
    futures = {executor.submit(crunch, size): name for name, size in jobs}
    return [futures[future] for future in as_completed(futures)]


def error_through_future(executor, size):
    """Submit a job that fails; the worker's exception is raised here by ``result()``."""
    future = executor.submit(check_size, size)
    try:
        future.result()
    except ValueError as error:
        return f"{type(error).__name__}: {error}"
    return None


if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as executor:
        start = time.perf_counter()
        with_map(executor, SIZES)
        print(f"executor.map: {time.perf_counter() - start:.2f} s")
        print("as_completed order:", first_come_first_served(executor, JOBS))
        print("error from a worker:", error_through_future(executor, -1))
