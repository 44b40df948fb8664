"""One schedule: the scenario's threads from ``setup()`` to ``check()``, one baton between them.

Every scenario thread is a real thread, parked on its own gate unless it holds
the baton. Before a visible instruction the tracer calls :meth:`Run.point` (the
hot path) or :meth:`Run.step` (detailed runs, past the step limit, aborting):
if more than one thread could run there, the strategy's chooser picks one and,
if that is someone else, :meth:`Run.handoff` releases its gate and parks the
current thread. Blocking is in :class:`Blocking`, finding detection in
``_findings``. A run that ends early (finding, replay divergence) releases every
parked thread with ``aborting`` set, so each one unwinds with :class:`Abort`
and no thread outlives its run.
"""

from __future__ import annotations

import _thread
import bisect
import contextlib
import types
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, NoReturn

from conclab.explore._blocking import Blocking
from conclab.explore._decode import WRITE
from conclab.explore._enums import ChoiceKind, ThreadState
from conclab.explore._events import AT_POINT, FINISHED, OPAQUE, RESUMED, STARTED
from conclab.explore._findings import (
    SPIN_SAMPLE,
    RawFinding,
    busiest_line,
    exception_finding,
    step_limit_finding,
)
from conclab.explore._recorder import Recorder
from conclab.explore._symmetry import classes
from conclab.explore._workers import BY_IDENT, SLICE, Abort, Chooser, DivergenceError, Worker

if TYPE_CHECKING:
    from conclab.explore._session import Session

_allocate = _thread.allocate_lock
_get_ident = _thread.get_ident

NORMAL, YIELD, FREE = ChoiceKind.NORMAL, ChoiceKind.YIELD, ChoiceKind.FREE

RUNNABLE, DONE = ThreadState.RUNNABLE, ThreadState.DONE


