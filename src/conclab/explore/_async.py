"""asyncio scenarios: an event loop whose ready-queue order the explorer chooses.

``TASKS = [...]`` coroutine functions run as tasks on :class:`ExploreLoop`, in
one controlled worker thread. Each time more than one task is ready to take a
step (after every ``await`` that actually yields), the strategy picks which one
goes first; the task that just yielded going on again is the deviation, the
next task round-robin the default, like asyncio's own FIFO order. The loop has
no I/O and runs on the explorer's virtual clock: ``asyncio.sleep(5)`` returns
at once once every task is waiting, with ``loop.time()`` five seconds later.
If nothing is ready and no timer is pending while tasks remain, every task
waits for another: a deadlock, reported with the ``asyncio.Lock`` each task
holds and waits for.
"""

from __future__ import annotations

import asyncio
import heapq
import linecache
import os
from collections.abc import Callable
from typing import Any

from conclab.explore._enums import ChoiceKind, FindingKind
from conclab.explore._findings import RawFinding
from conclab.explore._messages import MESSAGES
from conclab.explore._run import Run
from conclab.explore._workers import Abort

FREE, YIELD = ChoiceKind.FREE, ChoiceKind.YIELD

_OrigAsyncLock = asyncio.Lock


class AsyncLock(_OrigAsyncLock):
    """``asyncio.Lock`` that remembers which task holds it, for deadlock reports."""

    _conclab_primitive = True

    async def acquire(self) -> Any:
        task = asyncio.current_task()
        loop = task.get_loop() if task is not None else None
        waiting = getattr(loop, "waiting", None)
        if waiting is not None and task is not None:
            waiting[task] = self
        try:
            await super().acquire()
        finally:
            if waiting is not None and task is not None:
                waiting.pop(task, None)
        self._conclab_owner = task
        return True

    def release(self) -> None:
        self._conclab_owner = None
        super().release()


class ExploreLoop(asyncio.BaseEventLoop):
    """An event loop without I/O whose scheduling decisions belong to the explorer."""

    _ready: Any
    _scheduled: Any

    def __init__(self, run: Run) -> None:
        super().__init__()
        self.run = run
        self.task_index: dict[asyncio.Task[Any], int] = {}
        self.waiting: dict[asyncio.Task[Any], Any] = {}
        self.last = -1
        self.cancelled_all = False

    # -- BaseEventLoop plumbing we do not use
    def _process_events(self, event_list: Any) -> None:
        pass

    def _write_to_self(self) -> None:
        pass

    def time(self) -> float:
        return self.run.now

    def register(self, task: asyncio.Task[Any]) -> int:
        index = len(self.task_index)
        self.task_index[task] = index
        return index

    def _owner(self, handle: Any) -> int | None:
        task = getattr(handle._callback, "__self__", None)
        if task is None:
            return None
        return self.task_index.get(task)

    def _run_once(self) -> None:
        run = self.run
        scheduled = self._scheduled
        while scheduled and scheduled[0]._cancelled:
            handle = heapq.heappop(scheduled)
            handle._scheduled = False
        if not self._ready and scheduled:
            run.now = max(run.now, scheduled[0]._when)
        while scheduled and scheduled[0]._when <= run.now:
            handle = heapq.heappop(scheduled)
            handle._scheduled = False
            if not handle._cancelled:
                self._ready.append(handle)
        if run.aborting:
            self._cancel_all()
        if not self._ready:
            pending = [t for t in self.task_index if not t.done()]
            if pending and not run.aborting:
                self._deadlock(pending)
            self._cancel_all()
            if not self._ready:
                self.stop()
            return
        handle = self._pick()
        if handle._cancelled:
            return
        owner = self._owner(handle)
        if owner is not None:
            run.async_owner = owner
            self.last = owner
        handle._run()
        if owner is not None and not run.aborting:
            task = handle._callback.__self__
            run.note(run.workers[0], "finish" if task.done() else "await", None)

    def _pick(self) -> Any:
        ready = self._ready
        owners: list[int] = []
        for position, handle in enumerate(ready):
            owner = self._owner(handle)
            if owner is None or self.run.aborting:
                del ready[position]
                return handle
            owners.append(owner)
        enabled = sorted(set(owners))
        if len(enabled) == 1:
            chosen = enabled[0]
        else:
            kind = YIELD if self.last in enabled else FREE
            chosen = self.run.choose(self.last, kind, enabled)
        position = owners.index(chosen)
        handle = ready[position]
        del ready[position]
        return handle

    def _cancel_all(self) -> None:
        if self.cancelled_all:
            return
        self.cancelled_all = True
        for task in self.task_index:
            if not task.done():
                task.cancel()

    def _deadlock(self, pending: list[asyncio.Task[Any]]) -> None:
        run = self.run
        lang = run.session.lang
        names: dict[Any, str] = {task: f"T{index}" for task, index in self.task_index.items()}
        edges: list[dict[str, Any]] = []
        for task in pending:
            waits_on = self.waiting.get(task)
            holder = getattr(waits_on, "_conclab_owner", None)
            held = [run.session.name_of(lock) for lock in _locks_held(task, self.waiting, run)]
            where = _await_site(task)
            if waits_on is not None:
                key = "wait.lock" if holder in names else "wait.lock-nobody"
                waits = MESSAGES.get(key, lang, name=run.session.name_of(waits_on), holder=names.get(holder))
            else:
                waits = MESSAGES.get("wait.task", lang, where=where[0])
            edges.append({"thread": names[task], "holds": held, "waits_for": waits,
                          "held_by": names.get(holder), "where": where[0]})
        parts = []
        for edge in edges:
            held = list(edge["holds"])
            key = "finding.deadlock-edge" if edge["holds"] else "finding.deadlock-wait"
            parts.append(MESSAGES.get(key, lang, thread=edge["thread"], holds=", ".join(held),
                                      waits=edge["waits_for"]))
        file, line = _await_site(pending[0])[1:]
        run.set_finding(RawFinding(
            kind=FindingKind.DEADLOCK,
            message=MESSAGES.get("finding.deadlock", lang, cycle=MESSAGES.get("separator", lang).join(parts)),
            thread=names[pending[0]], file=file, line=line,
            source=linecache.getline(file, line).strip() if file else "",
            cycle=edges,
        ))


