"""A realistic mistake: inclusive range ends, so every boundary number is counted twice."""

import sys
from multiprocessing import Pool


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


def count_primes(bounds: tuple[int, int]) -> int:
    start, stop = bounds
    return sum(1 for n in range(start, stop + 1) if is_prime(n))


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    parts = 8
    step = limit // parts
    ranges = [(start, start + step) for start in range(1, limit, step)]
    with Pool() as pool:
        total = sum(pool.map(count_primes, ranges))
    print(f"primes up to {limit}: {total}")


if __name__ == "__main__":
    main()
