"""A realistic mistake: threads for both parts. The waits overlap, but the counting takes turns under the GIL."""

import sys
import time
from concurrent.futures import ThreadPoolExecutor

REQUESTS = 12
WAIT_S = 0.2
CPU_LIMIT = 300_000
CHUNKS = 8


def fetch(n: int) -> int:
    """A request: almost all of its time is spent waiting for the reply."""
    time.sleep(WAIT_S)
    return n * 10


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
    """Pure computation: it needs a CPU the whole time."""
    start, stop = bounds
    return sum(1 for n in range(start, stop) if is_prime(n))


def io_part() -> None:
    jobs = list(range(REQUESTS))
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        replies = list(pool.map(fetch, jobs))
    print(f"io: {sum(replies)}", flush=True)


def cpu_part() -> None:
    step = CPU_LIMIT // CHUNKS
    chunks = [(start, min(start + step, CPU_LIMIT)) for start in range(0, CPU_LIMIT, step)]
    with ThreadPoolExecutor() as pool:
        counts = list(pool.map(count_primes, chunks))
    print(f"cpu: {sum(counts)}", flush=True)


def main() -> None:
    part = sys.argv[1] if len(sys.argv) > 1 else "both"
    if part in ("io", "both"):
        io_part()
    if part in ("cpu", "both"):
        cpu_part()


if __name__ == "__main__":
    main()
