"""``run()``: explore a scenario's schedules, shrink what fails, report it step by step."""

from __future__ import annotations

import contextlib
import os
import platform
import threading
import time
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from conclab.errors import ConclabError
from conclab.explore import _schedule
from conclab.explore._control import (
    BLOCKED,
    DONE,
    Batch,
    Chooser,
    DivergenceError,
    Run,
    Session,
)
from conclab.explore._decode import Decoder, code_only, show
from conclab.explore._decode import decoder as _decoder
from conclab.explore._primitives import installed
from conclab.explore._scenario import Scenario, load, validate
from conclab.explore._strategies import (
    Deviations,
    Prefix,
    deviations,
    last_deviation,
    make_strategy,
)
from conclab.explore._types import Finding, Op, Result, Step
from conclab.i18n import LANGS

STRATEGIES = ("auto", "random", "pct", "dfs")
GRANULARITIES = ("opcode", "line")

# One exploration at a time per process: the replacements are process-wide.
_BUSY = threading.Lock()


class Stop(Exception):
    """Raised by an interactive ``ask`` callback to end the session early."""


@dataclass(frozen=True)
class ThreadView:
    """One thread (or task) as the interactive player sees it."""

    index: int
    name: str
    label: str
    status: str            # "runnable", "blocked", "done", "not started"
    location: str
    source: str
    next_op: str


@dataclass(frozen=True)
class ChoicePoint:
    """What an interactive ``ask`` callback is shown before it picks the next thread."""

    index: int
    enabled: tuple[int, ...]
    current: int
    default: int
    threads: tuple[ThreadView, ...]
    shared: dict[str, str]


def _check_args(strategy: str, schedules: int, seed: int, preemptions: int, granularity: str,
                step_limit: int, lang: str, timeout: float | None) -> None:
    """Validate at the door, naming the bad value and the fix."""
    if strategy not in STRATEGIES:
        raise ConclabError(f"unknown strategy {strategy!r}; use one of {', '.join(STRATEGIES)}")
    if not isinstance(schedules, int) or schedules < 1:
        raise ConclabError(f"schedules must be a whole number of at least 1, not {schedules!r}")
    if not isinstance(seed, int):
        raise ConclabError(f"seed must be an integer, not {seed!r}")
    if not isinstance(preemptions, int) or preemptions < 0:
        raise ConclabError(f"preemptions must be 0 or more, not {preemptions!r}")
    if granularity not in GRANULARITIES:
        raise ConclabError(f"unknown granularity {granularity!r}; use 'opcode' or 'line'")
    if not isinstance(step_limit, int) or step_limit < 10:
        raise ConclabError(f"step_limit must be at least 10, not {step_limit!r}")
    if lang not in LANGS:
        raise ConclabError(f"unknown language {lang!r}; use 'en' or 'ja'")
    if timeout is not None and timeout <= 0:
        raise ConclabError(f"timeout must be a positive number of seconds, not {timeout!r}")


def run(
    scenario: str | os.PathLike[str] | types.ModuleType,
    *,
    strategy: str = "auto",
    schedules: int = 1000,
    seed: int = 0,
    preemptions: int = 2,
    replay: str | None = None,
    granularity: str = "opcode",
    step_limit: int = 10_000,
    lang: str = "en",
    timeout: float | None = 2.0,
    shrink: bool = True,
    interactive: Callable[[ChoicePoint], int | None] | None = None,
) -> Result:
    """Explore the schedules of ``scenario`` and return what was found.

    ``scenario`` is a scenario file path, a built-in name (``"lost-update"``) or
    a module with a source file. The scenario is re-executed for every schedule
    under a controlled scheduler; the first finding is shrunk to fewer context
    switches and replayed once more to record its step table. ``replay`` runs one
    schedule string instead of exploring (a mismatch raises ConclabError);
    ``interactive`` lets a callback pick the thread at every choice point.
    ``timeout`` is how long (real seconds) one thread may stay away from the
    scheduler before it is reported as stuck in a real blocking call. Bad input
    raises :class:`conclab.errors.ConclabError` with a one-line message.
    """
    _check_args(strategy, schedules, seed, preemptions, granularity, step_limit, lang, timeout)
    choices: list[int] | None = None
    if replay is not None:
        choices, named = _schedule.decode(replay)
        granularity = named or granularity
    loaded = load(scenario)
    if not _BUSY.acquire(blocking=False):
        raise ConclabError("another exploration is running in this process; run them one after another")
    try:
        with installed(socket_timeout=(3 * timeout) if timeout else None), _one_cpu():
            validate(loaded)
            session = Session(loaded, granularity=granularity, step_limit=step_limit,
                              timeout=None if interactive else timeout, lang=lang)
            session.start()
            try:
                return _explore(session, loaded, strategy=strategy, schedules=schedules, seed=seed,
                                preemptions=preemptions, replay=choices, shrink=shrink,
                                interactive=interactive)
            finally:
                session.stop()
    finally:
        _BUSY.release()


