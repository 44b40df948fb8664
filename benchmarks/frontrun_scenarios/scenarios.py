"""frontrun 0.7 versions of four conclab built-ins (same code, frontrun's shape).

conclab scenarios are modules with globals, ``THREADS`` and ``check()``;
frontrun explores ``setup() -> state``, ``workers(state)`` and
``invariant(state) -> bool``. Each entry below keeps the worker bodies of
``src/conclab/explore/scenarios/<name>.py`` line for line, with the module
globals moved onto a fresh state object.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class Counter:
    def __init__(self) -> None:
        self.counter = 0


def lost_update_worker(s: Counter) -> None:
    s.counter += 1


class Spin:
    def __init__(self) -> None:
        self.locked = False
        self.counter = 0


def spin_worker(s: Spin) -> None:
    while s.locked:
        pass
    s.locked = True
    s.counter += 1
    s.locked = False


class Accounts:
    def __init__(self) -> None:
        self.lock_a = threading.Lock()
        self.lock_b = threading.Lock()
        self.balance_a = 100
        self.balance_b = 100


def a_to_b(s: Accounts) -> None:
    with s.lock_a:
        s.balance_a -= 10
        with s.lock_b:
            s.balance_b += 10


def b_to_a(s: Accounts) -> None:
    with s.lock_b:
        s.balance_b -= 10
        with s.lock_a:
            s.balance_a += 10


class LockedCounter:
    def __init__(self) -> None:
        self.counter = 0
        self.lock = threading.Lock()


def locked_worker(s: LockedCounter) -> None:
    with s.lock:
        s.counter += 1


@dataclass
class Scenario:
    setup: Callable[[], Any]
    workers: list[Callable[[Any], None]]
    invariant: Callable[[Any], bool]
    expect_bug: bool


SCENARIOS: dict[str, Scenario] = {
    "lost-update": Scenario(Counter, [lost_update_worker] * 2, lambda s: s.counter == 2, True),
    "spinlock": Scenario(Spin, [spin_worker] * 2, lambda s: s.counter == 2, True),
    "lock-order-deadlock": Scenario(Accounts, [a_to_b, b_to_a],
                                    lambda s: s.balance_a + s.balance_b == 200, True),
    "locked-counter": Scenario(LockedCounter, [locked_worker] * 2, lambda s: s.counter == 2, False),
}
