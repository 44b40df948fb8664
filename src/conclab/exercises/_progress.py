"""The learner's progress: a small JSON file that survives a kill at any moment.

Every write goes to a temporary file in the same folder, is flushed to disk,
then renamed over the old file with :func:`os.replace`, which is atomic: a
reader sees the old store or the new one, never half of one. Writers take an
advisory lock so ``conclab watch`` and ``conclab check`` in two terminals do
not lose each other's updates. A store that is unreadable anyway (edited by
hand, disk trouble) is moved aside and rebuilt empty: progress is worth less
than a learner who can carry on: any damage (bad bytes, huge numbers, deep
nesting, a file that cannot be read) is moved aside under a name no later
recovery reuses. A store that cannot be *written* (a read-only workspace) is
one :class:`ConclabError`, not a traceback.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conclab.errors import ConclabError

VERSION = 1
#: What a damaged store can raise while being read and parsed (1e400 -> inf -> int(): OverflowError;
#: 100,000 nested '[': RecursionError; bytes that are not UTF-8: UnicodeDecodeError, a ValueError).
_DAMAGE = (OSError, ValueError, TypeError, OverflowError, RecursionError)


@dataclass
class ExerciseProgress:
    """What conclab remembers about one exercise."""

    passed: bool = False
    passed_at: float | None = None
    attempts: int = 0
    last_passed: bool | None = None
    last_checked_at: float | None = None
    hints_shown: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"passed": self.passed, "passed_at": self.passed_at, "attempts": self.attempts,
                "last_passed": self.last_passed, "last_checked_at": self.last_checked_at,
                "hints_shown": self.hints_shown}

    @classmethod
    def from_json(cls, data: Any) -> ExerciseProgress:
        if not isinstance(data, dict):
            raise ValueError("exercise entry is not an object")
        last_passed = data.get("last_passed")
        return cls(passed=bool(data.get("passed", False)), passed_at=_number(data.get("passed_at")),
                   attempts=_count(data.get("attempts", 0)),
                   last_passed=last_passed if isinstance(last_passed, bool) else None,
                   last_checked_at=_number(data.get("last_checked_at")),
                   hints_shown=_count(data.get("hints_shown", 0)))


@dataclass
class LevelProgress:
    """What conclab remembers about one level of ``conclab play``."""

    won: bool = False
    won_at: float | None = None
    best_moves: int | None = None    # fewest moves of a win
    plays: int = 0                   # runs played to the end

    def to_json(self) -> dict[str, Any]:
        return {"won": self.won, "won_at": self.won_at, "best_moves": self.best_moves, "plays": self.plays}

    @classmethod
    def from_json(cls, data: Any) -> LevelProgress:
        if not isinstance(data, dict):
            raise ValueError("level entry is not an object")
        best = data.get("best_moves")
        return cls(won=bool(data.get("won", False)), won_at=_number(data.get("won_at")),
                   best_moves=None if best is None else _count(best), plays=_count(data.get("plays", 0)))


def _number(value: Any) -> float | None:
    number = None if value is None else float(value)
    if number is not None and not math.isfinite(number):
        raise ValueError(f"not a finite time: {value!r}")
    return number


def _count(value: Any) -> int:
    """A count as stored: a whole number, never below 0 (a hand-edited -3 shows as 0, not "-3 checks")."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"not a count: {value!r}")
    return max(0, int(value))


@dataclass
class ProgressData:
    exercises: dict[str, ExerciseProgress] = field(default_factory=dict)
    current: str | None = None
    levels: dict[str, LevelProgress] = field(default_factory=dict)

    def of(self, exercise: str) -> ExerciseProgress:
        return self.exercises.setdefault(exercise, ExerciseProgress())

    def passed_ids(self) -> list[str]:
        return [name for name, entry in self.exercises.items() if entry.passed]


def _exercise_id(key: object) -> str:
    """An id as stored by any version: before 0.2 exercise ids were snake_case (``fix_counter_race``)."""
    return str(key).replace("_", "-")


