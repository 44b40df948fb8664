"""The controlled scheduler: real threads that run only while they hold the baton.

Each scenario thread is a real OS thread (taken from a small pool that lives as
long as one ``explore.run`` call). Exactly one of them holds the baton at a
time; every other one is parked on its own ``_thread`` lock. Before every
bytecode of the scenario's own code a hook runs in the thread that holds the
baton (``sys.settrace`` with ``f_trace_opcodes`` before Python 3.12,
``sys.monitoring`` INSTRUCTION events from 3.12). Where the instruction can
touch shared state and another thread could run, the hook asks the strategy
who goes next and, if that is someone else, releases that thread's lock and
parks itself. Code outside the scenario file (the standard library, conclab)
is not traced, so it runs atomically.

Blocking operations (see ``_primitives``) park a thread as *blocked on* an
object. When no thread can run, the virtual clock jumps to the earliest
timeout; if nobody has one, that is a deadlock and the wait-for cycle is read
off the blocked threads. A run that ends early (finding, replay divergence)
releases every parked thread with the ``aborting`` flag set so each one unwinds
with :class:`Abort` and no thread outlives its run.
"""

from __future__ import annotations

import _thread
import bisect
import linecache
import os
import sys
import threading
import time
import traceback
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from conclab.explore._decode import WRITE, Decoder, all_code_objects, describe, visible_table
from conclab.explore._decode import decoder as _decoder
from conclab.explore._messages import MESSAGES

_allocate = _thread.allocate_lock
_get_ident = _thread.get_ident
_OrigThread = threading.Thread
_perf = time.perf_counter

RUNNABLE, BLOCKED, DONE = "runnable", "blocked", "done"
_ALL_VISIBLE = b""

#: Consecutive choice points a thread may keep the baton before the default
#: policy hands it on (a time slice, like the interpreter's switch interval).
#: It keeps a busy-waiting thread from starving the one it waits for, so a
#: spin loop that *would* end is not reported as a livelock.
SLICE = 20

#: Steps watched after the step limit to find the line a busy loop keeps running.
SPIN_SAMPLE = 64

#: Controlled worker of each real thread that is running scenario code now.
BY_IDENT: dict[int, Worker] = {}

#: Kinds of choice point. NORMAL: the current thread could go on, and going on
#: is the default (switching away is a preemption). YIELD: the current thread
#: could go on but offered to yield (``time.sleep(0)``, an ``await``, or its time
#: slice ran out), so the default is the next thread round-robin and staying is
#: the deviation. FREE: the current thread cannot go on, any choice costs nothing.
NORMAL, YIELD, FREE = 0, 1, 2

#: ``chooser(choice_index, enabled, current, kind, default) -> thread``
Chooser = Callable[[int, list[int], int, int, int], int]


class Abort(BaseException):
    """Unwinds a scenario thread whose run is over (raised at its next scheduling point)."""


class _Sleep:
    """What a thread in ``time.sleep`` is blocked on: only its deadline wakes it."""


SLEEP = _Sleep()


class Worker:
    """One scenario thread (or, for asyncio scenarios, the thread running the loop)."""

    __slots__ = ("run", "index", "name", "label", "func", "gate", "state", "waiting_on",
                 "deadline", "timed_out", "reason", "held", "frame", "streak", "ident",
                 "pool_thread")

    def __init__(self, run: Run, index: int, label: str, func: Callable[[], Any]) -> None:
        self.run = run
        self.index = index
        self.name = f"T{index}"
        self.label = label
        self.func = func
        self.gate: Any = None
        self.state = RUNNABLE
        self.waiting_on: Any = None
        self.deadline: float | None = None
        self.timed_out = False
        self.reason: tuple[str, Any] | None = None
        self.held: list[Any] = []
        self.frame: types.FrameType | None = None
        self.streak = 0
        self.ident = 0
        self.pool_thread: PoolThread | None = None

    def __repr__(self) -> str:
        return f"<Worker {self.name} {self.state}>"


