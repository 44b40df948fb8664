"""Exercise stream_primes: print each prime as soon as a worker finds it.

Run:  python stream_primes.py [LIMIT]      (LIMIT defaults to 100000)
Print one prime per line as it arrives, then a last line ending with the count.

This version counts in worker processes but prints only when every worker has
finished. Make the workers send each prime to the parent through a
multiprocessing.Queue, and make the parent print each one as it arrives.
"""

import os
import sys
from multiprocessing import Pool


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


def primes_in(bounds: tuple[int, int]) -> list[int]:
    start, stop = bounds
    return [n for n in range(start, stop) if is_prime(n)]


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    workers = os.cpu_count() or 1
    step = limit // workers + 1
    parts = [(start, min(start + step, limit + 1)) for start in range(1, limit + 1, step)]
    with Pool(workers) as pool:
        results = pool.map(primes_in, parts)  # waits for every worker
    count = 0
    for primes in results:
        for prime in primes:
            print(prime)
            count += 1
    print(f"primes up to {limit}: {count}")


if __name__ == "__main__":
    main()