class ProgressStore:
    """Read and update ``<workspace>/.conclab/progress.json`` safely."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.recovered_from: Path | None = None

    def load(self) -> ProgressData:
        """The stored progress; a missing store is empty, a corrupt one is moved aside and rebuilt."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return ProgressData()
        except OSError:
            return self._rebuild()
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("exercises", {}), dict):
                raise ValueError("not a progress object")
            current = data.get("current")
            exercises: dict[str, ExerciseProgress] = {}
            for key, value in data.get("exercises", {}).items():
                entry = ExerciseProgress.from_json(value)
                earlier = exercises.get(_exercise_id(key))
                if earlier is None or entry.passed or not earlier.passed:
                    exercises[_exercise_id(key)] = entry
            levels = {str(key): LevelProgress.from_json(value)
                      for key, value in (data.get("levels") or {}).items()}
            return ProgressData(exercises, _exercise_id(current) if isinstance(current, str) else None,
                                levels)
        except _DAMAGE:
            return self._rebuild()

    def _rebuild(self) -> ProgressData:
        aside = _unused(self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}"))
        with contextlib.suppress(OSError):
            os.replace(self.path, aside)
            self.recovered_from = aside
        if self.recovered_from is None:
            self.recovered_from = self.path
        self._write(ProgressData())
        return ProgressData()

    def update(self, change: Callable[[ProgressData], None]) -> ProgressData:
        """Apply ``change`` to the stored progress under the lock and write it atomically."""
        with self._locked():
            data = self.load()
            change(data)
            self._write(data)
            return data

    def record_check(self, exercise: str, passed: bool) -> ProgressData:
        def change(data: ProgressData) -> None:
            entry = data.of(exercise)
            entry.attempts += 1
            entry.last_passed = passed
            entry.last_checked_at = time.time()
            if passed and not entry.passed:
                entry.passed = True
                entry.passed_at = entry.last_checked_at
        return self.update(change)

    def record_level(self, level: str, won: bool, moves: int) -> ProgressData:
        """A run of ``level`` was played to the end (won or not) in ``moves`` moves."""
        def change(data: ProgressData) -> None:
            entry = data.levels.setdefault(level, LevelProgress())
            entry.plays += 1
            if won:
                if not entry.won:
                    entry.won, entry.won_at = True, time.time()
                if entry.best_moves is None or moves < entry.best_moves:
                    entry.best_moves = moves
        return self.update(change)

    def _write(self, data: ProgressData) -> None:
        try:
            self._write_atomically(data)
        except OSError as error:
            raise ConclabError(f"cannot save progress in {self.path.parent}: {error.strerror or error}; "
                               "make the workspace writable (or pass --dir to another one)",
                               ja=f"{self.path.parent} に進み具合を保存できません: {error.strerror or error}。"
                                  "ワークスペースを書き込めるようにしてください（または --dir で別のワークスペースを指定してください）"
                               ) from None

    def _write_atomically(self, data: ProgressData) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"version": VERSION, "current": data.current,
                              "exercises": {k: v.to_json() for k, v in sorted(data.exercises.items())},
                              "levels": {k: v.to_json() for k, v in sorted(data.levels.items())}},
                             ensure_ascii=False, indent=2)
        handle, temp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(payload)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            import fcntl
        except ImportError:  # Windows: os.replace keeps the file whole; updates may race, rarely
            yield
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = open(self.path.with_name("progress.lock"), "a")  # noqa: SIM115 - closed below
        except OSError as error:
            raise ConclabError(f"cannot save progress in {self.path.parent}: {error.strerror or error}; "
                               "make the workspace writable (or pass --dir to another one)",
                               ja=f"{self.path.parent} に進み具合を保存できません: {error.strerror or error}。"
                                  "ワークスペースを書き込めるようにしてください（または --dir で別のワークスペースを指定してください）"
                               ) from None
        with lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def _unused(path: Path) -> Path:
    """``path``, or ``path-2``, ``path-3``...: the first name nothing holds (a second recovery keeps the first)."""
    candidate, number = path, 1
    while os.path.lexists(candidate):
        number += 1
        candidate = path.with_name(f"{path.name}-{number}")
    return candidate
