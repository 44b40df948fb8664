"""Labs, chapters and claims: the data a lesson is made of.

A :class:`Lab` is a measured experiment. Its ``run`` function drives the
lesson's example code (a plain module a learner could have written) under a
:class:`~conclab.lab.LabContext`, which measures and records spans around it.
Its :class:`Claim` objects are pure functions of the measured values, so the
claim logic is tested without running anything.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conclab.i18n import pick
from conclab.lab._elsewhere import SCHEDULER_ENV

if TYPE_CHECKING:
    from conclab.lab._context import LabContext
    from conclab.machine import Machine

Measured = Mapping[str, Any]

#: Conditions a claim can depend on; when one is not met the claim is "not applicable".
REQUIREMENTS: dict[str, Callable[[Machine], bool]] = {
    "multicore": lambda m: m.cores >= 2,
    "gil": lambda m: m.gil_enabled,
    "no-gil": lambda m: not m.gil_enabled,
    "curl": lambda m: m.curl is not None,
    "fork": lambda m: "fork" in m.start_methods,
    "py311": lambda m: tuple(int(p) for p in m.python_version.split(".")[:2]) >= (3, 11),
    "gunicorn": lambda m: _installed("gunicorn") and "fork" in m.start_methods,
    "uvicorn": lambda m: _installed("uvicorn"),
    # The Dask lessons start their own cluster unless given one (``conclab run LAB --scheduler``).
    "local-cluster": lambda m: not os.environ.get(SCHEDULER_ENV),
}


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


@dataclass(frozen=True)
class Claim:
    """A sentence the lab checks on this machine.

    ``text`` is ``{"en": ..., "ja": ...}`` and may name measured values in
    braces (``"threads took {threads_s:.2f} s"``). ``check`` gets the measured
    values and returns whether the claim held. ``uses`` names the measured
    values reported with the claim. ``requires`` names conditions from
    :data:`REQUIREMENTS`; ``sensitive_to`` names what could make an honest
    claim fail here ("cores", "gil", "load", "timing") so a failure comes
    with its likely reason. ``unmeasured`` is what the report says instead of
    ``text`` when a requirement is not met: a conditional sentence ("where the
    GIL is off, ..."), never the held sentence as if it had been measured.
    ``not_held`` is what the report says when the claim did not hold: the
    measured figures and what was expected, never the held sentence under a
    "did not hold" label.
    """

    id: str
    text: Mapping[str, str]
    check: Callable[[Measured], bool]
    uses: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    sensitive_to: tuple[str, ...] = ("timing", "load")
    unmeasured: Mapping[str, str] | None = None
    not_held: Mapping[str, str] | None = None

    def render(self, lang: str, measured: Measured, held: bool = True) -> str:
        """The sentence for this outcome, with the measured values filled in."""
        template = pick(self.not_held if not held and self.not_held else self.text, lang)
        try:
            return template.format_map(measured)
        except (KeyError, IndexError, ValueError, TypeError):
            return template


@dataclass(frozen=True)
class Chapter:
    """A chapter of the curriculum: an id used on the command line, a number and a title."""

    id: str
    number: int
    title: Mapping[str, str]


@dataclass(frozen=True)
class Lab:
    """A measured experiment.

    ``example`` names the module(s) whose source ``conclab show`` prints: the
    code that ran. ``summary`` is the one line ``conclab list`` shows. ``home``
    is the lesson's folder, where its prose lives (``en.md``, ``ja.md``); the
    curriculum sets it when it loads the lesson. ``options`` names the optional
    settings of ``conclab run`` the lab reads ("scheduler": ``--scheduler ADDRESS``).
    """

    id: str
    chapter: str
    title: Mapping[str, str]
    summary: Mapping[str, str]
    example: tuple[str, ...]
    run: Callable[[LabContext], None]
    claims: tuple[Claim, ...] = ()
    order: int = 0
    kind: str = field(default="lab")
    home: Path | None = None
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    """Anything else listed under a chapter (exercises): id, title, kind."""

    id: str
    chapter: str
    title: Mapping[str, str]
    summary: Mapping[str, str]
    kind: str = "exercise"
    order: int = 0
