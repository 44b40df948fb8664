"""The session: everything the schedules of one exploration share, and the batches they run in.

A session owns the scenario's code objects and their visibility tables, the
pool of real threads, the tracer and the names of sync objects. Schedules run
in *batches*: the last thread of each run checks it and starts the next one
in place (no round trip through the engine's thread), while the engine's
thread only watches, with a watchdog that reports a thread stuck in a real
blocking call.
"""

from __future__ import annotations

import _thread
import contextlib
import itertools
import os
import time
import types
from collections.abc import Callable
from typing import Any

from conclab.explore import _children, _locks
from conclab.explore._decode import (
    all_code_objects,
    forget_constants,
    hide_constants,
    visible_table,
)
from conclab.explore._enums import ChoiceKind
from conclab.explore._findings import hang_finding
from conclab.explore._messages import MESSAGES
from conclab.explore._run import Run
from conclab.explore._symmetry import constant_globals, names_identity
from conclab.explore._tracers import make_tracer
from conclab.explore._workers import Abort, Chooser, Pool, PoolThread

_allocate = _thread.allocate_lock

#: New sockets time out after this many ``timeout``s: after the watchdog has reported the
#: thread stuck in them (at most 1.125 timeouts), before its grace ends (0.1 s or 0.1 timeout later).
SOCKET_FACTOR = 1.5

#: What a batch hands out for one run: (chooser, detailed, log).
RunParams = tuple[Chooser, bool, bool]


class Batch:
    """Schedules run back to back: ``next()`` gives (chooser, detailed, log) or None to stop;
    ``after(run)`` sees each finished run and returns True to stop.

    Both are called in whichever thread ends a run, never concurrently.
    """

    def next(self) -> RunParams | None:
        raise NotImplementedError

    def after(self, run: Run) -> bool:
        raise NotImplementedError


class _Single(Batch):
    """A batch of one run (``Session.execute``)."""

    def __init__(self, chooser: Chooser, detailed: bool, log: bool) -> None:
        self.params: RunParams | None = (chooser, detailed, log)
        self.run: Run | None = None

    def next(self) -> RunParams | None:
        params, self.params = self.params, None
        return params

    def after(self, run: Run) -> bool:
        self.run = run
        return True


