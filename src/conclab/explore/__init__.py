"""The interleaving explorer: races and deadlocks on demand, replayable, step by step.

CPython switches threads rarely, so a lesson that waits for ``counter += 1``
to lose an update by chance shows nothing. The explorer runs a scenario's
threads one bytecode at a time under a scheduler that decides who goes next,
so a race shows up every time, is replayed with the values each thread read
and wrote, and a fix is checked over many schedules ("none found in N
schedules", never "proven").

    >>> from conclab import explore
    >>> result = explore.run("lost-update")
    >>> print(result.verdict, result.kind)
    finding assertion
    >>> explore.run("lost-update", replay=result.finding.schedule).table()  # doctest: +SKIP

See ``docs/explore.md`` for how control works and for the
scenario format.
"""

from conclab.explore._bilingual import Bilingual
from conclab.explore._contained import run_contained
from conclab.explore._enums import ChoiceKind, FindingKind, ThreadState, Verdict
from conclab.explore._explorer import GRANULARITIES, STRATEGIES, run
from conclab.explore._interactive import ChoicePoint, Stop, ThreadView, shared_state
from conclab.explore._primitives import ORIGINALS
from conclab.explore._render import (
    StepRow,
    StepTable,
    render_step_table,
    step_columns,
    step_rows,
    step_table_text,
)
from conclab.explore._scenario import builtin_info, builtin_names, builtin_path
from conclab.explore._schedule import decode as parse_schedule
from conclab.explore._types import STEP_SECONDS, Finding, Op, Result, Step

__all__ = [
    "GRANULARITIES",
    "ORIGINALS",
    "STEP_SECONDS",
    "STRATEGIES",
    "Bilingual",
    "ChoiceKind",
    "ChoicePoint",
    "Finding",
    "FindingKind",
    "Op",
    "Result",
    "Step",
    "StepRow",
    "Stop",
    "ThreadState",
    "ThreadView",
    "Verdict",
    "builtin_info",
    "builtin_names",
    "builtin_path",
    "parse_schedule",
    "StepTable",
    "render_step_table",
    "run",
    "run_contained",
    "shared_state",
    "step_columns",
    "step_rows",
    "step_table_text",
]
