"""The interactive driver: the learner is the scheduler and picks who runs next.

At every choice point a callback is shown a :class:`ChoicePoint` (every thread,
where it stands, what it does next, the shared state) and answers with a thread
number, None for the default, or raises :class:`Stop`.
"""

from __future__ import annotations

import dataclasses
import linecache
import os
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conclab.explore._decode import Decoder, code_only, describe, expr_text, show
from conclab.explore._decode import decoder as _decoder
from conclab.explore._enums import ChoiceKind, ThreadState
from conclab.explore._findings import describe_wait
from conclab.explore._run import Run
from conclab.explore._session import Session
from conclab.explore._types import Op


class Stop(Exception):
    """Raised by an interactive ``ask`` callback to end the session early."""


@dataclass(frozen=True)
class ThreadView:
    """One thread (or task) as the interactive player sees it."""

    index: int
    name: str
    label: str
    status: ThreadState    # "runnable", "blocked", "done", "not started"
    location: str
    source: str
    next_op: str
    holds: tuple[str, ...] = ()   # the locks (and other primitives) it holds, by name
    waits: str = ""               # what a blocked thread waits for ("lock_b (held by T1)")


@dataclass(frozen=True)
class ChoicePoint:
    """What an interactive ``ask`` callback is shown before it picks the next thread."""

    index: int
    enabled: tuple[int, ...]
    current: int
    default: int
    threads: tuple[ThreadView, ...]
    shared: dict[str, str]


def shared_state(namespace: dict[str, Any]) -> dict[str, str]:
    """The scenario's shared data: module globals that are values, not code or sync objects."""
    state: dict[str, str] = {}
    for key, value in namespace.items():
        if key.startswith("_") or key in ("THREADS", "TASKS"):
            continue
        if isinstance(value, (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, type)):
            continue
        if getattr(value, "_conclab_primitive", False):
            continue
        state[key] = show(value)
    return state


class Interactive:
    """A chooser that asks the learner (through a callback) at every choice point."""

    def __init__(self, session: Session, ask: Callable[[ChoicePoint], int | None]) -> None:
        self.session = session
        self.ask = ask
        self.decoders: dict[Any, Decoder] = {}

    def __call__(self, index: int, enabled: list[int], current: int, kind: ChoiceKind, default: int) -> int:
        run = self.session.current_run
        assert run is not None
        point = ChoicePoint(index=index, enabled=tuple(enabled), current=current, default=default,
                            threads=tuple(self._views(run)), shared=shared_state(run.namespace))
        answer = self.ask(point)
        return default if answer is None or answer not in enabled else answer

    def _views(self, run: Run) -> list[ThreadView]:
        loop = getattr(run, "loop", None)
        if loop is not None:
            views = []
            for task, index in loop.task_index.items():
                coro = task.get_coro()
                frame = getattr(coro, "cr_frame", None)
                status = ThreadState.DONE if task.done() else (ThreadState.RUNNABLE if any(
                    loop._owner(h) == index for h in loop._ready) else ThreadState.BLOCKED)
                views.append(self._view(index, f"T{index}", getattr(coro, "__name__", "task"),
                                        status, frame))
            return views
        views = [self._view(w.index, w.name, w.label,
                            w.state if w.frame is not None or w.state == ThreadState.DONE
                            else ThreadState.NOT_STARTED,
                            w.frame)
                 for w in run.workers]
        return [self._with_locks(view, worker) for view, worker in zip(views, run.workers, strict=True)]

    def _with_locks(self, view: ThreadView, worker: Any) -> ThreadView:
        """Add what the thread holds and, when blocked, what it waits for."""
        if view.status == ThreadState.DONE:
            return view
        holds = tuple(self.session.name_of(obj) for obj in worker.held)
        waits = describe_wait(self.session, worker) if view.status == ThreadState.BLOCKED else ""
        return dataclasses.replace(view, holds=holds, waits=waits)

    def _view(self, index: int, name: str, label: str, status: ThreadState, frame: Any) -> ThreadView:
        if frame is None or status == ThreadState.DONE:
            return ThreadView(index, name, label, status, "", "", "")
        code = frame.f_code
        decoder = self.decoders.get(code) or self.decoders.setdefault(code, _decoder(code))
        line = frame.f_lineno or 0
        source = code_only(linecache.getline(code.co_filename, line))
        plan = decoder.plans.get(frame.f_lasti)
        next_op = decoder.opnames.get(frame.f_lasti, "")
        if plan is not None:
            described = describe(frame, plan) if plan.when == "before" else None
            if described is not None:
                next_op = Op(*described).text(self.session.lang)
            else:
                next_op = f"{plan.kind} {expr_text(plan.target)}"
        return ThreadView(index, name, label, status, f"{os.path.basename(code.co_filename)}:{line}",
                          source, next_op)
