"""A process pool: a few worker processes take many tasks from one queue.

``multiprocessing.Pool`` starts its workers once and hands them tasks (and
their arguments) through a pipe, pickled. ``map`` splits the list into chunks;
``chunksize`` says how many items travel per message. Run it on its own:
    python -m conclab.curriculum.lessons.pool.example
"""

import multiprocessing
import os
import time

SIZES = [2_000_000] * 8  # eight equal tasks: more tasks than most machines have cores


def crunch(n):
    """CPU-bound work that returns a small result (the result travels back pickled)."""
    total = 0
    for i in range(n):
        total += i % 7
    return total


def square(x):
    """A task so small that sending it costs more than doing it."""
    return x * x


def sequential(sizes):
    return [crunch(n) for n in sizes]


def with_pool(pool, sizes):
    """One task per size; the pool's workers take them as they become free."""
    return pool.map(crunch, sizes, chunksize=1)


def squares(pool, items, chunksize=None):
    """Many tiny tasks; ``chunksize=None`` lets the pool pick about len/(4 x workers)."""
    return pool.map(square, items, chunksize=chunksize)


if __name__ == "__main__":
    workers = os.cpu_count() or 1
    start = time.perf_counter()
    sequential(SIZES)
    print(f"sequential: {time.perf_counter() - start:.2f} s")
    with multiprocessing.Pool(workers) as pool:
        start = time.perf_counter()
        with_pool(pool, SIZES)
        print(f"pool of {workers}: {time.perf_counter() - start:.2f} s")
        for chunksize in (1, None):
            start = time.perf_counter()
            squares(pool, range(20_000), chunksize)
            print(f"20,000 squares, chunksize={chunksize}: {time.perf_counter() - start:.2f} s")
