"""Finding detection: what went wrong in one run, told in the learner's language.

Each function looks at the run's threads (never changes them) and returns a
:class:`RawFinding`; the run records the first one and aborts. Kept apart from
the scheduler so each rule can be tested with a few fake threads:

* an exception that escaped a thread (or task);
* the step limit: a livelock or busy wait, named by the line the loop keeps running;
* a deadlock: every live thread blocked and nobody with a timeout, with the
  wait-for cycle read off the blocked threads;
* a hang: a thread stuck in a real blocking call the scheduler does not control.
"""

from __future__ import annotations

import linecache
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from conclab.explore._bilingual import exception_text
from conclab.explore._enums import FindingKind
from conclab.explore._messages import MESSAGES
from conclab.explore._workers import Worker

if TYPE_CHECKING:
    from conclab.explore._session import Session

#: Steps watched after the step limit to find the line a busy loop keeps running.
SPIN_SAMPLE = 64


@dataclass
class RawFinding:
    """What went wrong in one run, before it is dressed up for the report."""

    kind: FindingKind
    message: str
    thread: str | None = None
    file: str | None = None
    line: int | None = None
    source: str = ""
    cycle: list[dict[str, Any]] = field(default_factory=list)
    traceback: str = ""


def exception_finding(session: Session, name: str, exc: BaseException) -> RawFinding:
    """An exception escaped thread (or task) ``name``: where it was raised in the scenario's own code."""
    tb = traceback.extract_tb(exc.__traceback__)
    own = [f for f in tb if f.filename == session.filename] or list(tb)
    where = own[-1] if own else None
    lang = session.lang
    text = exception_text(exc, lang)
    detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    location = session.where(where.filename, where.lineno or 0) if where else MESSAGES.get("unknown-place", lang)
    return RawFinding(
        kind=FindingKind.EXCEPTION,
        message=MESSAGES.get("finding.exception", lang, thread=name, detail=detail, where=location),
        thread=name,
        file=where.filename if where else None,
        line=where.lineno if where else None,
        source=(where.line or "") if where else "",
        traceback="".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
    )


def busiest_line(visits: dict[tuple[str, int], int]) -> tuple[str, int]:
    """The line a busy loop keeps running: the most visited; on a tie the first, the loop's header."""
    return max(visits, key=lambda k: (visits[k], -k[1]))


def step_limit_finding(session: Session, thread: str, file: str, line: int) -> RawFinding:
    """No progress within the step limit: ``thread`` keeps running ``file:line``."""
    source = linecache.getline(file, line).strip()
    return RawFinding(
        kind=FindingKind.STEP_LIMIT,
        message=MESSAGES.get("finding.step-limit", session.lang, limit=session.step_limit,
                             thread=thread, where=session.where(file, line), source=source),
        thread=thread, file=file, line=line, source=source,
    )


def describe_wait(session: Session, worker: Worker) -> str:
    """"lock b (held by T1)", "event done to be set", ... in the session's language."""
    lang = session.lang
    name_of = session.name_of
    if worker.reason is not None:
        kind, obj = worker.reason
        return MESSAGES.get(f"wait.{kind}", lang, name=name_of(obj))
    obj = worker.waiting_on
    if isinstance(obj, Worker):
        return MESSAGES.get("wait.join", lang, name=obj.name)
    if hasattr(obj, "condition"):
        return MESSAGES.get("wait.condition", lang, name=name_of(obj.condition))
    holder = getattr(obj, "_holder", None)
    if isinstance(holder, Worker):
        return MESSAGES.get("wait.lock", lang, name=name_of(obj), holder=holder.name)
    return MESSAGES.get("wait.lock-free", lang, name=name_of(obj))


def _where(session: Session, worker: Worker) -> str:
    frame = worker.frame
    if frame is None:
        return ""
    return session.where(frame.f_code.co_filename, frame.f_lineno or 0)


def wait_for_edges(session: Session, blocked: Sequence[Worker]) -> list[dict[str, Any]]:
    """One edge per blocked thread: what it holds, what it waits for, who holds that."""
    edges: list[dict[str, Any]] = []
    for worker in blocked:
        holder = getattr(worker.waiting_on, "_holder", None)
        edges.append({
            "thread": worker.name,
            "holds": [session.name_of(obj) for obj in worker.held],
            "waits_for": describe_wait(session, worker),
            "held_by": holder.name if isinstance(holder, Worker) else None,
            "where": _where(session, worker),
        })
    return edges


def wait_for_cycle(edges: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first cycle found by following thread -> holder of what it waits for; [] if none."""
    by_name = {edge["thread"]: edge for edge in edges}
    for start in edges:
        seen: list[str] = []
        name: str | None = start["thread"]
        while name is not None and name in by_name and name not in seen:
            seen.append(name)
            name = by_name[name]["held_by"]
        if name is not None and name in seen:
            return [by_name[n] for n in seen[seen.index(name):]]
    return []


def deadlock_finding(session: Session, blocked: Sequence[Worker]) -> RawFinding:
    """Every live thread is blocked and none has a timeout: report the wait-for cycle (or all waits)."""
    lang = session.lang
    edges = wait_for_edges(session, blocked)
    shown = wait_for_cycle(edges) or edges
    parts = []
    for edge in shown:
        if edge["holds"]:
            parts.append(MESSAGES.get("finding.deadlock-edge", lang, thread=edge["thread"],
                                      holds=", ".join(edge["holds"]), waits=edge["waits_for"]))
        else:
            parts.append(MESSAGES.get("finding.deadlock-wait", lang, thread=edge["thread"],
                                      waits=edge["waits_for"]))
    separator = MESSAGES.get("separator", lang)
    first = blocked[0]
    frame = first.frame
    return RawFinding(
        kind=FindingKind.DEADLOCK,
        message=MESSAGES.get("finding.deadlock", lang, cycle=separator.join(parts)),
        thread=first.name,
        file=frame.f_code.co_filename if frame else None,
        line=frame.f_lineno if frame else None,
        source=linecache.getline(frame.f_code.co_filename, frame.f_lineno or 0).strip() if frame else "",
        cycle=shown,
    )


def hang_finding(session: Session, worker: Worker | None) -> RawFinding:
    """``worker`` has not come back to the scheduler: where in the scenario it is stuck."""
    lang = session.lang
    file, line, source = None, None, ""
    if worker is not None:
        frame = sys._current_frames().get(worker.ident)
        while frame is not None and frame.f_code.co_filename != session.filename:
            frame = frame.f_back
        if frame is not None:
            file, line = frame.f_code.co_filename, frame.f_lineno
            source = linecache.getline(file, line or 0).strip()
    where = session.where(file, line or 0) if file else MESSAGES.get("unknown-place", lang)
    message = MESSAGES.get("finding.hang", lang, thread=worker.name if worker else "?",
                           seconds=f"{session.timeout:g}", where=where, source=source)
    return RawFinding(kind=FindingKind.HANG, message=message, thread=worker.name if worker else None,
                      file=file, line=line, source=source)
