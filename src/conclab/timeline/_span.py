"""A span: something that ran on one lane (thread, process or task) from a start to an end."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Span:
    """One recorded interval.

    ``start_s`` and ``end_s`` are seconds since the recorder started. ``lane`` is
    the human name of where it ran ("MainThread", "Process-1", "Task-2");
    ``pid`` and ``tid`` identify the real process and thread, and ``lane_kind``
    says which of ``thread``, ``process`` or ``task`` the lane is.
    """

    name: str
    lane: str
    start_s: float
    end_s: float
    pid: int = 0
    tid: int = 0
    lane_kind: str = "thread"
    args: dict[str, Any] = field(default_factory=dict)

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "lane": self.lane,
            "name": self.name,
            "start_s": round(self.start_s, 6),
            "end_s": round(self.end_s, 6),
            "pid": self.pid,
            "tid": self.tid,
            "lane_kind": self.lane_kind,
        }
        if self.args:
            data["args"] = self.args
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Span:
        return cls(
            name=str(data["name"]),
            lane=str(data["lane"]),
            start_s=float(data["start_s"]),
            end_s=float(data["end_s"]),
            pid=int(data.get("pid", 0)),
            tid=int(data.get("tid", 0)),
            lane_kind=str(data.get("lane_kind", "thread")),
            args=dict(data.get("args") or {}),
        )