class Session:
    """Everything shared by the schedules of one exploration: code, pool, tracer, names."""

    def __init__(self, scenario: Any, *, granularity: str, step_limit: int,
                 timeout: float | None, lang: str) -> None:
        self.scenario = scenario
        #: Called about four times a second with the number of schedules started (a progress line).
        self.ticker: Callable[[int], None] | None = None
        self.filename: str = scenario.path
        self.granularity = granularity
        self.step_limit = step_limit
        self.timeout = timeout
        self.lang = lang
        self.codes = all_code_objects(scenario.code)
        # Globals no thread assigns: loading one is no scheduling point (``_decode``).
        self.constants = constant_globals(self.codes)
        hide_constants(self.codes, self.constants)
        self.visible: dict[types.CodeType, bytes] = {code: visible_table(code) for code in self.codes}
        # Threads of THREADS running the same function may be interchangeable (``_symmetry``).
        self.symmetric = not names_identity(self.codes)
        self.pool = Pool()
        self.tracer = make_tracer(self)
        self.names: dict[int, str] = {}
        self.current_run: Run | None = None
        self.leaked_threads: list[Any] = []
        self.batch: Batch | None = None
        self.batch_error: BaseException | None = None
        self.started = 0
        self.stopping = False  # Ctrl-C or a hang: the batch starts no further run
        self.idle = _allocate()
        self.idle.acquire()

    def start(self) -> None:
        self.tracer.start()

    def stop(self) -> None:
        try:
            self.tracer.stop()
        finally:
            forget_constants(self.codes)
            self.leaked_threads = self.pool.shutdown(timeout=2.0)
            if _children.STARTED:
                _children.reap()

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
        self.stopping = False
        try:
            self._start(params, None)
            self._wait()
        finally:
            self.batch = None
        error, self.batch_error = self.batch_error, None
        if error is not None:
            raise error

    def _start(self, params: RunParams, here: PoolThread | None) -> None:
        """Set up one run and hand the baton to its first thread (on ``here`` when given)."""
        chooser, detailed, log = params
        run = Run(self, chooser, detailed=detailed, log=log)
        self.current_run = run
        self.started += 1
        _locks.SERIALS = itertools.count()
        namespace = self.scenario.namespace()
        run.namespace = namespace
        if detailed:
            self.learn_names(namespace)
        self.scenario.call_setup(namespace)
        for label, func in self.scenario.jobs(namespace, run):
            run.add_worker(label, func)
        try:
            first = run.workers[run.choose(-1, ChoiceKind.FREE)]
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
            if _children.STARTED:
                _children.reap()  # processes the scenario started end with their schedule
            if run.leaked:
                return  # the engine's thread gave up on this run and ended the batch itself
            params = None if batch is None or batch.after(run) or self.stopping else batch.next()
            if params is not None:
                self._start(params, here)
                return
        except BaseException as exc:  # noqa: BLE001 - re-raised in the engine's thread
            self.batch_error = exc
        self.idle.release()

    def _wait(self) -> None:
        """The engine's thread: wait for the batch to end; on Ctrl-C, end it first (see :meth:`_interrupted`)."""
        try:
            self._watch()
        except KeyboardInterrupt:
            self._interrupted()
            raise

    def _interrupted(self, grace_s: float = 0.5) -> None:
        """Ctrl-C while a batch runs: start no further run, end the current one, wait briefly.

        The pool threads unwind with :class:`Abort` like any aborted run, so the
        interrupt leaves no thread running scenario code and prints nothing of its own.
        """
        self.stopping = True
        deadline = time.perf_counter() + grace_s
        while time.perf_counter() < deadline:
            run = self.current_run
            if run is not None:
                run.abort_all()
            with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl-C while ending this one
                if self.idle.acquire(True, 0.02):
                    return

    def _watch(self) -> None:
        timeout = self.timeout
        if timeout is None:
            self.idle.acquire()
            return
        interval = timeout / 8  # the hang is reported at most 1.125 timeouts after the last progress
        last: tuple[int, int, int] | None = None
        quiet = 0.0
        moved = time.perf_counter()
        while not self.idle.acquire(True, min(interval, 0.25)):
            run = self.current_run
            assert run is not None
            if self.ticker is not None:
                self.ticker(self.started)
            progress = (self.started, run.steps, run.switches)
            if progress != last:
                last = progress
                quiet = 0.0
                moved = time.perf_counter()
                continue
            quiet += min(interval, 0.25)
            if quiet >= timeout:
                self._hang(run, moved + SOCKET_FACTOR * timeout + max(0.1, timeout / 10))
                return

    def _hang(self, run: Run, until: float) -> None:
        """The baton holder has not come back: report where it is stuck and stop it."""
        run.set_finding(hang_finding(self, run.current))
        self.stopping = True  # no further run in this batch: each would wait out the limit again
        # No asynchronous exception is injected: it could land inside the engine's own
        # bookkeeping. New sockets carry a default timeout instead, so a thread stuck in
        # network I/O comes back with an error and unwinds like any aborted thread.
        # The grace lasts until just after such a socket timed out (``until``); a thread still
        # away then is left behind, retired, and the batch ends without it.
        if not self.idle.acquire(True, max(0.05, until - time.perf_counter())):
            # Also when a thread is stuck inside check(): finished() stops at the leaked flag.
            with run.mutex:
                run.completed = True
                run.leaked = True
            run.finding.message += MESSAGES.get("finding.hang-leaked", self.lang)  # type: ignore[union-attr]
            for other in run.workers:
                if other.pool_thread is not None:
                    self.pool.retire(other.pool_thread)
            if self.batch is not None:
                self.batch.after(run)