@contextlib.contextmanager
def _one_cpu() -> Iterator[None]:
    """Run the exploration's threads on one CPU (Linux), and give the caller its CPUs back after.

    Only one scenario thread runs at a time, so a second core adds nothing but the
    cost of waking the next thread over there. Handing the baton between threads
    on one core measured 1.5 to 3 times faster (``taskset -c 0 python
    benchmarks/explore.py``, section 3). Affinity is per thread on Linux: the pool
    threads, started from the pinned caller, inherit it and end with the run.
    """
    get_affinity = getattr(os, "sched_getaffinity", None)
    set_affinity = getattr(os, "sched_setaffinity", None)
    allowed: set[int] | None = None
    if get_affinity is not None and set_affinity is not None:
        try:
            allowed = set(get_affinity(0))
            if len(allowed) > 1:
                set_affinity(0, {min(allowed)})
            else:
                allowed = None
        except OSError:
            allowed = None
    try:
        yield
    finally:
        if allowed is not None and set_affinity is not None:
            with contextlib.suppress(OSError):
                set_affinity(0, allowed)


def _explore(session: Session, scenario: Scenario, *, strategy: str, schedules: int, seed: int,
             preemptions: int, replay: list[int] | None, shrink: bool,
             interactive: Callable[[ChoicePoint], int | None] | None) -> Result:
    started = time.perf_counter()
    found_after: float | None = None
    exhausted: bool | None = None
    pct_extra = 0
    if replay is not None:
        strategy = "replay"
        record = session.execute(Prefix(replay, strict=True), detailed=True, log=True)
        _raise_fatal(record, replay_of=replay)
        if len(record.choices) < len(replay):
            raise ConclabError(
                f"replay diverged: the run made only {len(record.choices)} choices but the schedule has "
                f"{len(replay)}; it was recorded from another version of the scenario, another "
                f"granularity or another Python (this is {platform.python_version()})")
        explored = 1
    elif interactive is not None:
        strategy = "interactive"
        record = session.execute(_Interactive(session, interactive), detailed=True, log=True)
        _raise_fatal(record)
        explored = 1
    else:
        chosen = make_strategy(strategy, seed=seed, preemptions=preemptions)
        search = _Search(chosen, schedules, started, shrink=shrink)
        session.run_batch(search)
        explored = search.explored
        if search.fatal is not None:
            _raise_fatal(search.fatal)
        failing = search.failing
        found_after = search.found_after
        exhausted = chosen.exhausted
        pct_extra = getattr(chosen, "extra", 0)
        if failing is None:
            return _result(session, scenario, None, strategy=strategy, explored=explored,
                           exhausted=exhausted, started=started, seed=seed, preemptions=preemptions,
                           pct_extra=pct_extra)
        # The shrunk schedule was already replayed with recording on, in the same batch.
        shrunk = search.record
        expected = failing.finding.kind if failing.finding else None
        if (shrunk is not None and shrunk.fatal is None and shrunk.finding is not None
                and shrunk.finding.kind == expected):
            record = shrunk
        else:
            record = session.execute(Prefix(failing.choices, strict=True), detailed=True, log=True)
            _raise_fatal(record)
    return _result(session, scenario, record, strategy=strategy, explored=explored, exhausted=exhausted,
                   started=started, seed=seed, preemptions=preemptions, found_after=found_after,
                   pct_extra=pct_extra)


def _key(run: Run) -> tuple[tuple[int, int], ...]:
    """A run's deviations from the default, as a key: the same key always gives the same run."""
    return tuple(deviations(run).items())


