"""A realistic mistake: the workers never send a sentinel, so the parent waits forever."""

import os
import sys
from multiprocessing import Process, Queue

DONE = None  # the sentinel: "this worker has no more primes"


def is_prime(n: int) -> bool:
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


def worker(start: int, stop: int, results: "Queue[int | None]") -> None:
    for n in range(start, stop):
        if is_prime(n):
            results.put(n)


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    workers = os.cpu_count() or 1
    step = limit // workers + 1
    results: Queue[int | None] = Queue()
    processes = [Process(target=worker, args=(start, min(start + step, limit + 1), results))
                 for start in range(1, limit + 1, step)]
    for process in processes:
        process.start()
    count = 0
    finished = 0
    # Read until every worker has said it is done. Drain the queue *before* join():
    # a worker whose queue is full cannot exit, and join() would wait forever.
    while finished < len(processes):
        item = results.get()
        if item is DONE:
            finished += 1
            continue
        print(item)
        count += 1
    for process in processes:
        process.join()
    print(f"primes up to {limit}: {count}")


if __name__ == "__main__":
    main()
