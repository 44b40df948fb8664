"""Timelines: record what ran when (threads, processes, asyncio tasks) and draw it.

Record with :func:`span` or :func:`trace` while a :class:`Recorder` is active
(:func:`recording`); draw with :class:`TerminalTimeline` or :class:`HtmlTimeline`,
or export with :class:`PerfettoTrace`. All renderers share one :class:`Layout`.
:func:`trace_script` records a learner's own script under VizTracer instead.
"""

from conclab.timeline._html import HtmlTimeline, html_page
from conclab.timeline._layout import Lane, Layout, format_seconds, nice_ticks
from conclab.timeline._perfetto import PerfettoTrace, trace_events
from conclab.timeline._recorder import (
    Recorder,
    Traced,
    active_recorder,
    current_lane,
    recording,
    span,
    trace,
)
from conclab.timeline._render import Renderer, RichRenderer, check_writable
from conclab.timeline._span import Span
from conclab.timeline._terminal import TerminalTimeline
from conclab.timeline._trace_convert import MIN_WAIT_S, TraceConversion, spans_from_trace
from conclab.timeline._viztracer import (
    ScriptTrace,
    ScriptTracePage,
    chart_title,
    clean_traceback,
    problem_line,
    summary_lines,
    trace_script,
)

__all__ = [
    "MIN_WAIT_S",
    "HtmlTimeline",
    "Lane",
    "Layout",
    "PerfettoTrace",
    "Recorder",
    "Renderer",
    "RichRenderer",
    "ScriptTrace",
    "ScriptTracePage",
    "Span",
    "TerminalTimeline",
    "TraceConversion",
    "Traced",
    "active_recorder",
    "chart_title",
    "check_writable",
    "clean_traceback",
    "current_lane",
    "format_seconds",
    "html_page",
    "nice_ticks",
    "problem_line",
    "recording",
    "span",
    "spans_from_trace",
    "summary_lines",
    "trace",
    "trace_events",
    "trace_script",
]
