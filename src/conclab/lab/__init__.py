"""The lab engine: labs and claims, the registry, the runner and the result shape.

Write a lab as an example module plus a :class:`Lab` whose ``run`` function
measures the example through a :class:`LabContext`; run it with :func:`run_lab`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from conclab.lab._compare import any_failed, compare_rows, compare_table
from conclab.lab._context import LabContext, Table
from conclab.lab._elsewhere import (
    SCHEDULER_ENV,
    check_scheduler_address,
    preflight,
    resolve_python,
    run_json,
    run_passthrough,
    scheduler_for_run,
)
from conclab.lab._model import REQUIREMENTS, Chapter, Claim, Entry, Lab, Measured
from conclab.lab._prose import prose_problems, resolve_prose
from conclab.lab._registry import Registry, split_prose
from conclab.lab._runner import ClaimResult, LabResult, evaluate, run_lab

if TYPE_CHECKING:
    from conclab.lab._html import (
        ExerciseRow,
        LabHtmlReport,
        ReportPage,
        ReportSection,
        chapter_heading,
        progress_html,
    )
    from conclab.lab._terminal import LabReport

#: Renderers, imported on first use: the HTML ones pull in markdown-it and pygments,
#: which a command that prints to the terminal does not need.
_RENDERERS = {
    "ExerciseRow": "conclab.lab._html",
    "LabHtmlReport": "conclab.lab._html",
    "ReportPage": "conclab.lab._html",
    "ReportSection": "conclab.lab._html",
    "chapter_heading": "conclab.lab._html",
    "progress_html": "conclab.lab._html",
    "LabReport": "conclab.lab._terminal",
}


def __getattr__(name: str) -> Any:
    if name in _RENDERERS:
        import importlib

        return getattr(importlib.import_module(_RENDERERS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "REQUIREMENTS",
    "SCHEDULER_ENV",
    "Chapter",
    "Claim",
    "ClaimResult",
    "Entry",
    "ExerciseRow",
    "Lab",
    "LabContext",
    "LabHtmlReport",
    "LabReport",
    "LabResult",
    "Measured",
    "Registry",
    "ReportPage",
    "ReportSection",
    "Table",
    "chapter_heading",
    "evaluate",
    "progress_html",
    "prose_problems",
    "resolve_prose",
    "run_lab",
    "any_failed",
    "check_scheduler_address",
    "compare_rows",
    "compare_table",
    "preflight",
    "resolve_python",
    "run_json",
    "run_passthrough",
    "scheduler_for_run",
    "split_prose",
]
