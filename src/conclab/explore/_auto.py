"""The default strategy, a portfolio of the others, and the factory of strategies by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conclab.explore._strategies import (
    DfsStrategy,
    PctStrategy,
    PosStrategy,
    RandomStrategy,
    Strategy,
)
from conclab.explore._workers import Chooser

if TYPE_CHECKING:
    from conclab.explore._run import Run

class AutoStrategy(Strategy):
    """A portfolio: ``dfs`` alone for the first schedules, then dfs, pos, pct and random in turn.

    dfs finds the usual one- and two-preemption bugs in a handful of schedules, so
    it runs alone for the first :attr:`WARMUP`. After that the schedules go round
    :attr:`CYCLE`: a quarter to dfs, half to pos, an eighth each to pct and
    random. pos finds in tens to hundreds of schedules what dfs only reaches
    after thousands: a bug that needs one preemption before a read among many
    threads (where dfs first works through the orders of the threads' starts),
    or three preemptions (the work-stealing queue of SCTBench); pct and random
    stay in for the bugs they find in a different shape of schedule. Measured on
    the SCTBench port (``benchmarks/sctbench.py``, ``docs/explore.md``). dfs
    raises its bound by one once the bounded space is exhausted (``exhausted``
    still speaks of the bound asked for) and its turns go to the others once it
    has nothing left; pos, pct and random share the seed, each with its own
    random generator.
    """

    name = "auto"
    needs_log = True
    WARMUP = 20
    CYCLE = ("dfs", "pos", "pct", "pos", "dfs", "pos", "random", "pos")

    def __init__(self, bound: int, seed: int) -> None:
        self.dfs = DfsStrategy(bound, deepen=True)
        self.members: dict[str, Strategy] = {
            "pos": PosStrategy(seed), "pct": PctStrategy(seed), "random": RandomStrategy(seed)}
        self.active: Strategy = self.dfs
        self.served = 0
        self.extra = 0
        self.exhausted = False
        self.dfs_done = False
        self.going_on = False

    def go_on(self) -> bool:
        """Past the budget, run dfs alone until it has exhausted the bound asked for.

        Without this a fixed program's report would say "none found in 1,000"
        when a few hundred more dfs schedules would clear the whole bounded space
        (the caller caps it in seconds). dfs no longer deepens then: it stops when
        the bound is exhausted.
        """
        if self.dfs.exhausted or self.dfs_done:
            return False
        self.going_on = True
        self.dfs.deepen = False
        return True

    def next(self) -> Chooser | None:
        if self.going_on:
            self.active = self.dfs
            chooser = self.dfs.next()
            if chooser is None:
                # The last items may all have been skipped, with no run to report it.
                self.exhausted = bool(self.dfs.exhausted)
            return chooser
        self.served += 1
        turn = self.served - self.WARMUP
        member = "dfs" if turn <= 0 else self.CYCLE[(turn - 1) % len(self.CYCLE)]
        if member == "dfs" and not self.dfs_done:
            chooser = self.dfs.next()
            if chooser is not None:
                self.active = self.dfs
                return chooser
            self.dfs_done = True
        self.extra += 1
        if member == "dfs":
            # dfs has nothing left: its turn goes to pos, pct and random in turn.
            member = ("pos", "pct", "pos", "random")[self.extra % 4]
        self.active = self.members[member]
        return self.active.next()

    def feedback(self, run: Run) -> None:
        self.active.feedback(run)
        self.exhausted = bool(self.dfs.exhausted)


def make_strategy(name: str, *, seed: int, preemptions: int) -> Strategy:
    if name == "random":
        return RandomStrategy(seed)
    if name == "pct":
        return PctStrategy(seed)
    if name == "pos":
        return PosStrategy(seed)
    if name == "dfs":
        return DfsStrategy(preemptions)
    return AutoStrategy(preemptions, seed)
