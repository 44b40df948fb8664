"""What each step of a detailed run did, for the step table.

Only the one run that is reported (the shrunk finding, a replay, an
interactive session) is detailed: recording every read and write costs far
more than scheduling, so the search runs without it.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from conclab.explore._decode import Decoder, describe
from conclab.explore._decode import decoder as _decoder

if TYPE_CHECKING:
    from conclab.explore._run import Run


@dataclass
class Event:
    """One recorded moment of a detailed run: a step, or an operation within it."""

    step: int
    owner: int
    file: str
    line: int
    op: tuple[str, str, str] | None   # (kind, target, value)


class Recorder:
    """Collects what each step did; used only when a schedule is replayed for the report."""

    def __init__(self, granularity: str) -> None:
        self.events: list[Event] = []
        self.decoders: dict[types.CodeType, Decoder] = {}
        self.pending: dict[int, list[tuple[types.FrameType, Any, str, int]]] = {}
        self.by_line = granularity == "line"

    def step(self, run: Run, owner: int, frame: types.FrameType) -> None:
        self.flush(run, owner)
        code = frame.f_code
        decoder = self.decoders.get(code)
        if decoder is None:
            decoder = self.decoders[code] = _decoder(code)
        line = frame.f_lineno or 0
        file = code.co_filename
        plans = decoder.line_plans(line) if self.by_line else decoder.plan_at(frame.f_lasti)
        if not plans:
            self.events.append(Event(run.steps, owner, file, line, None))
            return
        for plan in plans:
            if plan.when == "after":
                self.pending.setdefault(owner, []).append((frame, plan, file, line))
                op = None
            else:
                op = describe(frame, plan)
            self.events.append(Event(run.steps, owner, file, line, op))

    def flush(self, run: Run, owner: int | None = None) -> None:
        """Resolve ``owner``'s writes: their value is read once the instruction has run."""
        owners = list(self.pending) if owner is None else [owner]
        for key in owners:
            for frame, plan, file, line in self.pending.pop(key, ()):
                op = describe(frame, plan)
                if op is not None:
                    self.events.append(Event(run.steps, key, file, line, op))

    def op(self, run: Run, owner: int, frame: types.FrameType | None, op: tuple[str, str, str]) -> None:
        self.flush(run, owner)
        file = frame.f_code.co_filename if frame is not None else ""
        line = (frame.f_lineno or 0) if frame is not None else 0
        self.events.append(Event(run.steps, owner, file, line, op))
