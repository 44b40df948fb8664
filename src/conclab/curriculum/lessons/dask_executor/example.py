"""The prime count of find_primes_parallel, on a process pool and on a Dask cluster.

``Client.get_executor()`` is a ``concurrent.futures.Executor``, so the code that
uses a ``ProcessPoolExecutor`` runs on Dask unchanged: ``count_with`` below does
not know which one it got. A ``LocalCluster`` is a real Dask scheduler with real
worker processes on this machine; give ``Client`` a scheduler's address instead
and the same code runs on a cluster of many machines.
Run it on its own (add a scheduler address to use a cluster you have):
    python -m conclab.curriculum.lessons.dask_executor.example [tcp://127.0.0.1:8786]
"""

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from dask.distributed import Client, LocalCluster


def is_prime(n):
    """Trial division: deliberately CPU-bound."""
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    divisor = 3
    while divisor * divisor <= n:
        if n % divisor == 0:
            return False
        divisor += 2
    return True


def count_primes(bounds):
    """How many primes there are in range(start, stop)."""
    start, stop = bounds
    return sum(1 for n in range(start, stop) if is_prime(n))


def split(limit, parts):
    """Cut 1..limit into consecutive half-open ranges that do not overlap."""
    step = max(1, limit // parts + 1)
    return [(start, min(start + step, limit + 1)) for start in range(1, limit + 1, step)]


def count_with(executor, limit, parts):
    """The same code for any Executor: a process pool or Dask's."""
    return sum(executor.map(count_primes, split(limit, parts)))


def start_cluster(workers):
    """A scheduler and ``workers`` worker processes on this machine, on loopback, no dashboard."""
    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                        host="127.0.0.1", dashboard_address=None)


def main(address=None):
    limit, workers = 100_000, os.cpu_count() or 1
    start = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        print("process pool:", count_with(pool, limit, workers * 4),
              f"{time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    cluster = None if address else start_cluster(workers)
    with Client(address or cluster) as client:
        print(f"cluster up in {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        print("dask:", count_with(client.get_executor(), limit, workers * 4),
              f"{time.perf_counter() - start:.2f} s")
    if cluster is not None:
        cluster.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
