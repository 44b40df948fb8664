"""Exercise primes_on_cluster: count the primes in 1..LIMIT on a Dask cluster.

Run:  python primes_on_cluster.py SCHEDULER_ADDRESS [LIMIT]
      (SCHEDULER_ADDRESS as 'dask scheduler' prints it, e.g. tcp://127.0.0.1:8786;
      LIMIT defaults to 100000)
The last line must end with the number of primes (9592 for 100000).

This version is correct but counts inside this program and never uses the
cluster. Connect a dask.distributed.Client to the address, send the parts to
the cluster's workers as tasks, and add up their counts.
"""

import sys


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
    # TODO: connect to the scheduler at `address` and count the parts on its workers.
    print(f"scheduler: {address}")
    total = count_primes((1, limit + 1))
    print(f"primes up to {limit}: {total}")


if __name__ == "__main__":
    main()
