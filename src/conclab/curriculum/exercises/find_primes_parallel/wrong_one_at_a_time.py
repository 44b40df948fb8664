"""A realistic mistake: a Pool, but apply() waits for each part before sending the next."""

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


def count_primes(start: int, stop: int) -> int:
    return sum(1 for n in range(start, stop) if is_prime(n))


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    step = limit // 4 + 1
    total = 0
    with Pool(4) as pool:
        for start in range(1, limit + 1, step):
            total += pool.apply(count_primes, (start, min(start + step, limit + 1)))
    print(f"primes up to {limit}: {total}")


if __name__ == "__main__":
    main()
