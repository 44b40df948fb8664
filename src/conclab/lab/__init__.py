"""The lab engine: labs and claims, the registry, the runner and the result shape.

Write a lab as an example module plus a :class:`Lab` whose ``run`` function
measures the example through a :class:`LabContext`; run it with :func:`run_lab`.
"""

from conclab.lab._context import LabContext, Table
from conclab.lab._model import REQUIREMENTS, Chapter, Claim, Entry, Lab, Measured
from conclab.lab._registry import Registry, split_prose
from conclab.lab._runner import ClaimResult, LabResult, evaluate, run_lab

__all__ = [
    "REQUIREMENTS",
    "Chapter",
    "Claim",
    "ClaimResult",
    "Entry",
    "Lab",
    "LabContext",
    "LabResult",
    "Measured",
    "Registry",
    "Table",
    "evaluate",
    "run_lab",
    "split_prose",
]
