"""Run a lab: record, measure, evaluate its claims, clean up every child process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from conclab._process import reaping_children
from conclab.i18n import pick
from conclab.lab._context import LabContext, Table
from conclab.lab._model import REQUIREMENTS, Claim, Lab, Measured
from conclab.lab._reasons import failure_reason, requirement_reason
from conclab.machine import Machine, machine_facts
from conclab.timeline import Recorder, Span, recording

#: Said of a claim whose values this run did not measure: nothing about its outcome.
NOT_MEASURED = {"en": "This was not measured on this run.",
                "ja": "この実行では計測していません。"}


@dataclass
class ClaimResult:
    """A claim checked on this machine: held (True/False) or not applicable (None)."""

    id: str
    text: str
    held: bool | None
    measured: dict[str, Any]
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "held": self.held,
                "measured": self.measured, "reason": self.reason}


@dataclass
class LabResult:
    """Everything a run produced; :meth:`to_json` is the one JSON shape of ``conclab run --json`` (docs/design.md)."""

    lab: Lab
    lang: str
    quick: bool
    machine: Machine
    claims: list[ClaimResult]
    spans: list[Span]
    tables: list[Table]
    log: list[str]
    notes: list[str]
    measured: dict[str, Any]
    duration_s: float
    leftover_processes: list[int] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when no claim failed (claims that do not apply here do not count)."""
        return all(c.held is not False for c in self.claims)

    def to_json(self) -> dict[str, Any]:
        return {
            "lab": self.lab.id,
            "chapter": self.lab.chapter,
            "title": pick(self.lab.title, self.lang),
            "lang": self.lang,
            "quick": self.quick,
            "python": self.machine.python_version,
            "implementation": self.machine.implementation,
            "free_threaded": self.machine.free_threaded,
            "gil": self.machine.gil_enabled,
            "cores": self.machine.cores,
            "start_method": self.machine.start_method,
            "passed": self.passed,
            "claims": [c.to_json() for c in self.claims],
            "measured": _jsonable(self.measured),
            "tables": [t.to_json() for t in self.tables],
            "log": self.log,
            "notes": self.notes,
            "spans": [s.to_json() for s in self.spans],
            "duration_s": round(self.duration_s, 4),
        }


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, float):
            out[key] = round(value, 6)
        elif isinstance(value, (int, str, bool)) or value is None:
            out[key] = value
        elif isinstance(value, (list, tuple)):
            out[key] = [round(v, 6) if isinstance(v, float) else v for v in value]
        else:
            out[key] = str(value)
    return out


def evaluate(claim: Claim, measured: Measured, machine: Machine, lang: str) -> ClaimResult:
    """Check one claim against measured values on ``machine`` (pure: no running, no clock)."""
    values = {key: measured[key] for key in claim.uses if key in measured}
    values = _jsonable(values)
    for requirement in claim.requires:
        if not REQUIREMENTS[requirement](machine):
            # Not measured here: the held sentence would state a fact this run did not check.
            text = pick(claim.unmeasured or NOT_MEASURED, lang)
            return ClaimResult(claim.id, text, None, values, requirement_reason(requirement, machine, lang))
    try:
        held = bool(claim.check(measured))
    except KeyError as exc:
        return ClaimResult(claim.id, pick(NOT_MEASURED, lang), False, values,
                           f"not measured: {exc.args[0]}")
    reason = None if held else failure_reason(claim.sensitive_to, machine, lang)
    return ClaimResult(claim.id, claim.render(lang, measured, held), held, values, reason)


def run_lab(lab: Lab, lang: str = "en", quick: bool = False,
            clock: Callable[[], float] | None = None, machine: Machine | None = None,
            on_step: Callable[[str], None] | None = None) -> LabResult:
    """Run ``lab`` and return its result; child processes it leaves are killed and listed.

    ``on_step`` is told the name of each measurement as it starts.
    """
    machine = machine or machine_facts()
    recorder = Recorder(clock)
    context = LabContext(lang=lang, quick=quick, recorder=recorder, machine=machine, on_step=on_step)
    try:
        with reaping_children() as leftovers, recording(recorder):
            start = recorder.now()
            lab.run(context)
            duration = recorder.now() - start
        spans = recorder.spans()
    finally:
        recorder.close()
    claims = [evaluate(claim, context.measured, machine, lang) for claim in lab.claims]
    return LabResult(lab, lang, quick, machine, claims, spans, context.tables, context.log_lines,
                     context.notes, dict(context.measured), duration, leftovers)
