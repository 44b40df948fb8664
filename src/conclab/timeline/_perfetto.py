"""Chrome trace-event JSON, the format Perfetto and chrome://tracing open.

Every span becomes an ``X`` (complete) event with ``ts`` and ``dur`` in
microseconds. Lanes become threads: each lane gets a ``tid`` of its own within
its process (asyncio tasks share one OS thread, so their real thread id would
merge them) and a ``thread_name`` metadata event; the real thread id is kept in
``args``. Lanes come from the shared :class:`Layout`, so the trace and the
drawn timelines agree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from conclab.timeline._layout import Layout
from conclab.timeline._render import Renderer
from conclab.timeline._span import Span


def trace_events(spans: Iterable[Span] | Layout, process_names: dict[int, str] | None = None) -> dict[str, Any]:
    """Build the trace-event document (a dict ready for ``json.dump``)."""
    layout = spans if isinstance(spans, Layout) else Layout.from_spans(spans)
    events: list[dict[str, Any]] = []
    seen_pids: list[int] = []
    names = {lane.pid: f"{lane.label} (pid {lane.pid})" for lane in reversed(layout.lanes)
             if lane.kind == "process"}
    names.update(process_names or {})
    for lane in layout.lanes:
        if lane.pid not in seen_pids:
            seen_pids.append(lane.pid)
            name = names.get(lane.pid, f"pid {lane.pid}")
            events.append({"name": "process_name", "ph": "M", "pid": lane.pid, "tid": 0,
                           "args": {"name": name}})
        tid = lane.index + 1
        events.append({"name": "thread_name", "ph": "M", "pid": lane.pid, "tid": tid,
                       "args": {"name": lane.label}})
        events.append({"name": "thread_sort_index", "ph": "M", "pid": lane.pid, "tid": tid,
                       "args": {"sort_index": lane.index}})
        for span in sorted(lane.spans, key=lambda s: s.start_s):
            args = {"lane_kind": lane.kind, "os_tid": span.tid}
            args.update({k: v for k, v in span.args.items() if _is_json(v)})
            events.append({
                "name": span.name,
                "cat": lane.kind,
                "ph": "X",
                "ts": round(span.start_s * 1e6, 3),
                "dur": round(max(0.0, span.duration_s) * 1e6, 3),
                "pid": lane.pid,
                "tid": tid,
                "args": args,
            })
    return {"traceEvents": events, "displayTimeUnit": "ms"}


def _is_json(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


class PerfettoTrace(Renderer):
    """Render spans as trace-event JSON text (``--trace FILE``)."""

    def __init__(self, spans: Iterable[Span] | Layout, process_names: dict[int, str] | None = None) -> None:
        self.document = trace_events(spans, process_names)

    def render_text(self) -> str:
        return json.dumps(self.document, ensure_ascii=False, indent=1) + "\n"
