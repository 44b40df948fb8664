"""How an exercise folder declares itself: one typed object in its ``checks.py``.

Everything a learner reads (statement, hints) and every program (starter,
solution, wrong variants) is a file in the folder; what is left, the chapter,
the place in it, the titles, the time limit and the check itself, is this one
object, so a typo is a type error and not a silently missing default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conclab.exercises import CheckContext


@dataclass(frozen=True)
class ExerciseSpec:
    """What ``checks.py`` says of its exercise (``EXERCISE = ExerciseSpec(...)``).

    ``limit_s`` bounds one run of the learner's program; ``data_files`` are
    written beside the learner's file by ``conclab exercises init`` (name to text).
    """

    chapter: str
    order: int
    title: Mapping[str, str]
    summary: Mapping[str, str]
    check: Callable[[CheckContext], None]
    limit_s: float = 10.0
    data_files: Mapping[str, str] = field(default_factory=dict)
