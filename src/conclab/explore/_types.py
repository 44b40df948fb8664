"""What an exploration returns: a Result, its Finding, and the step table.

Each type round-trips through JSON as itself (``to_json`` / ``from_json``): the
exercise checker explores in a child process and reads the Result back from one
JSON line, with every field typed again, so no caller parses ``"file:line"``
or compares bare strings. The JSON carries a few fields the report does not
print (a step's ``file``, ``line``, ``end`` and ``thread_index``, a finding's
``file``, ``line`` and ``traceback``, the result's ``path``, ``lang``,
``kind_of_lanes`` and ``pct_extra``) for exactly that.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from conclab.explore._enums import FindingKind, Verdict
from conclab.explore._messages import MESSAGES
from conclab.timeline import Span

#: Virtual seconds per step when a schedule is drawn as a timeline.
STEP_SECONDS = 0.001


@dataclass(frozen=True)
class Op:
    """One operation inside a step: ``read counter -> 0``, ``acquire lock_a``, ..."""

    kind: str
    target: str = ""
    value: str = ""

    def text(self, lang: str = "en") -> str:
        return MESSAGES.get(f"op.{self.kind}", lang, target=self.target, value=self.value)

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "target": self.target, "value": self.value}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Op:
        return cls(kind=data["kind"], target=data.get("target", ""), value=data.get("value", ""))


@dataclass(frozen=True)
class Step:
    """One row of the step table: a thread running one source line without interruption.

    ``index`` and ``end`` are the first and last scheduling-point numbers the
    row covers (the explorer's clock), ``ops`` what the row read, wrote,
    acquired or waited for, in order.
    """

    index: int
    end: int
    thread: int
    thread_name: str
    file: str
    line: int
    source: str
    ops: tuple[Op, ...] = ()

    @property
    def location(self) -> str:
        return f"{os.path.basename(self.file)}:{self.line}" if self.file else ""

    def operation(self, lang: str = "en") -> str:
        return "; ".join(op.text(lang) for op in self.ops)

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "step": self.index,
            "thread": self.thread_name,
            "location": self.location,
            "source": self.source,
            "operation": self.operation(lang),
            "ops": [op.to_json() for op in self.ops],
            "end": self.end,
            "thread_index": self.thread,
            "file": self.file,
            "line": self.line,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Step:
        """The step :meth:`to_json` wrote (the text columns are rebuilt from ``ops``, in any language)."""
        return cls(index=data["step"], end=data["end"], thread=data["thread_index"],
                   thread_name=data["thread"], file=data["file"], line=data["line"],
                   source=data.get("source", ""), ops=tuple(Op.from_json(op) for op in data.get("ops", ())))


@dataclass(frozen=True)
class Finding:
    """A bug the explorer found, with the schedule that shows it."""

    kind: FindingKind
    message: str
    schedule: str
    thread: str | None = None
    file: str | None = None
    line: int | None = None
    source: str = ""
    cycle: tuple[dict[str, Any], ...] = ()
    traceback: str = ""
    context_switches: int = 0

    @property
    def location(self) -> str:
        return f"{os.path.basename(self.file)}:{self.line}" if self.file and self.line else ""

    def kind_text(self, lang: str = "en") -> str:
        """What kind of bug this is, in words of ``lang`` ("deadlock", 「デッドロック」), not the enum value."""
        return MESSAGES.get(f"kind.{self.kind}", lang)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "message": self.message,
            "schedule": self.schedule,
            "thread": self.thread,
            "location": self.location,
            "source": self.source,
            "cycle": list(self.cycle),
            "context_switches": self.context_switches,
            "file": self.file,
            "line": self.line,
            "traceback": self.traceback,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        """The finding :meth:`to_json` wrote."""
        return cls(kind=FindingKind(data["kind"]), message=data["message"], schedule=data["schedule"],
                   thread=data.get("thread"), file=data.get("file"), line=data.get("line"),
                   source=data.get("source", ""), cycle=tuple(dict(edge) for edge in data.get("cycle", ())),
                   traceback=data.get("traceback", ""), context_switches=data.get("context_switches", 0))


@dataclass
class Result:
    """The outcome of :func:`conclab.explore.run`.

    ``verdict`` is ``"finding"`` or ``"none"``. ``"none"`` means no bug in the
    schedules explored (``schedules_explored``; for ``dfs``, ``exhausted`` says
    whether every schedule within the preemption bound was run): it is never a
    proof beyond that. ``steps`` is the step table of the finding's schedule
    (or of the replayed schedule), in ``lang``.
    """

    scenario: str
    path: str
    verdict: Verdict
    finding: Finding | None
    schedules_explored: int
    exhausted: bool | None
    elapsed_s: float
    strategy: str
    preemptions: int
    seed: int
    granularity: str
    lang: str
    python: str
    threads: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()
    final_state: dict[str, str] = field(default_factory=dict)
    schedule: str | None = None
    found_after_s: float | None = None
    kind_of_lanes: str = "thread"
    pct_extra: int = 0

    @property
    def ok(self) -> bool:
        """True when no finding was reported."""
        return self.finding is None

    @property
    def kind(self) -> FindingKind | None:
        return self.finding.kind if self.finding else None

    @property
    def message(self) -> str:
        return self.finding.message if self.finding else self.summary()

    def summary(self, lang: str | None = None) -> str:
        """One sentence: what was found, or how much was explored without finding anything."""
        lang = lang or self.lang
        if self.finding is not None:
            return MESSAGES.get("summary.finding", lang,
                                kind=MESSAGES.get(f"kind.{self.finding.kind}", lang),
                                n=self.schedules_explored, seconds=f"{self.elapsed_s:.3f}",
                                strategy=self.strategy)
        return MESSAGES.get("summary.none", lang, n=self.schedules_explored, how=self.how(lang))

    def how(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        if self.strategy == "dfs":
            key = "how.dfs-exhausted" if self.exhausted else "how.dfs-partial"
            return MESSAGES.get(key, lang, bound=self.preemptions)
        if self.strategy == "auto":
            if self.exhausted:
                return MESSAGES.get("how.auto-exhausted", lang, bound=self.preemptions, extra=self.pct_extra)
            return MESSAGES.get("how.dfs-partial", lang, bound=self.preemptions)
        if self.strategy in ("random", "pct", "pos"):
            return MESSAGES.get(f"how.{self.strategy}", lang, seed=self.seed)
        return MESSAGES.get(f"how.{self.strategy}", lang)

    def table(self, lang: str | None = None) -> list[dict[str, Any]]:
        """The step table as rows of plain values, in ``lang``."""
        return [step.to_json(lang or self.lang) for step in self.steps]

    def spans(self) -> list[Span]:
        """The schedule as timeline spans: one lane per thread, one span per step-table row.

        Time is virtual: ``STEP_SECONDS`` per scheduling point, so the chart
        shows the interleaving, not how long anything took. Draw it with
        ``conclab.timeline.TerminalTimeline(result.spans())``.
        """
        spans = []
        for step in self.steps:
            name = step.operation(self.lang) or step.source or f"line {step.line}"
            spans.append(Span(
                name=name,
                lane=step.thread_name,
                start_s=step.index * STEP_SECONDS,
                end_s=(step.end + 1) * STEP_SECONDS,
                tid=step.thread,
                lane_kind=self.kind_of_lanes,
                # The virtual clock: a timeline draws these on a step axis, not in seconds.
                args={"location": step.location, "source": step.source, "step_s": STEP_SECONDS,
                      "axis": MESSAGES.get("col.step", self.lang)},
            ))
        return spans

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` object (see the issue's contract)."""
        finding = self.finding
        return {
            "scenario": self.scenario,
            "verdict": self.verdict,
            "kind": finding.kind if finding else None,
            "message": finding.message if finding else self.summary(),
            "schedule": finding.schedule if finding else self.schedule,
            "schedules_explored": self.schedules_explored,
            "exhausted": self.exhausted,
            "elapsed_s": round(self.elapsed_s, 6),
            "found_after_s": round(self.found_after_s, 6) if self.found_after_s is not None else None,
            "strategy": self.strategy,
            "preemptions": self.preemptions,
            "seed": self.seed,
            "granularity": self.granularity,
            "python": self.python,
            "threads": list(self.threads),
            "finding": finding.to_json() if finding else None,
            "final_state": self.final_state,
            "steps": self.table(),
            "path": self.path,
            "lang": self.lang,
            "kind_of_lanes": self.kind_of_lanes,
            "pct_extra": self.pct_extra,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        """The result :meth:`to_json` wrote: ``Result.from_json(r.to_json()).to_json() == r.to_json()``."""
        finding = data.get("finding")
        return cls(
            scenario=data["scenario"], path=data.get("path", ""), verdict=Verdict(data["verdict"]),
            finding=Finding.from_json(finding) if finding else None,
            schedules_explored=data["schedules_explored"], exhausted=data.get("exhausted"),
            elapsed_s=data["elapsed_s"], strategy=data["strategy"], preemptions=data["preemptions"],
            seed=data["seed"], granularity=data["granularity"], lang=data.get("lang", "en"),
            python=data["python"], threads=tuple(data.get("threads", ())),
            steps=tuple(Step.from_json(step) for step in data.get("steps", ())),
            final_state=dict(data.get("final_state", {})), schedule=data.get("schedule"),
            found_after_s=data.get("found_after_s"), kind_of_lanes=data.get("kind_of_lanes", "thread"),
            pct_extra=data.get("pct_extra", 0),
        )