class PoolThread:
    """A real thread reused across schedules; it runs one worker's job at a time."""

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.gate = _allocate()
        self.gate.acquire()
        self.worker: Worker | None = None
        self.retired = False
        self.thread = _OrigThread(target=self._loop, name="conclab-explore", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        gate = self.gate
        while True:
            gate.acquire()
            worker = self.worker
            if worker is None or self.retired:
                return
            worker.run.run_job(worker)


class Pool:
    """The real threads of one exploration; all are joined when it ends.

    Threads are interchangeable: a run takes any thread none of its own workers
    uses. The threads of the previous run are all idle (or just returning to their
    loop) by the time the next run starts.
    """

    def __init__(self) -> None:
        self.threads: list[PoolThread] = []

    def take(self, busy: list[Worker]) -> PoolThread:
        """A thread that none of ``busy`` (the workers of the current run) is using."""
        used = [w.pool_thread for w in busy]
        for pool_thread in self.threads:
            if pool_thread not in used:
                return pool_thread
        # Starting a real thread waits on its "started" Event. From a scenario thread
        # that wait must be a real one, not a scheduler state, so step out of control.
        ident = _get_ident()
        worker = BY_IDENT.pop(ident, None)
        try:
            pool_thread = PoolThread(self)
            self.threads.append(pool_thread)
        finally:
            if worker is not None:
                BY_IDENT[ident] = worker
        return pool_thread

    def retire(self, pool_thread: PoolThread) -> None:
        """Give up on a thread stuck in a real blocking call; a fresh one takes its place."""
        pool_thread.retired = True
        if pool_thread in self.threads:
            self.threads[self.threads.index(pool_thread)] = PoolThread(self)

    def shutdown(self, timeout: float) -> list[_OrigThread]:
        """Stop every pool thread; return those still alive (stuck in real I/O)."""
        for pool_thread in self.threads:
            pool_thread.worker = None
            pool_thread.retired = True
            if pool_thread.gate.locked():
                pool_thread.gate.release()
        deadline = _perf() + timeout
        for pool_thread in self.threads:
            pool_thread.thread.join(max(0.0, deadline - _perf()))
        return [p.thread for p in self.threads if p.thread.is_alive()]


@dataclass
class RawFinding:
    """What went wrong in one run, before it is dressed up for the report."""

    kind: str
    message: str
    thread: str | None = None
    file: str | None = None
    line: int | None = None
    source: str = ""
    cycle: list[dict[str, Any]] = field(default_factory=list)
    traceback: str = ""


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
        """Called in a worker's thread after it ran scenario code."""


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

        sys.settrace(global_hook)

    def leave(self, worker: Worker) -> None:
        sys.settrace(None)


class MonitoringTracer(Tracer):
    """Python 3.12+: ``sys.monitoring`` INSTRUCTION (or LINE) events on the scenario's code only."""

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
        monitoring = sys.monitoring  # type: ignore[attr-defined]
        for code in self.session.codes:
            monitoring.set_local_events(self.tool, code, 0)
        monitoring.register_callback(self.tool, self.event, None)
        monitoring.free_tool_id(self.tool)


def make_tracer(session: Session) -> Tracer:
    if sys.version_info >= (3, 12):
        return MonitoringTracer(session)
    return SettraceTracer(session)


class DivergenceError(Exception):
    """A replayed schedule asked for a thread that cannot run there."""


class Run:
    """One schedule: the scenario's threads from ``setup()`` to ``check()``."""

    def __init__(self, session: Session, chooser: Chooser, *, detailed: bool, log: bool) -> None:
        self.session = session
        self.chooser = chooser
        self.workers: list[Worker] = []
        self.runnable: list[int] = []
        self.waitlist: list[Worker] = []
        self.sleepers: list[Worker] = []
        self.choices: list[int] = []
        self.log: list[tuple[tuple[int, ...], int, int]] | None = [] if log else None
        # With the log: the choice points where the current thread was about to write
        # shared state (dfs tries preemptions there first).
        self.before_write: set[int] = set()
        self.recorder = Recorder(session.granularity) if detailed else None
        self.now = 0.0
        self.steps = 0
        self.switches = 0
        self.step_limit = session.step_limit
        # Steps from which every instruction takes the slow path in :meth:`step`.
        self.threshold = 0 if detailed else session.step_limit + 1
        self.spin_lines: dict[tuple[str, int], int] | None = None
        self.current: Worker | None = None
        self.aborting = False
        self.finding: RawFinding | None = None
        self.fatal: BaseException | None = None
        self.mutex = _allocate()
        self.unfinished = 0
        self.completed = False
        self.namespace: dict[str, Any] = {}
        self.async_owner: int | None = None
        self.task_labels: list[str] = []
        self.loop: Any = None
        self.leaked = False

    # ----------------------------------------------------------------- threads
    def add_worker(self, label: str, func: Callable[[], Any]) -> Worker:
        worker = Worker(self, len(self.workers), label, func)
        pool_thread = self.session.pool.take(self.workers)
        pool_thread.worker = worker
        worker.pool_thread = pool_thread
        worker.gate = pool_thread.gate
        self.workers.append(worker)
        bisect.insort(self.runnable, worker.index)
        with self.mutex:
            self.unfinished += 1
        return worker

    def run_job(self, worker: Worker) -> None:
        """Body of a pool thread while it carries ``worker`` (entered holding the baton)."""
        worker.ident = _get_ident()
        BY_IDENT[worker.ident] = worker
        if not self.aborting:
            tracer = self.session.tracer
            tracer.enter(worker)
            try:
                worker.func()
            except Abort:
                pass
            except BaseException as exc:  # noqa: BLE001 - every escape is a finding
                self._exception(worker, exc)
            finally:
                tracer.leave(worker)
        self._finish(worker)

    def _finish(self, worker: Worker) -> None:
        """``worker`` is done: pass the baton on or, if it was the last one, end the run.

        The last thread to finish ends the run itself (``Session.finished``):
        it calls ``check()`` and starts the next schedule of the batch, running its
        first thread in place, so a schedule costs no round trip through the
        engine's thread.
        """
        BY_IDENT.pop(worker.ident, None)
        if worker.state != DONE:
            if worker.state == RUNNABLE:
                self.runnable.remove(worker.index)
            elif worker in self.waitlist:
                self.waitlist.remove(worker)
            worker.state = DONE
        if not self.aborting:
            if self.loop is None:
                self.note(worker, "finish", None)
            self.wake(worker)
        with self.mutex:
            self.unfinished -= 1
            last = self.unfinished == 0
        if last:
            if self.recorder is not None:
                self.recorder.flush(self)
            self.session.finished(self, worker.pool_thread)
            return
        if self.aborting:
            return
        try:
            following = self._next_after(worker)
        except Abort:
            return
        if following is not None:
            self.current = following
            following.streak = 0
            following.gate.release()

    def spawn(self, parent: Worker, thread: Any) -> Worker:
        """A scenario thread started another thread: it joins the schedule."""
        worker = self.add_worker(thread.name, thread.run)
        self.note(parent, "start", worker.name)
        return worker

    # --------------------------------------------------------------- the hook
    def step(self, worker: Worker, frame: types.FrameType, visible: int) -> None:
        """The scheduling point before an instruction (or line) of scenario code.

        The hooks count every step themselves and call this only for visible
        instructions, or for every one once ``threshold`` is reached (a detailed
        run, the step limit, or an aborting run).
        """
        if self.aborting:
            return
        if self.steps > self.step_limit:
            self._spinning(worker, frame)
        if self.recorder is not None:
            owner = worker.index if self.async_owner is None else self.async_owner
            self.recorder.step(self, owner, frame)
        if visible:
            worker.frame = frame
            if len(self.runnable) > 1:
                worker.streak += 1
                chosen = self.choose(worker.index, YIELD if worker.streak > SLICE else NORMAL)
                if chosen != worker.index:
                    self.handoff(worker, self.workers[chosen])

    def point(self, worker: Worker, frame: types.FrameType) -> None:
        """:meth:`step` for a visible instruction below ``threshold`` (the hot path).

        Below the threshold the run is not detailed, not aborting and within the
        step limit, so only the choice is left; at a NORMAL point it is asked
        directly, without :meth:`choose`'s general bookkeeping.
        """
        worker.frame = frame
        runnable = self.runnable
        if len(runnable) < 2:
            return
        worker.streak += 1
        current = worker.index
        if worker.streak > SLICE or current not in runnable:
            chosen = self.choose(current, YIELD)
        else:
            try:
                chosen = self.chooser(len(self.choices), runnable, current, NORMAL, current)
            except BaseException as exc:  # noqa: BLE001 - strategy failures end the run cleanly
                self.fatal = exc
                self.abort_all()
                raise Abort from None
            if chosen != current and chosen not in runnable:
                self.fatal = DivergenceError(
                    f"choice {len(self.choices)} picks thread {chosen}, but only "
                    f"{', '.join(map(str, runnable))} can run there")
                self.abort_all()
                raise Abort
            self.choices.append(chosen)
            if self.log is not None:
                self.log.append((tuple(runnable), current, NORMAL))
        if self.log is not None:
            table = self.session.visible.get(frame.f_code)
            if table is not None and table[frame.f_lasti] == WRITE:
                self.before_write.add(len(self.choices) - 1)
        if chosen != current:
            self.handoff(worker, self.workers[chosen])

    def choose(self, current: int, kind: int, enabled: list[int] | None = None) -> int:
        """Ask the strategy who runs next among ``enabled`` (default: runnable threads)."""
        if enabled is None:
            enabled = self.runnable
        if current not in enabled:
            kind = FREE
        if kind == NORMAL:
            default = current
        else:
            default = enabled[0]
            for index in enabled:
                if index > current:
                    default = index
                    break
        try:
            chosen = self.chooser(len(self.choices), enabled, current, kind, default)
        except BaseException as exc:  # noqa: BLE001 - strategy failures end the run cleanly
            self.fatal = exc
            self.abort_all()
            raise Abort from None
        if chosen not in enabled:
            self.fatal = DivergenceError(
                f"choice {len(self.choices)} picks thread {chosen}, but only "
                f"{', '.join(map(str, enabled))} can run there")
            self.abort_all()
            raise Abort
        self.choices.append(chosen)
        if self.log is not None:
            self.log.append((tuple(enabled), default, kind))
        return chosen

    def handoff(self, worker: Worker, following: Worker) -> None:
        self.current = following
        following.streak = 0
        self.switches += 1
        following.gate.release()
        worker.gate.acquire()
        if self.aborting:
            raise Abort

    # ------------------------------------------------------------- blocking
    def block(self, worker: Worker, obj: Any, deadline: float | None) -> bool:
        """Park ``worker`` until ``obj`` is woken or the virtual clock reaches ``deadline``.

        Returns False on timeout. Raises :class:`Abort` if the run ends meanwhile.
        """
        if self.aborting:
            raise Abort
        worker.state = BLOCKED
        worker.waiting_on = obj
        worker.deadline = deadline
        worker.timed_out = False
        self.runnable.remove(worker.index)
        self.waitlist.append(worker)
        if deadline is not None:
            self.sleepers.append(worker)
        if obj is not SLEEP:
            self.note(worker, "blocked", self.describe_wait(worker))
        following = self._next_after(worker)
        if following is None:
            raise Abort
        if following is not worker:
            self.handoff(worker, following)
        if worker.timed_out and obj is not SLEEP:
            self.note(worker, "timeout", None)
        return not worker.timed_out

    def _make_runnable(self, worker: Worker, timed_out: bool) -> None:
        worker.state = RUNNABLE
        worker.waiting_on = None
        worker.deadline = None
        worker.timed_out = timed_out
        self.waitlist.remove(worker)
        if worker in self.sleepers:
            self.sleepers.remove(worker)
        bisect.insort(self.runnable, worker.index)

    def wake(self, obj: Any, n: int | None = None) -> None:
        """Make threads blocked on ``obj`` runnable (oldest first)."""
        woken = 0
        for waiter in list(self.waitlist):
            if waiter.waiting_on is obj:
                self._make_runnable(waiter, False)
                woken += 1
                if n is not None and woken >= n:
                    return

    def released(self, worker: Worker, lock: Any) -> None:
        self.note(worker, "release", lock)
        self.wake(lock)

    def sleep(self, worker: Worker, seconds: float) -> None:
        self.note(worker, "sleep", None, f"{seconds:g}")
        if seconds <= 0:
            if len(self.runnable) > 1:
                chosen = self.choose(worker.index, YIELD)
                if chosen != worker.index:
                    self.handoff(worker, self.workers[chosen])
            return
        self.block(worker, SLEEP, self.now + seconds)

    def join(self, worker: Worker, target: Worker, timeout: float | None) -> None:
        if target.state == DONE:
            return
        if timeout is not None and timeout <= 0:
            return
        deadline = None if timeout is None else self.now + timeout
        self.block(worker, target, deadline)

    def _next_after(self, worker: Worker) -> Worker | None:
        """Who runs now that ``worker`` cannot; None after declaring a deadlock."""
        while True:
            if self.runnable:
                return self.workers[self.choose(worker.index, FREE)]
            if self.sleepers:
                self.now = min(s.deadline for s in self.sleepers if s.deadline is not None)
                for sleeper in list(self.sleepers):
                    if sleeper.deadline is not None and sleeper.deadline <= self.now:
                        self._make_runnable(sleeper, True)
                self.note(worker, "clock", None, f"{self.now:g}")
                continue
            blocked = [w for w in self.workers if w.state == BLOCKED]
            if blocked:
                self._deadlock(blocked)
            return None

    # ------------------------------------------------------------- findings
    def abort_all(self) -> None:
        """End the run: every parked thread wakes up and unwinds with :class:`Abort`."""
        if self.aborting:
            return
        self.aborting = True
        self.threshold = 0
        current = _get_ident()
        for worker in self.workers:
            if worker.state != DONE and worker.ident != current and worker is not self.current:
                worker.gate.release()

    def _set_finding(self, finding: RawFinding) -> None:
        if self.finding is None and self.fatal is None:
            self.finding = finding
        self.abort_all()

    def _exception(self, worker: Worker, exc: BaseException, name: str | None = None) -> None:
        """An exception escaped a scenario thread (or task ``name``): that is a finding."""
        if self.aborting:
            return
        name = name or worker.name
        tb = traceback.extract_tb(exc.__traceback__)
        own = [f for f in tb if f.filename == self.session.filename] or list(tb)
        where = own[-1] if own else None
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        self.note(worker, "raise", None, type(exc).__name__)
        lang = self.session.lang
        location = self.session.where(where.filename, where.lineno or 0) if where else MESSAGES.get("unknown-place", lang)
        self._set_finding(RawFinding(
            kind="exception",
            message=MESSAGES.get("finding.exception", lang, thread=name, detail=detail, where=location),
            thread=name,
            file=where.filename if where else None,
            line=where.lineno if where else None,
            source=(where.line or "") if where else "",
            traceback="".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        ))

    def _spinning(self, worker: Worker, frame: types.FrameType) -> None:
        """Past the step limit: watch a few more steps to name the line the loop keeps running."""
        if self.spin_lines is None:
            self.spin_lines = {}
        key = (frame.f_code.co_filename, frame.f_lineno or 0)
        self.spin_lines[key] = self.spin_lines.get(key, 0) + 1
        if self.steps > self.step_limit + SPIN_SAMPLE:
            # The most visited line; on a tie the first one, which is the loop's header.
            file, line = max(self.spin_lines, key=lambda k: (self.spin_lines[k], -k[1]))  # type: ignore[index]
            self._step_limit(worker, file, line)

    def _step_limit(self, worker: Worker, file: str, line: int) -> None:
        source = linecache.getline(file, line).strip()
        self._set_finding(RawFinding(
            kind="step-limit",
            message=MESSAGES.get("finding.step-limit", self.session.lang, limit=self.step_limit,
                                 thread=worker.name, where=self.session.where(file, line), source=source),
            thread=worker.name, file=file, line=line, source=source,
        ))
        raise Abort

    def _deadlock(self, blocked: list[Worker]) -> None:
        lang = self.session.lang
        edges: list[dict[str, Any]] = []
        for worker in blocked:
            holder = getattr(worker.waiting_on, "_holder", None)
            edges.append({
                "thread": worker.name,
                "holds": [self.session.name_of(obj) for obj in worker.held],
                "waits_for": self.describe_wait(worker),
                "held_by": holder.name if isinstance(holder, Worker) else None,
                "where": self._where(worker),
            })
        # Follow thread -> holder of what it waits for, to find the cycle.
        by_name = {edge["thread"]: edge for edge in edges}
        cycle: list[dict[str, Any]] = []
        for start in edges:
            seen: list[str] = []
            name: str | None = start["thread"]
            while name is not None and name in by_name and name not in seen:
                seen.append(name)
                name = by_name[name]["held_by"]
            if name is not None and name in seen:
                cycle = [by_name[n] for n in seen[seen.index(name):]]
                break
        shown = cycle or edges
        parts = []
        for edge in shown:
            if edge["holds"]:
                parts.append(MESSAGES.get("finding.deadlock-edge", lang, thread=edge["thread"],
                                          holds=", ".join(edge["holds"]), waits=edge["waits_for"]))
            else:
                parts.append(MESSAGES.get("finding.deadlock-wait", lang, thread=edge["thread"],
                                          waits=edge["waits_for"]))
        separator = MESSAGES.get("separator", lang)
        first = blocked[0]
        frame = first.frame
        self._set_finding(RawFinding(
            kind="deadlock",
            message=MESSAGES.get("finding.deadlock", lang, cycle=separator.join(parts)),
            thread=first.name,
            file=frame.f_code.co_filename if frame else None,
            line=frame.f_lineno if frame else None,
            source=linecache.getline(frame.f_code.co_filename, frame.f_lineno or 0).strip() if frame else "",
            cycle=shown,
        ))

    def _where(self, worker: Worker) -> str:
        frame = worker.frame
        if frame is None:
            return ""
        return self.session.where(frame.f_code.co_filename, frame.f_lineno or 0)

    def describe_wait(self, worker: Worker) -> str:
        """"lock b (held by T1)", "event done to be set", ... in the session's language."""
        lang = self.session.lang
        name_of = self.session.name_of
        if worker.reason is not None:
            kind, obj = worker.reason
            return MESSAGES.get(f"wait.{kind}", lang, name=name_of(obj))
        obj = worker.waiting_on
        if isinstance(obj, Worker):
            return MESSAGES.get("wait.join", lang, name=obj.name)
        if hasattr(obj, "condition"):
            return MESSAGES.get("wait.condition", lang, name=name_of(obj.condition))
        holder = getattr(obj, "_holder", None)
        if isinstance(holder, Worker):
            return MESSAGES.get("wait.lock", lang, name=name_of(obj), holder=holder.name)
        return MESSAGES.get("wait.lock-free", lang, name=name_of(obj))

    # ------------------------------------------------------------ recording
    def note(self, worker: Worker, kind: str, target: Any, value: str = "") -> None:
        """Record an operation of a primitive for the step table (detailed runs only)."""
        recorder = self.recorder
        if recorder is None or self.aborting:
            return
        text = target if isinstance(target, str) or target is None else self.session.name_of(target)
        owner = worker.index if self.async_owner is None else self.async_owner
        recorder.op(self, owner, worker.frame, (kind, text or "", value))


class Session:
    """Everything shared by the schedules of one exploration: code, pool, tracer, names."""

    def __init__(self, scenario: Any, *, granularity: str, step_limit: int,
                 timeout: float | None, lang: str) -> None:
        self.scenario = scenario
        self.filename: str = scenario.path
        self.granularity = granularity
        self.step_limit = step_limit
        self.timeout = timeout
        self.lang = lang
        self.codes = all_code_objects(scenario.code)
        self.visible: dict[types.CodeType, bytes] = {code: visible_table(code) for code in self.codes}
        self.pool = Pool()
        self.tracer = make_tracer(self)
        self.names: dict[int, str] = {}
        self.current_run: Run | None = None
        self.leaked_threads: list[Any] = []
        self.batch: Batch | None = None
        self.batch_error: BaseException | None = None
        self.started = 0
        self.idle = _allocate()
        self.idle.acquire()

    def start(self) -> None:
        self.tracer.start()

    def stop(self) -> None:
        try:
            self.tracer.stop()
        finally:
            self.leaked_threads = self.pool.shutdown(timeout=2.0)

    def where(self, file: str, line: int) -> str:
        return f"{os.path.basename(file)}:{line}"

    def name_of(self, obj: Any) -> str:
        name = self.names.get(id(obj))
        if name is not None:
            return name
        return f"<{type(obj).__name__}>"

    def learn_names(self, namespace: dict[str, Any]) -> None:
        """Name sync objects after the scenario's variables (``lock_a``, ``account.lock``)."""
        names: dict[int, str] = {}
        for key, value in namespace.items():
            if key.startswith("__") or isinstance(value, (types.ModuleType, types.FunctionType, type)):
                continue
            names.setdefault(id(value), key)
            attrs = getattr(value, "__dict__", None)
            if isinstance(attrs, dict):
                for attr, inner in attrs.items():
                    names.setdefault(id(inner), f"{key}.{attr}")
            elif isinstance(value, (list, tuple)):
                for position, inner in enumerate(value[:16]):
                    names.setdefault(id(inner), f"{key}[{position}]")
        self.names = names

    # ------------------------------------------------------------- one run
    def execute(self, chooser: Chooser, *, detailed: bool = False, log: bool = False) -> Run:
        """Run the scenario once under ``chooser``; the engine's thread waits (with a watchdog)."""
        single = _Single(chooser, detailed, log)
        self.run_batch(single)
        assert single.run is not None
        return single.run

    def run_batch(self, batch: Batch) -> None:
        """Run schedules one after another until ``batch.next()`` gives None or ``after`` says stop.

        The engine's thread starts the first run and then only watches: each run's
        last thread calls ``check()``, ``batch.after`` and ``batch.next`` and starts
        the next run (see :meth:`finished`). An exception raised there (a scenario
        that fails to load, a strategy error) is re-raised here.
        """
        params = batch.next()
        if params is None:
            return
        self.batch = batch
        self.batch_error = None
        try:
            self._start(params, None)
            self._wait()
        finally:
            self.batch = None
        error, self.batch_error = self.batch_error, None
        if error is not None:
            raise error

    def _start(self, params: tuple[Chooser, bool, bool], here: PoolThread | None) -> None:
        """Set up one run and hand the baton to its first thread (on ``here`` when given)."""
        chooser, detailed, log = params
        run = Run(self, chooser, detailed=detailed, log=log)
        self.current_run = run
        self.started += 1
        namespace = self.scenario.namespace()
        run.namespace = namespace
        if detailed:
            self.learn_names(namespace)
        self.scenario.call_setup(namespace)
        for label, func in self.scenario.jobs(namespace, run):
            run.add_worker(label, func)
        try:
            first = run.workers[run.choose(-1, FREE)]
        except Abort:
            return  # every thread was released to unwind; the last one ends the run
        if here is not None and first.pool_thread is not here:
            # Run the first thread on the thread that is starting the run: no hand-off.
            for other in run.workers:
                if other.pool_thread is here:
                    other.pool_thread, other.gate = first.pool_thread, first.gate
                    other.pool_thread.worker = other  # type: ignore[union-attr]
                    break
            first.pool_thread, first.gate = here, here.gate
            here.worker = first
        run.current = first
        first.gate.release()

    def finished(self, run: Run, here: PoolThread | None) -> None:
        """Called by the last thread of ``run`` to finish: check it, then start the next schedule."""
        with run.mutex:
            if run.completed:
                return
            run.completed = True
        batch = self.batch
        try:
            if run.fatal is None and run.finding is None and not run.leaked:
                finding = self.scenario.call_check(run.namespace, self)
                if finding is not None:
                    run.finding = finding
            if run.leaked:
                return  # the engine's thread gave up on this run and ended the batch itself
            params = None if batch is None or batch.after(run) else batch.next()
            if params is not None:
                self._start(params, here)
                return
        except BaseException as exc:  # noqa: BLE001 - re-raised in the engine's thread
            self.batch_error = exc
        self.idle.release()

    def _wait(self) -> None:
        timeout = self.timeout
        if timeout is None:
            self.idle.acquire()
            return
        interval = timeout / 4
        last: tuple[int, int, int] | None = None
        quiet = 0.0
        while not self.idle.acquire(True, interval):
            run = self.current_run
            assert run is not None
            progress = (self.started, run.steps, run.switches)
            if progress != last:
                last = progress
                quiet = 0.0
                continue
            quiet += interval
            if quiet >= timeout:
                self._hang(run)
                return

    def _hang(self, run: Run) -> None:
        """The baton holder has not come back: report where it is stuck and stop it."""
        worker = run.current
        lang = self.lang
        file, line, source = None, None, ""
        if worker is not None:
            frame = sys._current_frames().get(worker.ident)
            while frame is not None and frame.f_code.co_filename != self.filename:
                frame = frame.f_back
            if frame is not None:
                file, line = frame.f_code.co_filename, frame.f_lineno
                source = linecache.getline(file, line or 0).strip()
        where = self.where(file, line or 0) if file else MESSAGES.get("unknown-place", lang)
        message = MESSAGES.get("finding.hang", lang, thread=worker.name if worker else "?",
                               seconds=f"{self.timeout:g}", where=where, source=source)
        run._set_finding(RawFinding(kind="hang", message=message,
                                    thread=worker.name if worker else None,
                                    file=file, line=line, source=source))
        # No asynchronous exception is injected: it could land inside the engine's own
        # bookkeeping. New sockets carry a default timeout instead, so a thread stuck in
        # network I/O comes back with an error and unwinds like any aborted thread.
        grace = max(1.0, 4 * (self.timeout or 0.25))
        if not self.idle.acquire(True, grace):
            # Also when a thread is stuck inside check(): finished() stops at the leaked flag.
            with run.mutex:
                run.completed = True
                run.leaked = True
            run.finding.message += MESSAGES.get("finding.hang-leaked", lang)  # type: ignore[union-attr]
            for other in run.workers:
                if other.pool_thread is not None:
                    self.pool.retire(other.pool_thread)
            if self.batch is not None:
                self.batch.after(run)


class Batch:
    """Schedules run back to back: ``next()`` gives (chooser, detailed, log) or None to stop;
    ``after(run)`` sees each finished run and returns True to stop.

    Both are called in whichever thread ends a run, never concurrently.
    """

    def next(self) -> tuple[Chooser, bool, bool] | None:
        raise NotImplementedError

    def after(self, run: Run) -> bool:
        raise NotImplementedError


class _Single(Batch):
    """A batch of one run (``Session.execute``)."""

    def __init__(self, chooser: Chooser, detailed: bool, log: bool) -> None:
        self.params: tuple[Chooser, bool, bool] | None = (chooser, detailed, log)
        self.run: Run | None = None

    def next(self) -> tuple[Chooser, bool, bool] | None:
        params, self.params = self.params, None
        return params

    def after(self, run: Run) -> bool:
        self.run = run
        return True