class _Search(Batch):
    """The exploration loop, run by the scenario threads themselves (see ``Session.run_batch``).

    One batch does everything up to the report: the search; on a finding, the
    shrinking (see :class:`_Shrinker`); then one more run of the shrunk schedule
    with recording on, for the step table. Keeping them in one batch spares the
    two round trips through the engine's thread that separate batches would cost.
    """

    def __init__(self, strategy: Any, schedules: int, started: float, shrink: bool = True) -> None:
        self.strategy = strategy
        self.schedules = schedules
        self.started = started
        self.shrink = shrink
        self.explored = 0
        self.failing: Run | None = None
        self.fatal: Run | None = None
        self.found_after: float | None = None
        self.record: Run | None = None
        self.log = bool(strategy.needs_log)
        self.phase = "search"
        # Outcome (finding kind or None) of every logged run by its deviations: shrinking
        # skips a candidate already known not to fail the same way.
        self.known: dict[tuple[tuple[int, int], ...], str | None] = {}
        self.shrinker: _Shrinker | None = None
        self.best: list[int] = []

    def next(self) -> tuple[Chooser, bool, bool] | None:
        if self.phase == "search":
            if self.explored >= self.schedules:
                return None
            chooser = self.strategy.next()
            return None if chooser is None else (chooser, False, self.log)
        if self.phase == "relog":
            assert self.failing is not None
            return Prefix(self.failing.choices), False, True
        if self.phase == "shrink":
            assert self.shrinker is not None
            params = self.shrinker.next()
            if params is not None:
                return params
            self.best = list(self.shrinker.best.choices)
            self.phase = "replay"
        return Prefix(self.best, strict=True), True, True

    def after(self, run: Run) -> bool:
        phase = self.phase
        if phase == "search":
            self.explored += 1
            if run.fatal is not None:
                self.fatal = run
                return True
            self.strategy.feedback(run)
            if run.log is not None:
                self.known[_key(run)] = run.finding.kind if run.finding is not None else None
            if run.finding is None:
                return False
            self.failing = run
            self.found_after = time.perf_counter() - self.started
            self.best = list(run.choices)
            if not self.shrink:
                self.phase = "replay"
            elif run.log is None:
                self.phase = "relog"  # shrinking needs the run's log: run it once more with one
            else:
                self._start_shrinking(run)
            return False
        if phase == "relog":
            assert self.failing is not None and self.failing.finding is not None
            if run.fatal is None and run.finding is not None and run.finding.kind == self.failing.finding.kind:
                self.known[_key(run)] = run.finding.kind
                self._start_shrinking(run)
            else:
                self.phase = "replay"
            return False
        if phase == "shrink":
            assert self.shrinker is not None
            self.shrinker.after(run)
            return False
        self.record = run
        return True

    def _start_shrinking(self, best: Run) -> None:
        assert best.finding is not None
        self.shrinker = _Shrinker(best, best.finding.kind, max_runs=300,
                                  deadline=time.perf_counter() + 1.0, known=self.known)
        self.phase = "shrink"


def _raise_fatal(record: Run, replay_of: list[int] | None = None) -> None:
    fatal = record.fatal
    if fatal is None:
        return
    if isinstance(fatal, DivergenceError):
        raise ConclabError(
            f"replay diverged: {fatal}; the schedule was recorded from another version of the scenario, "
            f"another granularity or another Python (this is {platform.python_version()})") from None
    raise fatal


