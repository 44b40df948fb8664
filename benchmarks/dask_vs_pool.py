"""Benchmark of chapter 9: the prime count on a process pool and on a Dask LocalCluster, side by side.

Printed in one run, each the best of a few rounds on this machine:
- the speed-up of the prime count (8 parts per core) over one core, on a
  ``ProcessPoolExecutor`` and on Dask's executor over an embedded ``LocalCluster``;
- the per-task overhead of each: empty tasks, one message each
  (``executor.map`` on the pool, ``client.map`` on Dask);
- what starting each costs.

Run:  python benchmarks/dask_vs_pool.py [LIMIT]
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from dask.distributed import Client

from conclab.curriculum.lessons.dask_executor.example import count_primes, count_with, start_cluster
from conclab.curriculum.lessons.task_granularity.example import (
    empty_tasks_on_dask,
    empty_tasks_on_pool,
)

ROUNDS = 3
os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")  # the workers read it when they start
EMPTY = 500


def best(func, *args) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        func(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str]) -> int:
    limit = int(argv[1]) if len(argv) > 1 else 300_000
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    parts = 8 * workers
    sequential = best(count_primes, (1, limit + 1))
    start = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        empty_tasks_on_pool(pool, 2 * workers)
        pool_start = time.perf_counter() - start
        pool_s = best(count_with, pool, limit, parts)
        pool_task = best(empty_tasks_on_pool, pool, EMPTY) / EMPTY
    start = time.perf_counter()
    with start_cluster(workers) as cluster, Client(cluster) as client:
        empty_tasks_on_dask(client, 2 * workers)
        dask_start = time.perf_counter() - start
        dask_s = best(count_with, client.get_executor(), limit, parts)
        dask_task = best(empty_tasks_on_dask, client, EMPTY) / EMPTY
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"primes up to {limit:,} in {parts} parts, {workers} workers "
          f"(Python {sys.version.split()[0]}, load average {load:.1f})")
    print(f"{'':24}{'process pool':>14}{'LocalCluster':>14}")
    print(f"{'one after another (s)':24}{sequential:>14.3f}{sequential:>14.3f}")
    print(f"{'parallel (s)':24}{pool_s:>14.3f}{dask_s:>14.3f}")
    print(f"{'speed-up':24}{sequential / pool_s:>13.2f}x{sequential / dask_s:>13.2f}x")
    print(f"{'per empty task (ms)':24}{1000 * pool_task:>14.3f}{1000 * dask_task:>14.3f}")
    print(f"{'start-up (s)':24}{pool_start:>14.3f}{dask_start:>14.3f}")
    print()
    print(f"Dask costs {dask_task / pool_task:.1f}x as much per task and {dask_start / pool_start:.0f}x "
          f"as much to start; on tasks of {1000 * sequential / parts:.0f} ms it reached "
          f"{(sequential / dask_s) / (sequential / pool_s):.0%} of the pool's speed-up.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
