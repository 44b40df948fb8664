"""A realistic mistake: threads instead of processes. Correct count, but one core under the GIL."""

import sys
from concurrent.futures import ThreadPoolExecutor


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
    return sum(1 for n in range(start, stop) if is_prime(n))


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    step = limit // 8 + 1
    ranges = [(start, min(start + step, limit + 1)) for start in range(1, limit + 1, step)]
    with ThreadPoolExecutor(max_workers=8) as pool:  # eight threads, one GIL
        total = sum(pool.map(count_primes, ranges))
    print(f"primes up to {limit}: {total}")


if __name__ == "__main__":
    main()
