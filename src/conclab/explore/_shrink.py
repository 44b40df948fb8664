"""Shrinking: the same kind of finding with fewer deviations from the default schedule.

Fewer deviations means fewer context switches, so the step table a learner
reads shows only the switches that matter.
"""

from __future__ import annotations

import time

from conclab.explore import _schedule
from conclab.explore._enums import FindingKind
from conclab.explore._run import Run
from conclab.explore._session import Batch, RunParams
from conclab.explore._strategies import Deviations, deviations

#: A run's deviations from the default, as a hashable key (see :func:`key`).
Key = tuple[tuple[int, int], ...]


def key(run: Run) -> Key:
    """A run's deviations from the default, as a key: the same key always gives the same run."""
    return tuple(deviations(run).items())


class Shrinker(Batch):
    """Shrinking as a batch: fewer deviations from the default schedule, same kind of finding.

    Candidates drop a block of the current best's deviations, last blocks first,
    blocks half as long as the deviations at first and halving down to one (as
    in delta debugging): a schedule from ``random``, with many deviations of
    which only two or three matter, shrinks in a few runs instead of one run per
    deviation. An improvement restarts the candidates from the new best. A
    candidate whose outcome is already known (``known``: every logged run of the
    search, by its deviations) is skipped when it does not fail the same way, so
    a schedule dfs found with the fewest preemptions usually costs no run at
    all. It ends when no candidate improves or the budget (runs, seconds) is spent.
    """

    def __init__(self, best: Run, kind: FindingKind, max_runs: int, deadline: float,
                 known: dict[Key, FindingKind | None] | None = None) -> None:
        self.best = best
        self.kind = kind
        self.max_runs = max_runs
        self.deadline = deadline
        self.known = known if known is not None else {}
        self.runs = 0
        self.current: dict[int, int] = {}
        self.keys: list[int] = []
        self.chunk = 1
        self.end = 0
        self._restart()

    @staticmethod
    def score(record: Run) -> tuple[int, int]:
        """Smaller is better: deviations first, then context switches."""
        return len(deviations(record)), _schedule.context_switches(record.choices)

    def _restart(self) -> None:
        self.current = deviations(self.best)
        self.keys = sorted(self.current)
        self.chunk = max(1, len(self.keys) // 2)
        self.end = len(self.keys)

    def _candidate(self) -> dict[int, int] | None:
        """The next trial (the current deviations less one block), or None when all were tried."""
        while self.keys:
            if self.end <= 0:
                if self.chunk == 1:
                    return None
                self.chunk = max(1, self.chunk // 2)
                self.end = len(self.keys)
            start = max(0, self.end - self.chunk)
            dropped = set(self.keys[start:self.end])
            self.end = start
            trial = {index: thread for index, thread in self.current.items() if index not in dropped}
            outcome = self.known.get(tuple(trial.items()), "?")
            if outcome == "?" or outcome == self.kind:
                return trial
        return None

    def next(self) -> RunParams | None:
        if self.runs >= self.max_runs or time.perf_counter() >= self.deadline:
            return None
        trial = self._candidate()
        return None if trial is None else (Deviations(trial), False, True)

    def after(self, run: Run) -> bool:
        self.runs += 1
        if run.fatal is not None:
            return False
        kind = run.finding.kind if run.finding is not None else None
        self.known[key(run)] = kind
        if kind == self.kind and self.score(run) < self.score(self.best):
            self.best = run
            self._restart()
        return False
