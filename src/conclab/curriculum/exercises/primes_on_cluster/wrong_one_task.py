"""Wrong: the whole range is one task, so one worker counts everything while the other waits."""

import sys

from dask.distributed import Client


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


def count_primes(bounds: tuple[int, int]) -> int:
    """How many primes there are in range(start, stop)."""
    start, stop = bounds
    return sum(1 for n in range(start, stop) if is_prime(n))


def split(limit: int, parts: int) -> list[tuple[int, int]]:
    """Cut 1..limit into consecutive half-open ranges that do not overlap."""
    step = max(1, limit // parts + 1)
    return [(start, min(start + step, limit + 1)) for start in range(1, limit + 1, step)]


def main() -> None:
    address = sys.argv[1]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    with Client(address) as client:
        total = client.submit(count_primes, (1, limit + 1)).result()
    print(f"primes up to {limit}: {total}")


if __name__ == "__main__":
    main()
