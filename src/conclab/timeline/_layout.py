"""The layout model every timeline renderer draws from.

Terminal, HTML and Perfetto output all start from one :class:`Layout`, so they
show the same lanes in the same order with the same spans. A lane holds one or
more rows: spans that overlap on the same lane (a ``sequential`` span around
three ``download`` spans) are stacked, outer spans first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from conclab.timeline._span import Span

#: How many look-alike lanes fold into one group (:meth:`Layout.grouped`).
GROUP_AT_LEAST = 8


@dataclass
class Lane:
    """One horizontal lane: a thread, a process or an asyncio task."""

    label: str
    kind: str
    pid: int
    index: int
    rows: list[list[Span]] = field(default_factory=list)

    @property
    def spans(self) -> list[Span]:
        return [s for row in self.rows for s in row]


@dataclass
class Layout:
    """Lanes in first-seen order, the time range, axis ticks and a legend of span names."""

    lanes: list[Lane]
    start_s: float
    end_s: float
    ticks: list[float]
    names: list[str]
    #: When set, the axis counts steps of this many seconds (the explorer's virtual clock), not seconds.
    step_s: float = 0.0
    #: What the axis counts, drawn at its left ("step"); empty for seconds.
    axis_name: str = ""

    @property
    def duration_s(self) -> float:
        return max(self.end_s - self.start_s, 1e-9)

    def fraction(self, t: float) -> float:
        """Where ``t`` falls between the start (0.0) and the end (1.0)."""
        return min(1.0, max(0.0, (t - self.start_s) / self.duration_s))

    @classmethod
    def from_spans(cls, spans: Iterable[Span], max_ticks: int = 6) -> Layout:
        ordered = sorted(spans, key=lambda s: (s.start_s, -s.end_s))
        lanes: dict[tuple[int, str], Lane] = {}
        names: list[str] = []
        for span in ordered:
            key = (span.pid, span.lane)
            lane = lanes.get(key)
            if lane is None:
                lane = lanes[key] = Lane(span.lane, span.lane_kind, span.pid, len(lanes))
            _place(lane, span)
            if span.name not in names:
                names.append(span.name)
        # Lanes in order of their first span; a tie goes to the natural order of names.
        ordered_lanes = sorted(lanes.values(), key=lambda lane: (
            min(s.start_s for s in lane.spans), _natural(lane.label)))
        for index, lane in enumerate(ordered_lanes):
            lane.index = index
        start = 0.0 if not ordered or ordered[0].start_s >= 0 else ordered[0].start_s
        end = max((s.end_s for s in ordered), default=0.0)
        layout = cls(ordered_lanes, start, end, nice_ticks(start, end, max_ticks), names)
        steps = {(s.args.get("step_s"), s.args.get("axis", "step")) for s in ordered}
        if len(steps) == 1 and next(iter(steps))[0]:  # every span is on the explorer's virtual clock
            step_s, axis = next(iter(steps))
            return layout.in_steps(float(step_s), str(axis))  # type: ignore[arg-type]
        return layout

    def grouped(self, at_least: int = GROUP_AT_LEAST) -> Layout:
        """The same spans with look-alike lanes folded: ``handler-1`` ... ``handler-20`` become one lane.

        Lanes of one process whose labels differ only by a number ("handler-7",
        "worker_3") are folded into one lane titled "handler-1…20 (20)" when
        there are at least ``at_least`` of them; its rows hold their spans packed,
        so overlapping handlers still show as overlapping. Fewer look-alikes
        (five ``fetch_*`` threads) stay lanes of their own.
        """
        groups: dict[tuple[int, str], list[Lane]] = {}
        for lane in self.lanes:
            groups.setdefault((lane.pid, _stem(lane.label)), []).append(lane)
        folded: list[Lane] = []
        seen: set[tuple[int, str]] = set()
        for lane in self.lanes:
            key = (lane.pid, _stem(lane.label))
            members = groups[key]
            if len(members) < at_least or not key[1]:
                folded.append(Lane(lane.label, lane.kind, lane.pid, len(folded), lane.rows))
                continue
            if key in seen:
                continue
            seen.add(key)
            numbers = sorted(int(_NUMBER.search(m.label).group()) for m in members)  # type: ignore[union-attr]
            label = f"{key[1]}{numbers[0]}…{numbers[-1]} ({len(members)})"
            group = Lane(label, lane.kind, lane.pid, len(folded))
            for span in sorted((s for m in members for s in m.spans), key=lambda s: (s.start_s, -s.end_s)):
                _place(group, span)
            folded.append(group)
        return Layout(folded, self.start_s, self.end_s, self.ticks, self.names, self.step_s, self.axis_name)

    def in_steps(self, step_s: float, axis_name: str = "step") -> Layout:
        """The same lanes on an axis of whole steps ("1 5 10"): an interleaving has no seconds to show."""
        count = max(1, round((self.end_s - self.start_s) / step_s))
        ticks = [round(t) * step_s for t in nice_ticks(0, count) if abs(t - round(t)) < 1e-9]
        ticks = sorted({self.start_s + t for t in ticks})
        return Layout(self.lanes, self.start_s, self.end_s, ticks, self.names, step_s, axis_name)

    def tick_label(self, tick: float) -> str:
        """"0.25s", or the step number on a step axis."""
        if self.step_s:
            return str(round(tick / self.step_s))
        return format_seconds(tick)

    def same_label_in_several_processes(self) -> bool:
        labels = [lane.label for lane in self.lanes]
        return len(labels) != len(set(labels))

    def lane_title(self, lane: Lane) -> str:
        """The label, with the pid when two processes share a lane name."""
        if self.same_label_in_several_processes():
            return f"{lane.label} [{lane.pid}]"
        return lane.label


_NUMBER = re.compile(r"\d+(?=\D*$)")


def _stem(label: str) -> str:
    """"handler-12" -> "handler-", "worker_3" -> "worker_"; "" for a label with no number at its end."""
    match = re.fullmatch(r"(.*?\D)?\d+", label)
    return (match.group(1) or "") if match else ""


def _natural(label: str) -> list[object]:
    """Sort key where "worker-2" comes before "worker-10"."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", label)]


