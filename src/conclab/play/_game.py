"""The game: the learner is the scheduler of a real program, one step at a time.

A position is reached by running the level's program afresh under the
explorer and answering its choice points from a list of choices (the
schedule prefix); at the first choice point past the prefix where the learner
must decide, the run is stopped and that point is the position. Undo and
restart are therefore exact: they replay a shorter prefix of the same real run.

A learner's move picks a thread at a choice point; the engine then answers the
points that need no decision by itself: a point where only one thread can run,
the first step of a thread that was just started (starting it shows nothing
yet), and, at opcode granularity, an instruction of the moved thread that
touches nothing another thread can see (the add of ``x += 1``, loading a
lock before ``with``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from conclab import explore
from conclab.play._level import Level


@dataclass(frozen=True)
class Position:
    """Where the run stands: a choice point to decide, or the finished run."""

    choices: tuple[int, ...]
    point: explore.ChoicePoint | None = None
    result: explore.Result | None = None

    @property
    def finished(self) -> bool:
        return self.result is not None


@dataclass(frozen=True)
class Proof:
    """What the explorer found when it tried every schedule within a bound."""

    schedules: int
    exhausted: bool | None
    winning: str | None         # a winning schedule string, or None


def _dull(point: explore.ChoicePoint, thread: int) -> bool:
    """At opcode granularity: the next instruction of ``thread`` shows nothing to another thread."""
    view = point.threads[thread]
    op = view.next_op
    if op == "BINARY_OP":
        return True
    if op.startswith("read "):
        name = op[5:].split(" ", 1)[0]
        return name not in point.shared
    return False


class _Driver:
    """The interactive callback: replay the prefix, make the move, then auto-answer until a decision."""

    def __init__(self, prefix: tuple[int, ...], move: int | None, opcode: bool) -> None:
        self.prefix = prefix
        self.move = move
        self.opcode = opcode
        self.taken: list[int] = []
        self.stopped_at: explore.ChoicePoint | None = None
        self.just_started = False

    def __call__(self, point: explore.ChoicePoint) -> int:
        chosen = self._choose(point)
        if chosen is None:
            self.stopped_at = point
            raise explore.Stop
        self.taken.append(chosen)
        return chosen

    def _choose(self, point: explore.ChoicePoint) -> int | None:
        position = len(self.taken)
        if position < len(self.prefix):
            return self.prefix[position]
        if len(point.enabled) == 1:
            return point.enabled[0]
        move = self.move
        if move is not None and position == len(self.prefix):
            if move not in point.enabled:
                return None
            self.just_started = point.threads[move].status == explore.ThreadState.NOT_STARTED
            return move
        if move is not None and point.current == move and move in point.enabled:
            if self.just_started:
                self.just_started = False
                return move
            if self.opcode and _dull(point, move):
                return move
        return None


@dataclass
class Game:
    """One level being played: the schedule so far, its moves, and the current position."""

    level: Level
    lang: str = "en"
    moves: list[tuple[int, int]] = field(default_factory=list)   # (thread, prefix length before)
    position: Position = field(init=False)

    def __post_init__(self) -> None:
        self.position = self._advance((), None)

    # ------------------------------------------------------------- running
    def _advance(self, prefix: tuple[int, ...], move: int | None) -> Position:
        driver = _Driver(prefix, move, self.level.granularity == "opcode")
        try:
            result = explore.run(self.level.path, interactive=driver, granularity=self.level.granularity,
                                 lang=self.lang)
        except explore.Stop:
            return Position(tuple(driver.taken), point=driver.stopped_at)
        return Position(tuple(driver.taken), result=result)

    def can_move(self, thread: int) -> bool:
        point = self.position.point
        return point is not None and thread in point.enabled

    def step(self, thread: int) -> bool:
        """Let ``thread`` take its next step; False (and nothing changes) when it cannot run now."""
        if not self.can_move(thread):
            return False
        before = self.position.choices
        self.position = self._advance(before, thread)
        self.moves.append((thread, len(before)))
        return True

    def undo(self) -> bool:
        if not self.moves:
            return False
        _, length = self.moves.pop()
        self.position = self._advance(self.position.choices[:length], None)
        return True

    def restart(self) -> None:
        self.moves.clear()
        self.position = self._advance((), None)

    # ------------------------------------------------------------- outcome
    @property
    def won(self) -> bool:
        result = self.position.result
        return bool(result is not None and result.finding is not None
                    and str(result.finding.kind) == self.level.win)

    @property
    def keys(self) -> str:
        """The learner's moves as the keys pressed (thread numbers), e.g. ``"0101"``."""
        return "".join(str(thread) for thread, _ in self.moves)

    def prove(self) -> Proof:
        """Ask the explorer for any winning schedule within the level's bound."""
        return prove(self.level, self.lang)


def prove(level: Level, lang: str = "en") -> Proof:
    """Search the level's schedules (dfs within its preemption bound) for one that wins."""
    result = explore.run(level.path, strategy="dfs", schedules=level.schedules,
                         preemptions=level.preemptions, granularity=level.granularity, lang=lang)
    finding = result.finding
    winning = finding.schedule if finding is not None and str(finding.kind) == level.win else None
    return Proof(result.schedules_explored, result.exhausted, winning)


def moves_for(level: Level, schedule: str) -> str | None:
    """The keys a learner presses to follow an explorer ``schedule`` (None if the game cannot follow it).

    The schedule is run once with the explorer's defaults after its end; every
    choice point where the game would ask the learner becomes a key, and every
    point the game answers itself must agree with the schedule.
    """
    choices, _ = explore.parse_schedule(schedule)
    full: list[int] = []

    def follow(point: explore.ChoicePoint) -> int:
        chosen = choices[len(full)] if len(full) < len(choices) else point.default
        full.append(chosen)
        return chosen

    explore.run(level.path, interactive=follow, granularity=level.granularity)
    game = Game(level)
    while not game.position.finished:
        at = len(game.position.choices)
        if at >= len(full) or not game.step(full[at]):
            return None
        if list(game.position.choices) != full[:len(game.position.choices)]:
            return None
    return game.keys if game.won else None
