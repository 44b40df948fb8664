"""Exercise find_primes_parallel: count the primes in 1..LIMIT on every core.

Run:  python find_primes_parallel.py [LIMIT]      (LIMIT defaults to 100000)
The last line must end with the number of primes (9592 for 100000).

This version is correct but uses one core. Make it split the range into
parts and count each part in a separate process with multiprocessing.Pool.
"""

import sys


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


def count_primes(start: int, stop: int) -> int:
    """How many primes there are in range(start, stop)."""
    return sum(1 for n in range(start, stop) if is_prime(n))


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    # TODO: split range(1, limit + 1) into parts and count them in parallel.
    total = count_primes(1, limit + 1)
    print(f"primes up to {limit}: {total}")


if __name__ == "__main__":
    main()
