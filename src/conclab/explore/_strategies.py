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
  first failing schedule found is already a short one. Preemptions right
  before a thread writes shared state (the middle of a read-modify-write or a
  check-then-act) are tried before the others: they count first in the order,
  never in the bound. From its first schedule a search reduces by partial order
  (``_por``): a choice point whose Mazurkiewicz trace, thread and time slice
  were already reached with no more preemptions (and no fewer threads awake)
  adds no work; sleep sets keep a thread from being run first where that was
  already tried at the same cost; a schedule whose next choice point is known
  to be such a point is not run at all.
* ``pos``: partial order sampling (Yuan et al. 2018, ``_pos``): random
  priorities per step, re-drawn where steps race.
* ``auto``: a portfolio: ``dfs`` alone for the first 20 schedules, then a
  quarter of the schedules dfs (raising its bound once exhausted), half pos,
  and the rest pct and random in turn. Without a budget from the caller it
  goes on past its 1,000 schedules with dfs alone, for up to 5 s, until the
  bound is exhausted.
"""

from __future__ import annotations

import heapq
import random as _random
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

from conclab.explore._enums import ChoiceKind
from conclab.explore._events import SKIP
from conclab.explore._por import REDUNDANT, Values, dependent, node_keys, sleep_label
from conclab.explore._pos import PosChooser
from conclab.explore._workers import Chooser, DivergenceError

if TYPE_CHECKING:
    from conclab.explore._run import Run

FREE, YIELD = ChoiceKind.FREE, ChoiceKind.YIELD
#: Threads asleep at a choice point (sleep sets), with what their next event touches.
#: Sleeping threads: (thread, what its next event touches, its name in keys: ``_named``).
Sleepers = tuple[tuple[int, Any, int], ...]
#: A dfs work item (see ``DfsStrategy.heap``).
WorkItem = tuple[int, int, int, int, tuple[int, ...], int, tuple[int, ...], int, tuple[Any, ...], Sleepers]

#: Partial-order reduction in ``dfs`` and ``auto`` (tests and benchmarks turn it off to compare).
REDUCE = True


class Prefix:
    """Follow recorded choices, then the default. ``strict`` makes a mismatch an error (replay)."""

    def __init__(self, choices: Sequence[int], strict: bool = False) -> None:
        self.choices = list(choices)
        self.strict = strict
        self.por = False  # whether the run logs its events for partial-order reduction
        self.started_symmetry = False  # whether threads that have run may be symmetric (``_symmetry``)
        # dfs: from which choice on the run logs its symmetry classes (None: nowhere).
        self.classify_from: int | None = None

    def __call__(self, index: int, enabled: list[int], current: int, kind: ChoiceKind, default: int) -> int:
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

    def __call__(self, index: int, enabled: list[int], current: int, kind: ChoiceKind, default: int) -> int:
        chosen = self.deviations.get(index)
        return chosen if chosen is not None and chosen in enabled else default


class RandomChooser:
    def __init__(self, rng: _random.Random) -> None:
        self.rng = rng

    def __call__(self, index: int, enabled: list[int], current: int, kind: ChoiceKind, default: int) -> int:
        return enabled[self.rng.randrange(len(enabled))] if len(enabled) > 1 else enabled[0]


class PctChooser:
    def __init__(self, rng: _random.Random, depth: int, length: int) -> None:
        self.rng = rng
        self.depth = depth
        self.priority: dict[int, float] = {}
        points = max(length, depth)
        self.changes = set(rng.sample(range(points), min(depth - 1, points)))

    def __call__(self, index: int, enabled: list[int], current: int, kind: ChoiceKind, default: int) -> int:
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

    def go_on(self) -> bool:
        """Whether to go on past the budget (asked once it is spent, before each extra schedule)."""
        return False


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


class PosStrategy(Strategy):
    """Partial order sampling (see ``_pos``): one fresh :class:`PosChooser` per schedule."""

    name = "pos"

    def __init__(self, seed: int) -> None:
        self.rng = _random.Random(seed)

    def next(self) -> Chooser:
        return PosChooser(self.rng)


class DfsStrategy(Strategy):
    """Every schedule with at most ``bound`` preemptions, each once, fewest preemptions first.

    Among schedules, those whose preemptions all stop a thread right before it
    writes shared state (a store, a delete, entering ``with``: the middle of a
    read-modify-write or of a check-then-act) come first, fewest preemptions
    first; then the others by their count of preemptions elsewhere. Before the
    count of preemptions comes the count of free deviations (another thread
    chosen where the current one could not go on, such as which thread starts
    first: with identical threads that is often a mirror image of a schedule
    already run). Only the order changes: every schedule within the bound is
    still run exactly once.
    """

    name = "dfs"
    needs_log = True
    #: Schedules run before the partial-order reduction starts, then when it is judged:
    #: at :attr:`POR_TRIAL`, whether the space can be exhausted at all, at :attr:`POR_PAYS`,
    #: whether it has merged enough (``_judge_reduction``). Its log and keys cost a run
    #: about 1.5 times its CPU, but the work items pushed by unreduced runs carry no sleep
    #: sets nor guessed keys: starting it after 64 schedules took 3 to 4 times more
    #: schedules to exhaust small programs (account_fixed 511 against 149), more than the
    #: log saves.
    POR_AFTER = 0
    POR_TRIAL = 64
    POR_PAYS = 256

    def __init__(self, bound: int, deepen: bool = False, reduce: bool | None = None) -> None:
        self.bound = bound
        # Partial-order reduction (``_por``): the fewest preemptions each choice point's key
        # was reached with; a run stops adding work where it reaches a key no cheaper.
        self.reduce = REDUCE if reduce is None else reduce
        # Per key: the fewest preemptions and the sleep set it was expanded with.
        self.visited: dict[object, tuple[int, frozenset[tuple[int, Any]]]] = {}
        self.values = Values()
        self.pruned = 0
        self.served = 0
        # Work items not pushed because of the reduction (roughly: the points with a choice
        # after the cut) and pushed while it was on.
        self.saved = 0
        self.kept = 0
        # Work items: (other preemptions, free deviations, preemptions, sequence number, choices
        # of the run that found it, position, the alternatives there, the next one's index); the
        # smallest first. One item stands for all the alternatives at a position: it goes back
        # on the heap with the next index when one is taken (the same order as one item per
        # alternative, without pushing 25 of them per choice point among 26 threads).
        self.heap: list[WorkItem] = [(0, 0, 0, 0, (), -1, (-1,), 0, (None,), ())]
        self.sleepers: Sleepers = ()
        # Schedules not run at all: the key of their first new choice point, known before
        # running them (``_por._guess``), was already reached with no more preemptions.
        self.skipped = 0
        # With ``deepen``: the items one preemption over the bound, for when the bound is raised.
        self.deepen = deepen
        self.over: list[WorkItem] = []
        self.pushed = 1
        self.cost = 0
        self.other = 0
        self.free = 0
        self.prefix: list[int] = []
        self.exhausted = False
        # Symmetry between threads (``_symmetry``) holds preemption costs equal except at
        # YIELD points among three threads or more (``sleep(0)``, a used-up time slice),
        # whose free choice is the next thread by number: once a run has one, the search
        # starts again without symmetry if it had used it (``_restart``).
        self.yielded = False
        self.symmetric = False
        self.first_bound = bound

    def next(self) -> Chooser | None:
        while True:
            if not self.heap:
                self.exhausted = True
                if not (self.deepen and self.over):
                    return None
                # Iterative context bounding: the space within the bound was run; go one deeper
                # (``exhausted`` stays about the bound asked for).
                self.bound += 1
                self.heap, self.over = self.over, []
                heapq.heapify(self.heap)
            item = heapq.heappop(self.heap)
            self.other, self.free, self.cost, _, parent, position, alternatives, index, guesses, sleepers = item
            alternative = alternatives[index]
            if index + 1 < len(alternatives):
                heapq.heappush(self.heap, (*item[:7], index + 1, guesses, sleepers))
            self.sleepers = sleepers
            if not (self.reduce and self._covered(guesses[index], sleepers)):
                break
            self.skipped += 1
        self.prefix = [] if position < 0 else [*parent[:position], alternative]
        chooser = Prefix(self.prefix)
        # The reduction costs each run a log of its events: small searches, which find their
        # bug or exhaust their bound within a few dozen schedules, run without it.
        chooser.por = self.reduce and self.served >= self.POR_AFTER
        chooser.started_symmetry = not self.yielded
        chooser.classify_from = None if self.yielded else len(self.prefix)
        self.served += 1
        return chooser

    def _covered(self, guess: Any, sleepers: Sleepers) -> bool:
        """Whether a schedule need not run: its first new choice point was already expanded."""
        if guess is None:
            return False
        if guess is REDUNDANT:
            return True
        node, access = guess
        seen = self.visited.get(node)
        if seen is None or seen[0] > self.cost:
            return False
        asleep = {(name, touched) for _thread, touched, name in sleepers if not dependent(touched, access)}
        return seen[1] <= asleep

    def feedback(self, run: Run) -> None:
        if run.classes:
            self.symmetric = True
        if run.yields3 and not self.yielded:
            self.yielded = True
            if self.symmetric:
                self._restart()
                return
        log = run.log or []
        choices = tuple(run.choices)  # shared by every work item this run pushes
        guessed: dict[int, dict[int, Any]] = {}
        touched: list[Any] = []
        # Guesses where the alternatives stay within the bound (not for the items kept for a
        # deeper bound: they cost a lot of work per run among many threads, for little).
        full = self.cost >= self.bound
        names: dict[int, tuple[int, int]] = {}
        keys = node_keys(run, self.values, len(self.prefix), guessed, touched, full, names) if self.reduce else None
        # With twins, keys name threads by label, so sleep sets are compared by label too.
        twins = keys is not None and bool(run.twin_groups())
        if twins:
            self.symmetric = True
        visited = self.visited
        # Sleep sets: the threads whose next event was already tried first, at the same cost,
        # from a point this run passed, and commutes with everything run since.
        asleep = {thread: mine for thread, mine, _name in self.sleepers} if keys is not None else {}
        cursor = run.marks[len(self.prefix) - 1][0] if keys is not None and self.prefix else 0
        for position in range(len(self.prefix), len(log)):
            if keys is not None:
                cursor = _wake(asleep, touched, cursor, run.marks[position][0])
                node = keys[position]
                seen = visited.get(node)
                count = run.marks[position][0]
                # Each sleeping thread with its next event: a thread's first step is left out of
                # keys, so a thread asleep before it and one asleep after it must not compare equal.
                sleeping = frozenset((sleep_label(thread, names, count) if twins else thread, mine)
                                     for thread, mine in asleep.items())
                if seen is not None and seen[0] <= self.cost and seen[1] <= sleeping:
                    # The same trace, thread and time slice were reached with no more
                    # preemptions and no fewer threads awake: everything from here was or
                    # will be tried from there.
                    self.pruned += 1
                    self.saved += sum(1 for enabled, _, kind in log[position:]
                                      if len(enabled) > 1 and (kind == FREE or self.cost < self.bound))
                    break
                if seen is None or seen[0] > self.cost or (seen[0] == self.cost and len(asleep) <= len(seen[1])):
                    visited[node] = (self.cost, sleeping)
            self._expand(run, choices, position, asleep, guessed.get(position, {}),
                         touched if keys is not None else None, names if twins else None)
            if run.choices[position] in asleep:
                # The run goes on with a sleeping thread: the rest of it reorders schedules
                # tried from where that thread was first run.
                self.pruned += 1
                break
        self._judge_reduction()
        if not self.heap:
            self.exhausted = True

    def _restart(self) -> None:
        """Start again from the first schedule, without symmetry (see :attr:`yielded`).

        What symmetry left out may differ from what was run in the cost of a YIELD
        point, so the space it cut is not known to be covered within the bound; the
        schedules run so far count in the budget.
        """
        self.bound = self.first_bound
        self.visited.clear()
        self.heap = [(0, 0, 0, 0, (), -1, (-1,), 0, (None,), ())]
        self.over = []
        self.sleepers = ()
        self.pushed = 1
        self.cost = self.other = self.free = 0
        self.prefix = []
        self.exhausted = False
        self.symmetric = False

    def _judge_reduction(self) -> None:
        """Keep the partial-order reduction on only where it pays (see :attr:`POR_TRIAL`)."""
        if self.reduce and self.served == self.POR_AFTER + self.POR_TRIAL:
            # Where over 50 schedules wait per schedule run, the space is not exhausted in any
            # budget, and kept on, the log cost fsbench_fixed's default 1,000 schedules 14.1 s
            # of CPU instead of 10.3 s.
            pending = sum(len(item[6]) - item[7] for item in self.heap)
            self.reduce = pending <= 50 * self.served
        if self.reduce and self.served == self.POR_AFTER + self.POR_PAYS:
            # Where it has merged almost nothing by then, the log costs more than it saves:
            # wsq_fixed, whose threads race on every access, merged 19 points in 256 runs,
            # and kept on it needs 3,774 schedules instead of 4,325, each 2.2 times
            # slower. Judged later than the trial above because what it merges grows with
            # the search: in their first 64 runs it merged 30 points of stack_fixed and 35
            # of circular_buffer_fixed (a tenth of the work was the old bar), by 256 runs 203
            # and 302; kept on, it exhausts them in 1,346 and 465 schedules, not 16,461 and 4,211.
            self.reduce = (self.skipped + self.pruned) * 20 >= self.kept

    def _expand(self, run: Run, choices: tuple[int, ...], position: int, asleep: dict[int, Any],
                guess: dict[int, Any], touched: list[Any] | None,
                names: dict[int, tuple[int, int]] | None = None) -> None:
        """Push the work item of the alternatives at choice ``position`` of ``run``, if any is within reach."""
        enabled, _default, kind = (run.log or [])[position]
        if len(enabled) < 2:
            return
        cost, other, free = self.cost, self.other, self.free
        if kind == FREE:
            free += 1
        else:
            cost += 1
            if position not in run.before_write:
                other += 1
        if cost > self.bound + (1 if self.deepen else 0):
            return
        alternatives = tuple(alternative for alternative in _alternatives(enabled, choices[position],
                                                                       run.classes.get(position))
                             if alternative not in asleep)
        if not alternatives:
            return
        count = run.marks[position][0] if touched is not None else 0
        sleepers = tuple((thread, mine, _named(thread, names, count)) for thread, mine in asleep.items())
        if touched is not None and kind != FREE:
            # The thread that was going on sleeps in the preemptions tried here (at a free
            # point, running it first would cost a preemption more: no sleep there).
            mine = touched[count]
            if mine is not None and mine is not SKIP:
                chosen = choices[position]
                sleepers = (*sleepers, (chosen, mine, _named(chosen, names, count)))
        item = (other, free, cost, self.pushed, choices, position, alternatives, 0,
                tuple(guess.get(alternative) for alternative in alternatives), sleepers)
        if cost <= self.bound:
            heapq.heappush(self.heap, item)
            if touched is not None:
                self.kept += 1  # work the reduction let through (within the bound), beside what it cut
        else:
            self.over.append(item)
        self.pushed += 1


def _named(thread: int, names: dict[int, tuple[int, int]] | None, count: int) -> int:
    return thread if names is None else sleep_label(thread, names, count)


def _wake(asleep: dict[int, Any], touched: list[Any], cursor: int, until: int) -> int:
    """Wake the sleeping threads whose next event depends on one of events ``cursor`` to ``until``."""
    while cursor < until and asleep:
        access = touched[cursor]
        for thread in [thread for thread, mine in asleep.items() if dependent(mine, access)]:
            del asleep[thread]
        cursor += 1
    return max(cursor, until)


def _alternatives(enabled: tuple[int, ...], chosen: int, fresh: dict[int, Hashable] | None) -> list[int]:
    """The threads to try instead of ``chosen`` at a choice point."""
    if not fresh:
        return [alternative for alternative in enabled if alternative != chosen]
    seen = {fresh.get(chosen)}
    alternatives = []
    for alternative in enabled:
        if alternative == chosen:
            continue
        if alternative in fresh:
            # Symmetry: a thread that has not run yet, with the same entry function as one
            # already tried here, would give the same schedules.
            if fresh[alternative] in seen:
                continue
            seen.add(fresh[alternative])
        alternatives.append(alternative)
    return alternatives


def deviations(run: Run) -> dict[int, int]:
    """Choice points where ``run`` did not take the default (needs ``run.log``)."""
    log = run.log or []
    return {index: chosen for index, chosen in enumerate(run.choices)
            if index < len(log) and chosen != log[index][1]}


def last_deviation(run: Run) -> int:
    found = deviations(run)
    return max(found) if found else -1

