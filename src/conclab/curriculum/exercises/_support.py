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


def refused_url() -> str:
    """A loopback URL where nothing listens: bind a port, then close it, so connecting is refused."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/status/200"


def url_lines(lines: list[str]) -> dict[str, list[str]]:
    """``<url> <rest>`` lines grouped by URL: what a learner printed for each URL."""
    found: dict[str, list[str]] = {}
    for line in lines:
        url, _, rest = line.strip().partition(" ")
        if url.startswith("http"):
            found.setdefault(url, []).append(rest.strip())
    return found
