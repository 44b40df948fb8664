"""The per-instruction hook: one implementation per interpreter family.

Before every bytecode (or line) of the scenario's own code a hook runs in the
thread that holds the baton: ``sys.settrace`` with ``f_trace_opcodes`` before
Python 3.12, ``sys.monitoring`` INSTRUCTION (or LINE) events from 3.12, which
cost nothing outside the scenario's code objects. The hook only counts steps on
the hot path and calls the run's ``point`` (a visible instruction) or ``step``
(everything else the run must see). Code outside the scenario file (the
standard library, conclab) is not traced, so it runs atomically.

Both tracers give back what they found: ``leave`` restores the trace function
the thread had before ``enter`` (a debugger's, coverage's), and the monitoring
tracer frees its tool id and clears its events on ``stop``.
"""

from __future__ import annotations

import _thread
import sys
import types
from typing import TYPE_CHECKING, Any

from conclab.explore._decode import visible_table
from conclab.explore._workers import BY_IDENT, Worker

if TYPE_CHECKING:
    from conclab.explore._session import Session

_get_ident = _thread.get_ident
_ALL_VISIBLE = b""


class Tracer:
    """Installs the per-instruction hook; one implementation per interpreter family."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.opcode = session.granularity == "opcode"

    def start(self) -> None:
        """Called once per exploration, in the engine's thread."""

    def stop(self) -> None:
        """Undo :meth:`start`."""

    def enter(self, worker: Worker) -> None:
        """Called in a worker's thread before it runs scenario code."""

    def leave(self, worker: Worker) -> None:
        """Called in a worker's thread after it ran scenario code; undoes :meth:`enter`."""


class SettraceTracer(Tracer):
    """Python 3.10 and 3.11: ``sys.settrace`` with opcode events in scenario frames."""

    def enter(self, worker: Worker) -> None:
        filename = self.session.filename
        tables = self.session.visible
        opcode = self.opcode
        event_name = "opcode" if opcode else "line"
        run = worker.run
        step = run.step
        point = run.point

        def global_hook(frame: types.FrameType, event: str, arg: Any) -> Any:
            code = frame.f_code
            if code.co_filename != filename:
                return None
            table = tables.get(code)
            if table is None:
                table = tables[code] = visible_table(code)
            if not opcode:
                table = _ALL_VISIBLE
            else:
                frame.f_trace_opcodes = True
                frame.f_trace_lines = False

            def local_hook(frame: types.FrameType, event: str, arg: Any) -> Any:
                # The hot path: most instructions are local, so only count them.
                if event == event_name:
                    run.steps += 1
                    visible = table[frame.f_lasti] if opcode else 1
                    if visible and run.steps < run.threshold:
                        point(worker, frame)
                    elif visible or run.steps >= run.threshold:
                        step(worker, frame, visible)
                return local_hook

            return local_hook

        worker.saved_trace = sys.gettrace()
        sys.settrace(global_hook)

    def leave(self, worker: Worker) -> None:
        previous, worker.saved_trace = worker.saved_trace, None
        sys.settrace(previous)


class MonitoringTracer(Tracer):
    """Python 3.12+: ``sys.monitoring`` INSTRUCTION (or LINE) events on the scenario's code only.

    The events are per code object and the callback looks the worker up by
    thread, so there is nothing to do per thread: ``enter`` and ``leave`` are
    the base class's no-ops, and a trace function set by someone else is never
    touched.
    """

    tool = -1

    def start(self) -> None:
        monitoring = sys.monitoring  # type: ignore[attr-defined]
        for tool in (4, 3, 5, 2, 1, 0):
            if monitoring.get_tool(tool) is None:
                break
        else:  # pragma: no cover - every tool id taken by debuggers and profilers
            raise RuntimeError("no free sys.monitoring tool id for the explorer")
        self.tool = tool
        monitoring.use_tool_id(tool, "conclab-explore")
        events = monitoring.events
        self.event = events.INSTRUCTION if self.opcode else events.LINE
        tables_by_id: dict[int, bytes] = {}
        for code in self.session.codes:
            tables_by_id[id(code)] = self.session.visible[code]
        get = BY_IDENT.get
        getframe = sys._getframe
        opcode = self.opcode

        def on_event(code: types.CodeType, where: int) -> Any:
            worker = get(_get_ident())
            if worker is None:
                return None
            run = worker.run
            run.steps += 1
            visible = tables_by_id[id(code)][where] if opcode else 1
            if visible and run.steps < run.threshold:
                run.point(worker, getframe(1))
            elif visible or run.steps >= run.threshold:
                run.step(worker, getframe(1), visible)
            return None

        monitoring.register_callback(tool, self.event, on_event)
        for code in self.session.codes:
            monitoring.set_local_events(tool, code, self.event)

    def stop(self) -> None:
        if self.tool < 0:
            return  # never started (or already stopped): nothing of ours to undo
        monitoring = sys.monitoring  # type: ignore[attr-defined]
        for code in self.session.codes:
            monitoring.set_local_events(self.tool, code, 0)
        monitoring.register_callback(self.tool, self.event, None)
        monitoring.free_tool_id(self.tool)
        self.tool = -1


def make_tracer(session: Session) -> Tracer:
    """The tracer for this interpreter: ``sys.monitoring`` from 3.12, else ``sys.settrace``."""
    if sys.version_info >= (3, 12):
        return MonitoringTracer(session)
    return SettraceTracer(session)
