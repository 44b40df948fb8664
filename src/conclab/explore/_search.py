"""The search: schedule after schedule from a strategy, then shrinking and the recorded replay.

All of it is one batch run by the scenario threads themselves (see
``Session.run_batch``): keeping the search, the shrinking and the final
recorded run in one batch spares the round trips through the engine's thread
that separate batches would cost.
"""

from __future__ import annotations

import enum
import time

from conclab.explore._enums import FindingKind
from conclab.explore._run import Run
from conclab.explore._session import Batch, RunParams
from conclab.explore._shrink import Key, Shrinker, key
from conclab.explore._strategies import Prefix, Strategy


class Phase(enum.Enum):
    """Where a search is: searching, re-running the finding with a log, shrinking, recording."""

    SEARCH = "search"
    RELOG = "relog"      # the failing run had no log, which shrinking needs: run it once more
    SHRINK = "shrink"
    REPLAY = "replay"    # the shrunk schedule, once more with recording on, for the step table


class Search(Batch):
    """The exploration loop: search; on a finding, shrink (see :class:`Shrinker`); then record."""

    def __init__(self, strategy: Strategy, schedules: int, started: float, shrink: bool = True,
                 go_on_until: float | None = None) -> None:
        self.strategy = strategy
        self.schedules = schedules
        self.started = started
        # Past ``schedules``, the strategy may go on (``Strategy.go_on``) until this time.
        self.go_on_until = go_on_until
        self.shrink = shrink
        self.explored = 0
        self.failing: Run | None = None
        self.fatal: Run | None = None
        self.found_after: float | None = None
        self.record: Run | None = None
        self.log = bool(strategy.needs_log)
        self.phase = Phase.SEARCH
        # Outcome (finding kind or None) of every logged run by its deviations: shrinking
        # skips a candidate already known not to fail the same way.
        self.known: dict[Key, FindingKind | None] = {}
        self.shrinker: Shrinker | None = None
        self.best: list[int] = []

    def next(self) -> RunParams | None:
        if self.phase is Phase.SEARCH:
            if self.explored >= self.schedules and not self._going_on():
                return None
            chooser = self.strategy.next()
            return None if chooser is None else (chooser, False, self.log)
        if self.phase is Phase.RELOG:
            assert self.failing is not None
            return Prefix(self.failing.choices), False, True
        if self.phase is Phase.SHRINK:
            assert self.shrinker is not None
            params = self.shrinker.next()
            if params is not None:
                return params
            self.best = list(self.shrinker.best.choices)
            self.phase = Phase.REPLAY
        return Prefix(self.best, strict=True), True, True

    def _going_on(self) -> bool:
        until = self.go_on_until
        return until is not None and time.perf_counter() < until and self.strategy.go_on()

    def after(self, run: Run) -> bool:
        phase = self.phase
        if phase is Phase.SEARCH:
            return self._searched(run)
        if phase is Phase.RELOG:
            assert self.failing is not None and self.failing.finding is not None
            if run.fatal is None and run.finding is not None and run.finding.kind == self.failing.finding.kind:
                self.known[key(run)] = run.finding.kind
                self._start_shrinking(run)
            else:
                self.phase = Phase.REPLAY
            return False
        if phase is Phase.SHRINK:
            assert self.shrinker is not None
            self.shrinker.after(run)
            return False
        self.record = run
        return True

    def _searched(self, run: Run) -> bool:
        """One schedule of the search ran: learn from it; on a finding, move on to shrinking."""
        self.explored += 1
        if run.fatal is not None:
            self.fatal = run
            return True
        self.strategy.feedback(run)
        if run.log is not None:
            self.known[key(run)] = run.finding.kind if run.finding is not None else None
        if run.finding is None:
            return False
        self.failing = run
        self.found_after = time.perf_counter() - self.started
        self.best = list(run.choices)
        if not self.shrink:
            self.phase = Phase.REPLAY
        elif run.log is None:
            self.phase = Phase.RELOG
        else:
            self._start_shrinking(run)
        return False

    def _start_shrinking(self, best: Run) -> None:
        assert best.finding is not None
        self.shrinker = Shrinker(best, best.finding.kind, max_runs=300,
                                 deadline=time.perf_counter() + 1.0, known=self.known)
        self.phase = Phase.SHRINK
