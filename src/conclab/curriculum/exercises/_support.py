"""Helpers the exercise checks share: the expected answers, computed here, and output parsing."""

from __future__ import annotations

import re
from functools import lru_cache

_LAST_INT = re.compile(r"(-?\d+)\s*$")


@lru_cache(maxsize=8)
def primes_upto(limit: int) -> tuple[int, ...]:
    """The primes in 1..limit by a sieve: the checker's own answer, independent of the learner's."""
    if limit < 2:
        return ()
    sieve = bytearray([1]) * (limit + 1)
    sieve[0] = sieve[1] = 0
    for n in range(2, int(limit**0.5) + 1):
        if sieve[n]:
            sieve[n * n :: n] = bytearray(len(range(n * n, limit + 1, n)))
    return tuple(i for i, flag in enumerate(sieve) if flag)


def trailing_int(line: str) -> int | None:
    """The number a line ends with (``primes up to 100000: 9592`` -> 9592), or None."""
    match = _LAST_INT.search(line)
    return int(match.group(1)) if match else None
