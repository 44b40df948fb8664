"""The room at a glance: who is where, who is stuck and on what, what to explain to everyone.

Built from the stored results with an injected clock, so "stuck for ten
minutes" is tested without waiting ten minutes. Times are the server's
receive times: learners' clocks are not trusted to agree.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from conclab.classroom._store import Learner, StoredResult


@dataclass(frozen=True)
class StuckRule:
    """A failing exercise is "stuck" after this many failed attempts, or this long since the learner's last pass."""

    attempts: int = 5
    minutes: float = 10.0


DEFAULT_RULE = StuckRule()


@dataclass
class Cell:
    state: str = "not-started"  # or "failing" or "passed"
    attempts: int = 0
    failures_since_pass: int = 0
    first_at: float | None = None
    last_at: float | None = None
    passed_at: float | None = None
    last_failure: str = ""
    stuck: bool = False
    stuck_minutes: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state, "attempts": self.attempts, "stuck": self.stuck,
                "stuck_minutes": round(self.stuck_minutes, 1), "last_failure": self.last_failure,
                "last_at": self.last_at, "passed_at": self.passed_at}


@dataclass
class LearnerRow:
    learner: Learner
    cells: dict[str, Cell] = field(default_factory=dict)
    last_pass_at: float | None = None

    @property
    def passed(self) -> int:
        return sum(1 for cell in self.cells.values() if cell.state == "passed")

    @property
    def stuck_on(self) -> list[str]:
        return [exercise for exercise, cell in self.cells.items() if cell.stuck]


def _first_failure(checks: list[dict[str, Any]]) -> tuple[str, str]:
    """The first failing check's name (stable across learners, so it can be counted) and its message's first line."""
    for check in checks:
        if not check.get("passed"):
            first = str(check.get("message", "")).strip().splitlines()
            return str(check.get("name", "?")), first[0] if first else ""
    return "", ""


class Room:
    """The grid of learners by exercises, computed from every result so far."""

    def __init__(self, exercises: Sequence[str], learners: Sequence[Learner],
                 results: Sequence[StoredResult], *, now: float, rule: StuckRule = DEFAULT_RULE) -> None:
        self.exercises = list(exercises)
        self.now = now
        self.rule = rule
        self.rows = {learner.id: LearnerRow(learner) for learner in learners}
        self.failures: dict[str, Counter[str]] = {exercise: Counter() for exercise in self.exercises}
        self.examples: dict[tuple[str, str], str] = {}
        for result in results:
            self._add(result)
        for row in self.rows.values():
            for cell in row.cells.values():
                self._judge(row, cell)

    def _add(self, result: StoredResult) -> None:
        row = self.rows.get(result.learner_id)
        if row is None:
            return
        cell = row.cells.setdefault(result.exercise, Cell())
        cell.attempts += 1
        cell.first_at = cell.first_at if cell.first_at is not None else result.received_at
        cell.last_at = result.received_at
        if result.passed:
            cell.state, cell.failures_since_pass = "passed", 0
            cell.passed_at = cell.passed_at or result.received_at
            row.last_pass_at = result.received_at
        else:
            if cell.state != "passed":
                cell.state = "failing"
            cell.failures_since_pass += 1
            check, message = _first_failure(result.checks)
            cell.last_failure = f"{check}: {message}" if message else check
            if check and result.exercise in self.failures:
                self.failures[result.exercise][check] += 1
                self.examples[result.exercise, check] = message

    def _judge(self, row: LearnerRow, cell: Cell) -> None:
        if cell.state != "failing" or cell.first_at is None:
            return
        since = max(cell.first_at, row.last_pass_at or cell.first_at)
        cell.stuck_minutes = max(0.0, (self.now - since) / 60)
        cell.stuck = (cell.failures_since_pass >= self.rule.attempts
                      or cell.stuck_minutes >= self.rule.minutes)

    def exercise_stats(self) -> list[dict[str, Any]]:
        """Per exercise: how many started and passed, the pass rate, and the check most often failed first."""
        stats = []
        for exercise in self.exercises:
            cells = [row.cells[exercise] for row in self.rows.values() if exercise in row.cells]
            passed = sum(1 for cell in cells if cell.state == "passed")
            common = self.failures[exercise].most_common(1)
            stats.append({"exercise": exercise, "started": len(cells), "passed": passed,
                          "pass_rate": round(passed / len(cells), 3) if cells else None,
                          "stuck": sum(1 for cell in cells if cell.stuck),
                          "common_failure": common[0][0] if common else None,
                          "common_failure_count": common[0][1] if common else 0,
                          "common_failure_example": self.examples[exercise, common[0][0]] if common else None})
        return stats

    def to_json(self) -> dict[str, Any]:
        learners = []
        for row in sorted(self.rows.values(), key=lambda r: r.learner.name.casefold()):
            learners.append({"id": row.learner.id, "name": row.learner.name, "passed": row.passed,
                             "stuck_on": row.stuck_on,
                             "cells": {exercise: cell.to_json() for exercise, cell in row.cells.items()}})
        return {"exercises": self.exercises, "learners": learners, "stats": self.exercise_stats(),
                "rule": {"attempts": self.rule.attempts, "minutes": self.rule.minutes}, "now": self.now}

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["learner", "exercise", "state", "attempts", "stuck", "last_failure"])
        for row in sorted(self.rows.values(), key=lambda r: r.learner.name.casefold()):
            for exercise in self.exercises:
                cell = row.cells.get(exercise, Cell())
                writer.writerow([_safe_cell(row.learner.name), exercise, cell.state, cell.attempts,
                                 "yes" if cell.stuck else "", _safe_cell(cell.last_failure)])
        return out.getvalue()


def _safe_cell(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (a learner's name is their own input)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
