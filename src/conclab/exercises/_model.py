"""Exercises, checks and verdicts: the data the checker works with.

An :class:`Exercise` is content (statement, starter, hints, reference solution,
wrong variants) plus a ``check`` function that drives the learner's file
through a :class:`~conclab.exercises.CheckContext`. The engine does not know
any exercise; the curriculum builds them and hands them over in a
:class:`Catalogue`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from conclab.errors import ConclabError
from conclab.text import translate_code

if TYPE_CHECKING:
    from conclab.exercises._check import CheckContext


@dataclass(frozen=True)
class Exercise:
    """One exercise: what the learner reads, the file they edit, and how it is checked.

    ``file_name`` is part of the contract (``check_urls.py``). ``hints`` are
    ordered from a nudge to nearly the answer. ``wrong`` maps a variant's name
    to its source: realistic mistakes the tests prove the check rejects.
    ``limit_s`` bounds one run of the learner's program. ``translations`` maps a
    language to ``{English: translation}`` of the comments and docstrings of the
    starter and solution: :meth:`starter_in` and :meth:`solution_in` apply them,
    so the learner reads their language and runs the same program.
    """

    id: str
    chapter: str
    file_name: str
    title: Mapping[str, str]
    summary: Mapping[str, str]
    statement: Mapping[str, str]
    hints: tuple[Mapping[str, str], ...]
    starter: str
    solution: str
    check: Callable[[CheckContext], None]
    wrong: Mapping[str, str] = field(default_factory=dict)
    data_files: Mapping[str, str] = field(default_factory=dict)
    limit_s: float = 10.0
    order: int = 0
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def starter_in(self, lang: str) -> str:
        """The starter with its comments and docstrings in ``lang`` (English where none is written)."""
        return translate_code(self.starter, self.translations.get(lang, {}))

    def solution_in(self, lang: str) -> str:
        """The reference solution with its comments and docstrings in ``lang``."""
        return translate_code(self.solution, self.translations.get(lang, {}))


@dataclass(frozen=True)
class CheckResult:
    """One named check and whether it passed; ``detail`` says what was seen and what to do."""

    name: str
    passed: bool
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "detail": self.detail}


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one exercise once."""

    exercise: str
    checks: tuple[CheckResult, ...]
    elapsed_s: float

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "passed": self.passed,
                "checks": [check.to_json() for check in self.checks],
                "elapsed_s": round(self.elapsed_s, 3)}


class Catalogue:
    """The exercises in teaching order, looked up by id or file name."""

    def __init__(self, exercises: Iterable[Exercise], chapter_order: Mapping[str, int] | None = None) -> None:
        order = dict(chapter_order or {})
        self._exercises = sorted(exercises, key=lambda e: (order.get(e.chapter, 99), e.order, e.id))
        self._by_id = {e.id: e for e in self._exercises}

    def __iter__(self) -> Any:
        return iter(self._exercises)

    def __len__(self) -> int:
        return len(self._exercises)

    def ids(self) -> list[str]:
        return [e.id for e in self._exercises]

    def get(self, name: str) -> Exercise:
        """The exercise called ``name`` (``check-urls``, ``check_urls`` or ``check_urls.py``), or a one-line error."""
        key = name.strip()
        if key.endswith(".py"):
            key = key[:-3]
        key = key.replace("_", "-")
        if key in self._by_id:
            return self._by_id[key]
        raise ConclabError(f"unknown exercise '{name}'; known exercises: {', '.join(self.ids())}",
                           ja=f"演習 '{name}' はありません。ある演習: {'、'.join(self.ids())}")

    def next_unfinished(self, passed: Iterable[str]) -> Exercise | None:
        done = set(passed)
        for exercise in self._exercises:
            if exercise.id not in done:
                return exercise
        return None
