"""Strategies: who runs next at each choice point, schedule after schedule.

A *chooser* answers one run's questions ``(choice_index, enabled, current,
kind, default) -> thread``; a *strategy* hands out one chooser per schedule and
learns from each finished run. Every strategy is deterministic for a given
seed, so a test that explores is as repeatable as one that does not.

* ``random``: a uniformly random enabled thread at every choice point.
* ``pct``: probabilistic concurrency testing (Burckhardt et al. 2010): random
  thread priorities, the highest-priority enabled thread runs, and at ``depth - 1``
  random choice points the running thread drops to the lowest priority. A bug
  that needs ``d`` ordering constraints is found with probability at least
  1/(n k^(d-1)) per schedule.
* ``dfs``: every schedule with at most ``bound`` preemptions (deviations from
  the default at points where the current thread could have gone on),
  enumerated once each, fewest preemptions first (iterative context bounding,
  as in CHESS): most concurrency bugs need only one or two preemptions, and the
  first failing schedule found is already a short one.
* ``auto``: ``dfs`` until its bounded space is exhausted, then ``pct`` for the
  rest of the budget; the first ``RANDOM_SLOTS`` odd-numbered schedules are
  ``random`` ones (the first schedules ``random`` with the same seed would run)
  interleaved with dfs's first ones. A bug that needs two or more preemptions
  at the right places (the spin lock) is usually hit by one of those within a
  few schedules, long before dfs reaches its preemption level; the dfs part is
  unchanged, so ``exhausted`` still means every schedule within the bound ran.
"""

from __future__ import annotations

import random as _random
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from conclab.explore._control import FREE, YIELD, Chooser, DivergenceError, Run


def default_chooser(index: int, enabled: list[int], current: int, kind: int, default: int) -> int:
    """Never deviate: keep the current thread while it can run."""
    return default


class Prefix:
    """Follow recorded choices, then the default. ``strict`` makes a mismatch an error (replay)."""

    def __init__(self, choices: Sequence[int], strict: bool = False) -> None:
        self.choices = list(choices)
        self.strict = strict

    def __call__(self, index: int, enabled: list[int], current: int, kind: int, default: int) -> int:
        if index < len(self.choices):
            chosen = self.choices[index]
            if chosen in enabled:
                return chosen
            if self.strict:
                others = ", ".join(f"T{t}" for t in enabled)
                raise DivergenceError(
                    f"at choice {index + 1} the schedule picks T{chosen}, but only {others} can run there")
        return default


class Deviations:
    """The default everywhere except at the given choice points (used while shrinking)."""

    def __init__(self, deviations: dict[int, int]) -> None:
        self.deviations = deviations

    def __call__(self, index: int, enabled: list[int], current: int, kind: int, default: int) -> int:
        chosen = self.deviations.get(index)
        return chosen if chosen is not None and chosen in enabled else default


class RandomChooser:
    def __init__(self, rng: _random.Random) -> None:
        self.rng = rng

    def __call__(self, index: int, enabled: list[int], current: int, kind: int, default: int) -> int:
        return enabled[self.rng.randrange(len(enabled))] if len(enabled) > 1 else enabled[0]


class PctChooser:
    def __init__(self, rng: _random.Random, depth: int, length: int) -> None:
        self.rng = rng
        self.depth = depth
        self.priority: dict[int, float] = {}
        points = max(length, depth)
        self.changes = set(rng.sample(range(points), min(depth - 1, points)))

    def __call__(self, index: int, enabled: list[int], current: int, kind: int, default: int) -> int:
        priority = self.priority
        if current in priority and (index in self.changes or kind == YIELD):
            # A change point, or a yield (sleep(0), an await, a spent time slice): without
            # this a busy-waiting thread with the top priority would starve the one it waits for.
            priority[current] = min(priority.values()) - 1.0
        for thread in enabled:
            if thread not in priority:
                priority[thread] = self.depth + self.rng.random()
        return max(enabled, key=priority.__getitem__)


class Strategy:
    """Hands out one chooser per schedule; learns from each run."""

    name = "strategy"
    needs_log = False
    exhausted: bool | None = None

    def next(self) -> Chooser | None:
        raise NotImplementedError

    def feedback(self, run: Run) -> None:
        """Called after each run made with the last chooser."""


class RandomStrategy(Strategy):
    name = "random"

    def __init__(self, seed: int) -> None:
        self.rng = _random.Random(seed)

    def next(self) -> Chooser:
        return RandomChooser(self.rng)