def _locks_held(task: Any, waiting: dict[Any, Any], run: Run) -> list[Any]:
    held = []
    for value in run.namespace.values():
        if isinstance(value, AsyncLock) and getattr(value, "_conclab_owner", None) is task:
            held.append(value)
    return held


def _await_site(task: asyncio.Task[Any]) -> tuple[str, str | None, int]:
    """("file:line `source`", file, line) where ``task`` is suspended."""
    coro = task.get_coro()
    frame = getattr(coro, "cr_frame", None)
    # Descend into awaited coroutines that belong to the scenario (helpers it calls).
    inner = getattr(coro, "cr_await", None)
    while inner is not None and getattr(inner, "cr_frame", None) is not None:
        if inner.cr_frame.f_code.co_filename == frame.f_code.co_filename:  # type: ignore[union-attr]
            frame = inner.cr_frame
        inner = getattr(inner, "cr_await", None)
    if frame is None:
        return "?", None, 0
    file, line = frame.f_code.co_filename, frame.f_lineno or 0
    source = linecache.getline(file, line).strip()
    return f"{os.path.basename(file)}:{line} `{source}`", file, line


def run_tasks(run: Run, funcs: list[Callable[[], Any]]) -> None:
    """Run the scenario's coroutine functions as tasks on an :class:`ExploreLoop`."""
    loop = ExploreLoop(run)
    run.loop = loop
    worker = run.workers[0]
    tasks: list[asyncio.Task[Any]] = []

    def finished(task: asyncio.Task[Any]) -> None:
        if task.cancelled() or run.aborting:
            return
        exc = task.exception()
        if exc is not None and not isinstance(exc, Abort):
            run.exception(worker, exc, name=f"T{loop.task_index[task]}")

    async def driver() -> None:
        for index, func in enumerate(funcs):
            task = loop.create_task(func(), name=f"T{index}")
            loop.register(task)
            task.add_done_callback(finished)
            tasks.append(task)
        await asyncio.gather(*tasks, return_exceptions=True)

    try:
        loop.run_until_complete(driver())
    finally:
        try:
            if any(not task.done() for task in tasks):
                # The run ended early (a replay diverged): let every task unwind before closing.
                loop._cancel_all()
                loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()
    run.task_labels = [getattr(f, "__name__", "task") for f in funcs]
