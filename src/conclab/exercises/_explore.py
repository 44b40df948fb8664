"""Explore the interleavings of a learner's code: their file plus a checker-written harness.

The explorer steps only the code of the scenario file itself, so the learner's
functions must live in that file. :func:`explore_program` writes the learner's
source followed by the harness (``THREADS = [...]`` or ``TASKS = [...]`` and
``check()``, written by the exercise) to a temporary file with the learner's
file name: line numbers and names in the finding are those of the learner's
file. The exploration runs in a subprocess through :func:`run_program`, so
module-level code that hangs is stopped by the time limit, never the checker.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conclab.exercises._runner import Frame, ProgramRun, ThreadStack, run_program
from conclab.exercises._source import LearnerSource, compile_learner_file
from conclab.i18n import Messages

if TYPE_CHECKING:  # the explorer itself runs in the child; only its types are read here
    from conclab.explore import Finding, FindingKind, Result, Step

CHILD = Path(__file__).with_name("_explore_child.py")

MESSAGES = Messages({
    "table-head": {"en": "The schedule that shows it, step by step (T0, T1, ... are the threads, in the order "
                         "they were started):",
                   "ja": "それが起きるスケジュールを 1 ステップずつ（T0、T1、... は起動した順のスレッド）:"},
    "tasks-head": {"en": "The schedule that shows it, step by step (T0, T1, ... are the tasks, in the order "
                         "they were started):",
                   "ja": "それが起きるスケジュールを 1 ステップずつ（T0、T1、... は起動した順のタスク）:"},
})


@dataclass
class ExploreRun:
    """The outcome of exploring a learner's file.

    ``error`` is set when the explorer refused the scenario (for example the
    learner's module raised while loading): then ``result`` is None. ``run``
    is the subprocess record (its failure, if any, is told by
    :func:`~conclab.exercises.describe_failure`). ``result`` is the
    :class:`conclab.explore.Result`, read back from the child's JSON line;
    ``learner_lines`` is how many lines of the scenario are the learner's
    (rows below belong to the harness).
    """

    run: ProgramRun
    learner_lines: int
    result: Result | None = None
    summary: str = ""
    error: str | None = None
    tasks: bool = False  # the harness runs asyncio tasks (TASKS), not threads

    @property
    def completed(self) -> bool:
        """The exploration ran and returned a result (with or without a finding)."""
        return self.result is not None

    @property
    def ok(self) -> bool:
        """Explored, and no finding."""
        return self.result is not None and self.result.finding is None

    @property
    def finding(self) -> Finding | None:
        return self.result.finding if self.result is not None else None

    @property
    def kind(self) -> FindingKind | None:
        return self.finding.kind if self.finding else None

    @property
    def schedules(self) -> int:
        return self.result.schedules_explored if self.result is not None else 0

    def is_learners(self, step: Step) -> bool:
        """The step ran one of the learner's lines, not the harness's."""
        return bool(step.file) and 0 < step.line <= self.learner_lines

    def steps(self, *, learner_only: bool = True) -> list[Step]:
        """Steps of the step table; by default only those on the learner's lines."""
        if self.result is None:
            return []
        return [step for step in self.result.steps if not learner_only or self.is_learners(step)]

    def table_text(self, lang: str, *, max_rows: int = 16) -> str:
        """The learner's rows as aligned text: thread, file:line, source, what it read or wrote."""
        from conclab.explore import step_table_text

        if self.result is None:
            return ""
        lines = step_table_text(self.result, lang, keep=self.is_learners, max_rows=max_rows)
        if not lines:
            return ""
        return "\n".join([MESSAGES.get("tasks-head" if self.tasks else "table-head", lang), *lines])


def _relocated(stack: ThreadStack, old: str, new: str) -> ThreadStack:
    frames = tuple(Frame(new if frame.file == old else frame.file, frame.line, frame.function)
                   for frame in stack.frames)
    return replace(stack, frames=frames)


def explore_program(path: Path, harness: str, *, lang: str = "en", limit_s: float = 10.0,
                    strategy: str = "auto", schedules: int = 300, seed: int = 0,
                    source: LearnerSource | None = None, **options: Any) -> ExploreRun:
    """Explore ``path``'s source with ``harness`` appended; see the module docstring.

    ``options`` go to :func:`conclab.explore.run` as they are (``preemptions``,
    ``step_limit``, ``timeout``, ...). The explorer's own per-thread timeout is
    kept well inside ``limit_s``. ``source`` is the file already compiled by the check.
    """
    problem = (source or compile_learner_file(path.resolve())).problem
    if problem is not None:  # told like any run's syntax error: the learner's file and line
        return ExploreRun(run=ProgramRun(script=str(path.resolve()), args=(), syntax_error=problem),
                          learner_lines=0)
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    learner_lines = text.count("\n")
    settings = {"strategy": strategy, "schedules": schedules, "seed": seed, "lang": lang,
                "timeout": min(2.0, max(0.2, limit_s / 4)),
                "load_timeout": None,  # module-level code that hangs: the process limit tells it, with stacks
                **options}
    with tempfile.TemporaryDirectory(prefix="conclab-explore-") as folder:
        scenario = Path(folder) / path.name
        scenario.write_text(text + "\n\n" + harness.strip("\n") + "\n", encoding="utf-8")
        record = run_program(CHILD, [str(scenario), json.dumps(settings)], limit_s=limit_s, cwd=Path(folder))
        if record.timed_out:  # module-level code that hung: point at the learner's file, not the copy
            record.stacks = [_relocated(stack, str(scenario.resolve()), str(path.resolve()))
                             for stack in record.stacks]
            record.script = str(path.resolve())
    from conclab.explore import Result

    outcome = ExploreRun(run=record, learner_lines=learner_lines,
                         tasks=re.search(r"^TASKS\s*=", harness, re.MULTILINE) is not None)
    if not record.ok:
        return outcome
    for line in reversed(record.stdout.splitlines()):  # whole lines: output_lines are cut for display
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict) and ("result" in data or "error" in data):
            outcome.error = data.get("error")
            outcome.result = Result.from_json(data["result"]) if data.get("result") else None
            outcome.summary = data.get("summary", "")
            break
    return outcome
