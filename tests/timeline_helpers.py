"""Module-level functions for the timeline tests: child processes must be able to import them."""

from __future__ import annotations

import os


def square(x: int) -> int:
    return x * x


def child_work(n: int) -> int:
    return sum(range(n)) + os.getpid() * 0
