"""A realistic mistake: a Queue is used, but the parent collects everything and prints at the end."""

import os
import sys
from multiprocessing import Process, Queue


def is_prime(n: int) -> bool:
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
    results.put(None)


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    workers = os.cpu_count() or 1
    step = limit // workers + 1
    results: Queue[int | None] = Queue()
    processes = [Process(target=worker, args=(start, min(start + step, limit + 1), results))
                 for start in range(1, limit + 1, step)]
    for process in processes:
        process.start()
    found: list[int] = []
    finished = 0
    while finished < len(processes):
        item = results.get()
        if item is None:
            finished += 1
        else:
            found.append(item)
    for process in processes:
        process.join()
    for prime in sorted(found):
        print(prime)
    print(f"primes up to {limit}: {len(found)}")


if __name__ == "__main__":
    main()