class PctStrategy(Strategy):
    name = "pct"

    def __init__(self, seed: int, depth: int = 3) -> None:
        self.rng = _random.Random(seed)
        self.depth = depth
        self.length = 20
        self.measured = False

    def next(self) -> Chooser:
        return PctChooser(self.rng, self.depth, self.length)

    def feedback(self, run: Run) -> None:
        # k, the number of choice points change points are drawn from, is the length of
        # the first run: runs that busy-wait are much longer and would dilute the draw.
        if not self.measured:
            self.measured = True
            self.length = max(self.depth, len(run.choices))


class DfsStrategy(Strategy):
    """Every schedule with at most ``bound`` preemptions, each once, fewest preemptions first."""

    name = "dfs"
    needs_log = True

    def __init__(self, bound: int) -> None:
        self.bound = bound
        # Work items per preemption count: (choices of the run that found it, position, alternative).
        self.levels: list[deque[tuple[tuple[int, ...], int, int]]] = [deque() for _ in range(bound + 1)]
        self.levels[0].append(((), -1, -1))
        self.cost = 0
        self.prefix: list[int] = []
        self.exhausted = False

    def next(self) -> Chooser | None:
        for cost, level in enumerate(self.levels):
            if level:
                parent, position, alternative = level.popleft()
                self.cost = cost
                self.prefix = [] if position < 0 else [*parent[:position], alternative]
                return Prefix(self.prefix)
        self.exhausted = True
        return None

    def feedback(self, run: Run) -> None:
        log = run.log or []
        choices = tuple(run.choices)
        bound = self.bound
        for position in range(len(self.prefix), len(log)):
            enabled, _default, kind = log[position]
            if len(enabled) < 2:
                continue
            cost = self.cost if kind == FREE else self.cost + 1
            if cost > bound:
                continue
            chosen = choices[position]
            level = self.levels[cost]
            for alternative in enabled:
                if alternative != chosen:
                    level.append((choices, position, alternative))
        if not any(self.levels):
            self.exhausted = True


class AutoStrategy(Strategy):
    """``dfs`` within the bound, with ``random`` schedules interleaved at first; then ``pct``.

    Schedules 1, 3, 5, ... up to ``2 * random_slots`` are random ones (seeded), the
    others come from the dfs enumeration; once dfs is exhausted, ``pct`` spends
    the rest of the budget. ``exhausted`` is the dfs part's: every schedule within
    the preemption bound was run. ``extra`` counts the schedules that were not
    dfs's (random and pct).
    """

    name = "auto"
    needs_log = True
    RANDOM_SLOTS = 8

    def __init__(self, bound: int, seed: int, random_slots: int = RANDOM_SLOTS) -> None:
        self.dfs = DfsStrategy(bound)
        self.random = RandomStrategy(seed)
        self.pct = PctStrategy(seed)
        self.active: Strategy = self.dfs
        self.random_left = random_slots
        self.handed = 0
        self.extra = 0
        self.exhausted = False

    def next(self) -> Chooser | None:
        self.handed += 1
        if self.random_left > 0 and self.handed % 2 == 0 and not self.dfs.exhausted:
            self.random_left -= 1
            self.active = self.random
            self.extra += 1
            return self.random.next()
        if not self.dfs.exhausted:
            chooser = self.dfs.next()
            if chooser is not None:
                self.active = self.dfs
                return chooser
            self.exhausted = True
        self.active = self.pct
        self.extra += 1
        return self.pct.next()

    def feedback(self, run: Run) -> None:
        self.active.feedback(run)
        self.exhausted = bool(self.dfs.exhausted)


def make_strategy(name: str, *, seed: int, preemptions: int) -> Strategy:
    if name == "random":
        return RandomStrategy(seed)
    if name == "pct":
        return PctStrategy(seed)
    if name == "dfs":
        return DfsStrategy(preemptions)
    return AutoStrategy(preemptions, seed)


def deviations(run: Run) -> dict[int, int]:
    """Choice points where ``run`` did not take the default (needs ``run.log``)."""
    log = run.log or []
    return {index: chosen for index, chosen in enumerate(run.choices)
            if index < len(log) and chosen != log[index][1]}


def last_deviation(run: Run) -> int:
    found = deviations(run)
    return max(found) if found else -1


InteractiveAsk = Callable[[Any], "int | None"]