def _place(lane: Lane, span: Span) -> None:
    for row in lane.rows:
        if all(span.start_s >= other.end_s or span.end_s <= other.start_s for other in row):
            row.append(span)
            return
    lane.rows.append([span])


def nice_ticks(start: float, end: float, max_ticks: int = 6) -> list[float]:
    """Round tick positions (0.1, 0.2, 0.25, 0.5, 1, 2, 5 ...) covering ``start`` to ``end``."""
    span = end - start
    if span <= 0:
        return [start]
    raw = span / max(1, max_ticks - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step >= raw:
            break
    first = math.ceil(start / step - 1e-9) * step
    ticks = []
    value = first
    while value <= end + 1e-9:
        ticks.append(round(value, 9))
        value += step
    return ticks


#: The units :func:`format_seconds` writes after a figure in prose, per language (axis ticks keep ``s``).
_UNITS = {"ja": (" 秒", " ミリ秒")}


def format_seconds(value: float, lang: str | None = None) -> str:
    """``0s``, ``0.25s``, ``1.5s``, ``12s``; milliseconds below 0.01 s.

    Without ``lang`` this is the compact form an axis tick uses. With
    ``lang="ja"`` the figure is written as Japanese prose writes it, with a
    space and the unit in words（``0.172 秒``, ``3.5 ミリ秒``）; English keeps
    ``0.172s``.
    """
    seconds, millis = _UNITS.get(lang or "", ("s", "ms"))
    if value == 0:
        return f"0{seconds}"
    if abs(value) < 0.01:
        return f"{value * 1000:.3g}{millis}"
    return f"{value:.3g}{seconds}"
