"""Timelines: record what ran when (threads, processes, asyncio tasks) and draw it.

Record with :func:`span` or :func:`trace` while a :class:`Recorder` is active
(:func:`recording`); draw with :class:`TerminalTimeline` or :class:`HtmlTimeline`,
or export with :class:`PerfettoTrace`. All renderers share one :class:`Layout`.
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
from conclab.timeline._render import Renderer, check_writable
from conclab.timeline._span import Span
from conclab.timeline._terminal import TerminalTimeline

__all__ = [
    "HtmlTimeline",
    "Lane",
    "Layout",
    "PerfettoTrace",
    "Recorder",
    "Renderer",
    "Span",
    "TerminalTimeline",
    "Traced",
    "active_recorder",
    "check_writable",
    "current_lane",
    "format_seconds",
    "html_page",
    "nice_ticks",
    "recording",
    "span",
    "trace",
    "trace_events",
]