class _Shrinker(Batch):
    """Shrinking as a batch: fewer deviations from the default schedule, same kind of finding.

    Fewer deviations means fewer context switches. Candidates drop a block of the
    current best's deviations, last blocks first, blocks half as long as the
    deviations at first and halving down to one (as in delta debugging): a
    schedule from ``random``, with many deviations of which only two or three
    matter, shrinks in a few runs instead of one run per deviation. An
    improvement restarts the candidates from the new best. A candidate whose
    outcome is already known (``known``: every logged run of the search, by its
    deviations) is skipped when it does not fail the same way, so a schedule dfs
    found with the fewest preemptions usually costs no run at all. It ends when
    no candidate improves or the budget (runs, seconds) is spent.
    """

    def __init__(self, best: Run, kind: str, max_runs: int, deadline: float,
                 known: dict[tuple[tuple[int, int], ...], str | None] | None = None) -> None:
        self.best = best
        self.kind = kind
        self.max_runs = max_runs
        self.deadline = deadline
        self.known = known if known is not None else {}
        self.runs = 0
        self.current: dict[int, int] = {}
        self.keys: list[int] = []
        self.chunk = 1
        self.end = 0
        self._restart()

    @staticmethod
    def score(record: Run) -> tuple[int, int]:
        return len(deviations(record)), _schedule.context_switches(record.choices)

    def _restart(self) -> None:
        self.current = deviations(self.best)
        self.keys = sorted(self.current)
        self.chunk = max(1, len(self.keys) // 2)
        self.end = len(self.keys)

    def _candidate(self) -> dict[int, int] | None:
        """The next trial (the current deviations less one block), or None when all were tried."""
        while self.keys:
            if self.end <= 0:
                if self.chunk == 1:
                    return None
                self.chunk = max(1, self.chunk // 2)
                self.end = len(self.keys)
            start = max(0, self.end - self.chunk)
            dropped = set(self.keys[start:self.end])
            self.end = start
            trial = {index: thread for index, thread in self.current.items() if index not in dropped}
            outcome = self.known.get(tuple(trial.items()), "?")
            if outcome == "?" or outcome == self.kind:
                return trial
        return None

    def next(self) -> tuple[Chooser, bool, bool] | None:
        if self.runs >= self.max_runs or time.perf_counter() >= self.deadline:
            return None
        trial = self._candidate()
        return None if trial is None else (Deviations(trial), False, True)

    def after(self, run: Run) -> bool:
        self.runs += 1
        if run.fatal is not None:
            return False
        kind = run.finding.kind if run.finding is not None else None
        self.known[_key(run)] = kind
        if kind == self.kind and self.score(run) < self.score(self.best):
            self.best = run
            self._restart()
        return False


class _Interactive:
    """A chooser that asks the learner (through a callback) at every choice point."""

    def __init__(self, session: Session, ask: Callable[[ChoicePoint], int | None]) -> None:
        self.session = session
        self.ask = ask
        self.decoders: dict[Any, Decoder] = {}

    def __call__(self, index: int, enabled: list[int], current: int, kind: int, default: int) -> int:
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
                status = "done" if task.done() else ("runnable" if any(
                    loop._owner(h) == index for h in loop._ready) else "blocked")
                views.append(self._view(index, f"T{index}", getattr(coro, "__name__", "task"),
                                        status, frame))
            return views
        return [self._view(w.index, w.name, w.label,
                           {BLOCKED: "blocked", DONE: "done"}.get(w.state, "runnable")
                           if w.frame is not None or w.state == DONE else "not started", w.frame)
                for w in run.workers]

    def _view(self, index: int, name: str, label: str, status: str, frame: Any) -> ThreadView:
        if frame is None or status == "done":
            return ThreadView(index, name, label, status, "", "", "")
        code = frame.f_code
        decoder = self.decoders.get(code) or self.decoders.setdefault(code, _decoder(code))
        line = frame.f_lineno or 0
        import linecache

        source = code_only(linecache.getline(code.co_filename, line))
        plan = decoder.plans.get(frame.f_lasti)
        next_op = decoder.opnames.get(frame.f_lasti, "")
        if plan is not None:
            from conclab.explore._decode import describe

            described = describe(frame, plan) if plan.when == "before" else None
            if described is not None:
                next_op = Op(*described).text(self.session.lang)
            else:
                from conclab.explore._decode import expr_text

                next_op = f"{plan.kind} {expr_text(plan.target)}"
        return ThreadView(index, name, label, status, f"{os.path.basename(code.co_filename)}:{line}",
                          source, next_op)


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


def _steps(session: Session, record: Run) -> tuple[Step, ...]:
    recorder = record.recorder
    if recorder is None:
        return ()
    import linecache

    rows: list[Step] = []
    for event in recorder.events:
        op = Op(*event.op) if event.op is not None else None
        last = rows[-1] if rows else None
        if last is not None and last.thread == event.owner and last.line == event.line and (
                last.file == event.file or not event.file):
            rows[-1] = Step(last.index, event.step, last.thread, last.thread_name, last.file, last.line,
                            last.source, last.ops + ((op,) if op else ()))
            continue
        source = code_only(linecache.getline(event.file, event.line)) if event.file else ""
        rows.append(Step(event.step, event.step, event.owner, f"T{event.owner}", event.file, event.line,
                         source, (op,) if op else ()))
    return tuple(rows)


def _result(session: Session, scenario: Scenario, record: Run | None, *, strategy: str, explored: int,
            exhausted: bool | None, started: float, seed: int, preemptions: int,
            found_after: float | None = None, pct_extra: int = 0) -> Result:
    finding = None
    steps: tuple[Step, ...] = ()
    final: dict[str, str] = {}
    schedule = None
    threads: tuple[str, ...] = tuple(scenario.labels)
    if record is not None:
        end = last_deviation(record)
        schedule = _schedule.encode(record.choices[:end + 1], session.granularity)
        steps = _steps(session, record)
        final = shared_state(record.namespace)
        if scenario.kind == "threads":
            threads = tuple(w.label for w in record.workers)
        raw = record.finding
        if raw is not None:
            finding = Finding(kind=raw.kind, message=raw.message, schedule=schedule, thread=raw.thread,
                              file=raw.file, line=raw.line, source=raw.source, cycle=tuple(raw.cycle),
                              traceback=raw.traceback,
                              context_switches=_schedule.context_switches([s.thread for s in steps]))
    return Result(
        scenario=scenario.name, path=scenario.path,
        verdict="finding" if finding else "none", finding=finding,
        schedules_explored=explored, exhausted=exhausted,
        elapsed_s=time.perf_counter() - started, strategy=strategy, preemptions=preemptions, seed=seed,
        granularity=session.granularity, lang=session.lang,
        python=f"{platform.python_implementation()} {platform.python_version()}",
        threads=threads, steps=steps, final_state=final, schedule=schedule,
        found_after_s=found_after, kind_of_lanes="task" if scenario.kind == "tasks" else "thread",
        pct_extra=pct_extra,
    )
