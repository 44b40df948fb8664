"""Reference solution of find_primes_parallel: a Pool maps the counting over split ranges."""

import os
import sys
from multiprocessing import Pool


def is_prime(n: int) -> bool:
    """Trial division: deliberately CPU-bound, so parallelism shows."""
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


def count_primes(bounds: tuple[int, int]) -> int:
    """How many primes there are in range(start, stop); one tuple so Pool.map can pass it."""
    start, stop = bounds
    return sum(1 for n in range(start, stop) if is_prime(n))


def split(limit: int, parts: int) -> list[tuple[int, int]]:
    """Cut 1..limit into consecutive half-open ranges that do not overlap."""
    step = max(1, limit // parts + 1)
    return [(start, min(start + step, limit + 1)) for start in range(1, limit + 1, step)]


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    workers = os.cpu_count() or 1
    # More parts than workers: the last parts (bigger numbers) cost more, so small
    # parts keep every core busy until the end.
    with Pool(workers) as pool:
        total = sum(pool.map(count_primes, split(limit, workers * 4)))
    print(f"primes up to {limit}: {total}")


if __name__ == "__main__":
    main()
