"""How big should a task be? The same work in many tiny tasks or in a few chunks.

Every task costs something besides its work: a pool pickles it and sends it
down a pipe; Dask also asks its scheduler where to run it and records its
state. ``noop`` measures that cost alone. ``count_in_parts`` does one fixed
job (counting primes) cut into ``parts`` tasks: with too many parts, the cost
per task is most of the time.
Run it on its own:
    python -m conclab.curriculum.lessons.task_granularity.example
"""

import os
import time
from concurrent.futures import ProcessPoolExecutor

from dask.distributed import Client

from conclab.curriculum.lessons.dask_executor.example import count_primes, split, start_cluster


def noop(x):
    """A task with no work at all: what is left is the cost of a task."""
    return x


def empty_tasks_on_pool(executor, n):
    return len(list(executor.map(noop, range(n))))


def empty_tasks_on_dask(client, n):
    return len(client.gather(client.map(noop, range(n), pure=False)))


def count_in_parts_on_pool(executor, limit, parts):
    return sum(executor.map(count_primes, split(limit, parts)))


def count_in_parts_on_dask(client, limit, parts):
    """``client.map`` sends all the tasks in one message: Dask's way to submit many."""
    return sum(client.gather(client.map(count_primes, split(limit, parts), pure=False)))


def timed(func, *args):
    start = time.perf_counter()
    func(*args)
    return time.perf_counter() - start


if __name__ == "__main__":
    workers, limit = os.cpu_count() or 1, 100_000
    with ProcessPoolExecutor(workers) as pool, start_cluster(workers) as cluster, \
            Client(cluster) as client:
        empty_tasks_on_pool(pool, workers)
        empty_tasks_on_dask(client, workers)
        print(f"per task: pool {timed(empty_tasks_on_pool, pool, 1000):.2f} ms, "
              f"dask {timed(empty_tasks_on_dask, client, 1000):.2f} ms")
        for parts in (4, 64, 1024):
            print(f"{parts:5} parts: pool {timed(count_in_parts_on_pool, pool, limit, parts):.2f} s, "
                  f"dask {timed(count_in_parts_on_dask, client, limit, parts):.2f} s")
