"""What a lab's ``run`` function receives: measurement, tracing, tables and a log.

The example code stays free of measurement plumbing: the lab wraps calls in
:meth:`LabContext.measure` and :meth:`LabContext.trace`, which record spans on
the timeline and figures in :attr:`LabContext.measured`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from conclab.i18n import pick
from conclab.machine import Machine
from conclab.timeline import Recorder, span, trace


@dataclass
class Table:
    """A measured table: a title, column headings and rows (all in the learner's language)."""

    title: str
    columns: list[str]
    rows: list[list[Any]]

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "columns": self.columns, "rows": self.rows}


@dataclass
class LabContext:
    """The lab's handle on the run: language, speed, clock, recorder and results."""

    lang: str
    quick: bool
    recorder: Recorder
    machine: Machine
    measured: dict[str, Any] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)
    log_lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _log_lock: threading.Lock = field(default_factory=threading.Lock)
    #: Told the name of each measurement as it starts (the CLI's live status line).
    on_step: Callable[[str], None] | None = None

    # -- time ----------------------------------------------------------------
    def now(self) -> float:
        """Seconds since the lab started, on the recorder's (injectable) clock."""
        return self.recorder.now()

    def pick(self, default: float, quick: float) -> float:
        """The default figure, or the smaller one under ``--quick``."""
        return quick if self.quick else default

    @contextlib.contextmanager
    def measure(self, name: str, lane: str | None = None, *,
                label: Mapping[str, str] | None = None) -> Iterator[None]:
        """Time the block into ``measured[name + "_s"]`` and draw it as a span.

        ``name`` is the key of the figure, the same in every language; the span
        is drawn under ``label`` in the learner's language
        (``label={"ja": "順番に"}``; English falls back to ``name``), so the
        terminal timeline, the HTML page and the Perfetto trace all read it the
        same way. Find the span again with :meth:`label`.
        """
        shown = self.label(name, label)
        if self.on_step is not None:
            self.on_step(shown)
        start = self.now()
        try:
            with span(shown, lane=lane):
                yield
        finally:
            self.measured[f"{name}_s"] = self.now() - start

    def label(self, name: str, label: Mapping[str, str] | None = None) -> str:
        """The span name :meth:`measure` draws for ``name`` and ``label`` (to find the span afterwards)."""
        return pick({"en": name, **(label or {})}, self.lang)

    def trace(self, target: Any, *names: str,
              **labels: str | Mapping[str, str]) -> contextlib.AbstractContextManager[None]:
        """Record a span for each call of the named functions of a module or class.

        A label is a template (``download="download {0}"``) or, when it says
        more than the function's name, a ``{"en": ..., "ja": ...}`` mapping of
        templates; the learner's language is picked here.
        """
        chosen = {attr: text if isinstance(text, str) else self.text(text) for attr, text in labels.items()}
        return trace(target, *names, **chosen)

    # -- output --------------------------------------------------------------
    def text(self, texts: Mapping[str, str], *args: Any, **values: Any) -> str:
        """Pick the learner's language from ``{"en": ..., "ja": ...}`` and fill it in."""
        text = pick(texts, self.lang)
        return text.format(*args, **values) if (args or values) else text

    def table(self, title: Mapping[str, str], columns: Sequence[Mapping[str, str]],
              rows: Sequence[Sequence[Any]]) -> Table:
        table = Table(self.text(title), [self.text(c) for c in columns], [list(r) for r in rows])
        self.tables.append(table)
        return table

    def log(self, line: str) -> None:
        """Keep a log line (a server's "start"/"end" lines), stamped with the lab's time."""
        with self._log_lock:
            self.log_lines.append(f"{self.now():7.3f}s  {line}")

    def note(self, texts: Mapping[str, str], *args: Any, **values: Any) -> None:
        """A sentence shown with the results (an observation, in the learner's language)."""
        self.notes.append(self.text(texts, *args, **values))