class Run(Blocking):
    """One schedule: the scenario's threads from ``setup()`` to ``check()``."""

    def __init__(self, session: Session, chooser: Chooser, *, detailed: bool, log: bool) -> None:
        self.session = session
        self.chooser = chooser
        # A chooser that looks at the threads' next instructions (``_pos``) is given the run.
        bind = getattr(chooser, "bind", None)
        if bind is not None:
            bind(self)
        self.workers: list[Worker] = []
        self.runnable: list[int] = []
        self.waitlist: list[Worker] = []
        self.sleepers: list[Worker] = []
        self.choices: list[int] = []
        self.log: list[tuple[tuple[int, ...], int, ChoiceKind]] | None = [] if log else None
        # With the log: the choice points where the current thread was about to write
        # shared state (dfs tries preemptions there first).
        self.before_write: set[int] = set()
        self._symmetry_fields(session, chooser, log)
        # With the log, for partial-order reduction (``_por``): every event (a visible
        # instruction, a thread's start, a resumption inside a primitive, a finish) as
        # (thread, code, offset, kind); per choice point, the events before it and the
        # current thread's time-slice count; events that were a direct lock operation
        # (event -> lock serial); whether the virtual clock was used.
        por = log and getattr(chooser, "por", False)
        self.events: list[tuple[int, types.CodeType | None, int, int]] | None = [] if por else None
        self.marks: list[tuple[int, int]] = []
        self.synced_at: dict[int, int] = {}
        # Events after which their thread blocked on a lock it could not take (event -> lock serial).
        self.blocked_at: dict[int, int] = {}
        # Locks taken (True) or freed (False) during each event, in order (event -> [(serial, taken)]).
        self.lock_ops: dict[int, list[tuple[int, bool]]] = {}
        self.timed = False
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

    def _symmetry_fields(self, session: Session, chooser: Chooser, log: bool) -> None:
        """With the log: per choice point, the threads interchangeable with another one there
        (``_symmetry``), by class, so dfs tries one of each class only.

        Threads that have run already count only if the chooser asks for it
        (``started_symmetry``); the classes are only worked out when two threads run
        the same function.
        """
        self.classes: dict[int, dict[int, Hashable]] = {}
        # Only dfs uses the classes, and only past the prefix it replays (``classify_from``).
        classify_from = getattr(chooser, "classify_from", None)
        self.symmetry = log and session.symmetric and classify_from is not None
        self.classify_from: int = classify_from or 0
        self.started_symmetry = self.symmetry and getattr(chooser, "started_symmetry", False)
        self.entries: set[int] = set()
        self.twins = False
        self.keys: dict[int, Hashable] = {}
        # A YIELD choice point among three threads or more (symmetry is not exact there).
        self.yields3 = False

    # ----------------------------------------------------------------- threads
    def add_worker(self, label: str, func: Callable[[], Any]) -> Worker:
        """A new scenario thread, runnable, carried by a pool thread no other worker of this run uses."""
        worker = Worker(self, len(self.workers), label, func)
        pool_thread = self.session.pool.take(self.workers)
        pool_thread.worker = worker
        worker.pool_thread = pool_thread
        worker.gate = pool_thread.gate
        self.workers.append(worker)
        bisect.insort(self.runnable, worker.index)
        if id(func) in self.entries:
            self.twins = True
        self.entries.add(id(func))
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
                self.exception(worker, exc)
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
        if self.events is not None:
            self.events.append((worker.index, None, worker.index, FINISHED))
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
            following = self.next_after(worker)
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
        recorder = self.recorder
        owner = worker.index if self.async_owner is None else self.async_owner
        if recorder is not None:
            recorder.flush(self, owner)  # the thread's last writes happened before any switch here
        if visible:
            worker.frame = frame
            if len(self.runnable) < 2 and self.events is not None:
                self.events.append((worker.index, frame.f_code, frame.f_lasti, AT_POINT))
            if len(self.runnable) > 1:
                worker.streak += 1
                chosen = self.choose(worker.index, YIELD if worker.streak > SLICE else NORMAL, at_point=True)
                if chosen != worker.index:
                    self.handoff(worker, self.workers[chosen])
        if recorder is not None:
            # Recorded once the thread runs the instruction, after any switch here: the
            # values it reads are the ones the instruction will see, not those from before
            # the other threads ran.
            recorder.step(self, owner, frame)

    def point(self, worker: Worker, frame: types.FrameType) -> None:
        """:meth:`step` for a visible instruction below ``threshold`` (the hot path).

        Below the threshold the run is not detailed, not aborting and within the
        step limit, so only the choice is left; at a NORMAL point it is asked
        directly, without :meth:`choose`'s general bookkeeping.
        """
        worker.frame = frame
        runnable = self.runnable
        if len(runnable) < 2:
            if self.events is not None:
                self.events.append((worker.index, frame.f_code, frame.f_lasti, AT_POINT))
            return
        worker.streak += 1
        current = worker.index
        if worker.streak > SLICE or current not in runnable:
            chosen = self.choose(current, YIELD, at_point=True)
        else:
            try:
                chosen = self.chooser(len(self.choices), runnable, current, NORMAL, current)
            except BaseException as exc:  # noqa: BLE001 - strategy failures end the run cleanly
                self._fail(exc)
            if chosen != current and chosen not in runnable:
                self._fail(self._divergence(chosen, runnable))
            self.choices.append(chosen)
            if self.log is not None:
                self.log.append((tuple(runnable), current, NORMAL))
                worker.parked = True
                if self.twins and self.symmetry:
                    self._classify(runnable, current, chosen)
                if self.events is not None:
                    self._logged(chosen, worker.streak)
        if self.log is not None:
            table = self.session.visible.get(frame.f_code)
            if table is not None and table[frame.f_lasti] == WRITE:
                self.before_write.add(len(self.choices) - 1)
        if chosen != current:
            self.handoff(worker, self.workers[chosen])

    def choose(self, current: int, kind: ChoiceKind, enabled: list[int] | None = None,
               at_point: bool = False) -> int:
        """Ask the strategy who runs next among ``enabled`` (default: runnable threads).

        ``at_point``: the current thread is before a visible instruction it has not run yet
        (not inside a primitive).
        """
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
            self._fail(exc)
        if chosen not in enabled:
            self._fail(self._divergence(chosen, enabled))
        self.choices.append(chosen)
        if self.log is not None:
            self.log.append((tuple(enabled), default, kind))
            if self.loop is None:  # asyncio choices pick tasks
                if current >= 0:
                    self.workers[current].parked = at_point
                if kind == YIELD and len(enabled) > 2:
                    self.yields3 = True
                if self.twins and self.symmetry:
                    self._classify(enabled, current, chosen)
                if self.events is not None:
                    self._logged(chosen, self.workers[current].streak if current >= 0 else 0)
        return chosen

    def twin_groups(self) -> dict[int, int]:
        """Threads of THREADS running the same function as another one: thread -> the first's number.

        Empty unless symmetry between started threads is on for this run (``_symmetry``).
        """
        if not (self.twins and self.started_symmetry):
            return {}
        first: dict[int, int] = {}
        groups: dict[int, int] = {}
        for worker in self.workers:
            # A thread started by another one runs its Thread's bound ``run``: never shared.
            group = first.setdefault(id(worker.func), worker.index)
            groups[worker.index] = group
        sizes: dict[int, int] = {}
        for group in groups.values():
            sizes[group] = sizes.get(group, 0) + 1
        return {thread: group for thread, group in groups.items() if sizes[group] > 1}

    def _classify(self, enabled: list[int], current: int, chosen: int) -> None:
        """Log the symmetry classes at the choice point just made (before ``chosen`` runs)."""
        candidates = [index for index in enabled if index != current]
        if len(candidates) > 1 and len(self.choices) > self.classify_from:
            session = self.session
            found = classes(self.workers, candidates, self.keys, session.filename,
                            _RUN_JOB, self.started_symmetry, session.constants)
            if found is not None:
                self.classes[len(self.choices) - 1] = found
        self.keys.pop(chosen, None)  # it runs now: its state changes

    def _logged(self, chosen: int, streak: int) -> None:
        """A choice point of a logged run: mark it, and log the event the chosen thread runs now."""
        events = self.events
        assert events is not None
        self.marks.append((len(events), streak))
        worker = self.workers[chosen]
        frame = worker.frame
        if frame is None:
            # Not started: its first event touches nothing shared if it enters scenario code
            # directly; a Thread's run() from the library is an unknown event.
            code = getattr(worker.func, "__code__", None)
            direct = code is not None and code.co_filename == self.session.filename
            events.append((chosen, None, -1, STARTED if direct else OPAQUE))
        elif worker.parked:
            events.append((chosen, frame.f_code, frame.f_lasti, AT_POINT))
        else:
            events.append((chosen, frame.f_code, frame.f_lasti, RESUMED))
        worker.parked = False

    def synced(self, worker: Worker, serial: int) -> None:
        """A lock operation called directly by ``worker``'s scenario code, during its last event."""
        events = self.events
        if not events or events[-1][0] != worker.index:
            return
        index = len(events) - 1
        previous = self.synced_at.get(index, serial)
        self.synced_at[index] = serial if previous == serial else -1

    def holding(self, worker: Worker, serial: int, taken: bool) -> None:
        """During ``worker``'s last event, lock ``serial`` was taken or freed (logged runs).

        ``_por`` follows who holds each lock from these, to tell before running it
        whether a thread's next lock operation would block.
        """
        events = self.events
        if events and events[-1][0] == worker.index:
            self.lock_ops.setdefault(len(events) - 1, []).append((serial, taken))

    def _divergence(self, chosen: int, enabled: list[int]) -> DivergenceError:
        return DivergenceError(
            f"choice {len(self.choices)} picks thread {chosen}, but only "
            f"{', '.join(map(str, enabled))} can run there")

    def _fail(self, error: BaseException) -> NoReturn:
        """The strategy failed or diverged: end the run cleanly, re-raised in the engine's thread."""
        self.fatal = error
        self.abort_all()
        raise Abort from None

    def handoff(self, worker: Worker, following: Worker) -> None:
        """Pass the baton from ``worker`` to ``following`` and park until it comes back."""
        self.current = following
        following.streak = 0
        self.switches += 1
        following.gate.release()
        worker.gate.acquire()
        if self.aborting:
            raise Abort

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
                with contextlib.suppress(RuntimeError):  # already released: on Ctrl-C the engine's thread aborts too
                    worker.gate.release()

    def set_finding(self, finding: RawFinding) -> None:
        """Keep the run's first finding (unless the strategy failed) and end the run."""
        if self.finding is None and self.fatal is None:
            self.finding = finding
        self.abort_all()

    def exception(self, worker: Worker, exc: BaseException, name: str | None = None) -> None:
        """An exception escaped a scenario thread (or task ``name``): that is a finding."""
        if self.aborting:
            return
        self.note(worker, "raise", None, type(exc).__name__)
        self.set_finding(exception_finding(self.session, name or worker.name, exc))

    def _spinning(self, worker: Worker, frame: types.FrameType) -> None:
        """Past the step limit: watch a few more steps to name the line the loop keeps running."""
        if self.spin_lines is None:
            self.spin_lines = {}
        key = (frame.f_code.co_filename, frame.f_lineno or 0)
        self.spin_lines[key] = self.spin_lines.get(key, 0) + 1
        if self.steps > self.step_limit + SPIN_SAMPLE:
            file, line = busiest_line(self.spin_lines)
            self.set_finding(step_limit_finding(self.session, worker.name, file, line))
            raise Abort

    # ------------------------------------------------------------ recording
    def note(self, worker: Worker, kind: str, target: Any, value: str = "") -> None:
        """Record an operation of a primitive for the step table (detailed runs only)."""
        recorder = self.recorder
        if recorder is None or self.aborting:
            return
        text = target if isinstance(target, str) or target is None else self.session.name_of(target)
        owner = worker.index if self.async_owner is None else self.async_owner
        recorder.op(self, owner, worker.frame, (kind, text or "", value))


#: Where a scenario thread's own frames end (``_symmetry.key`` walks up to it).
_RUN_JOB = Run.run_job.__code__
