"""A realistic mistake: each worker's range includes its stop, so boundary primes come twice."""

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
    for n in range(start, stop + 1):
        if is_prime(n):
            results.put(n)
    results.put(None)


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    bounds = [(1, 3), (3, limit // 2), (limit // 2, limit)]
    results: Queue[int | None] = Queue()
    processes = [Process(target=worker, args=(start, stop, results)) for start, stop in bounds]
    for process in processes:
        process.start()
    count = 0
    finished = 0
    while finished < len(processes):
        item = results.get()
        if item is None:
            finished += 1
            continue
        print(item)
        count += 1
    for process in processes:
        process.join()
    print(f"primes up to {limit}: {count}")


if __name__ == "__main__":
    main()
