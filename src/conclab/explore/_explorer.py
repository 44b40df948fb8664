"""``run()``: explore a scenario's schedules, shrink what fails, report it step by step."""

from __future__ import annotations

import os
import platform
import threading
import time
import types
from collections.abc import Callable
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
        with installed(socket_timeout=(3 * timeout) if timeout else None):
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
        search = _Search(chosen, schedules, started)
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
        best = _shrink(session, failing) if shrink else list(failing.choices)
        record = session.execute(Prefix(best, strict=True), detailed=True, log=True)
        expected = failing.finding.kind if failing.finding else None
        if record.fatal is not None or record.finding is None or record.finding.kind != expected:
            record = session.execute(Prefix(failing.choices, strict=True), detailed=True, log=True)
            _raise_fatal(record)
    return _result(session, scenario, record, strategy=strategy, explored=explored, exhausted=exhausted,
                   started=started, seed=seed, preemptions=preemptions, found_after=found_after,
                   pct_extra=pct_extra)


class _Search(Batch):
    """The exploration loop, run by the scenario threads themselves (see ``Session.run_batch``)."""

    def __init__(self, strategy: Any, schedules: int, started: float) -> None:
        self.strategy = strategy
        self.schedules = schedules
        self.started = started
        self.explored = 0
        self.failing: Run | None = None
        self.fatal: Run | None = None
        self.found_after: float | None = None
        self.log = bool(strategy.needs_log)

    def next(self) -> tuple[Chooser, bool, bool] | None:
        if self.explored >= self.schedules:
            return None
        chooser = self.strategy.next()
        return None if chooser is None else (chooser, False, self.log)

    def after(self, run: Run) -> bool:
        self.explored += 1
        if run.fatal is not None:
            self.fatal = run
            return True
        self.strategy.feedback(run)
        if run.finding is not None:
            self.failing = run
            self.found_after = time.perf_counter() - self.started
            return True
        return False


def _raise_fatal(record: Run, replay_of: list[int] | None = None) -> None:
    fatal = record.fatal
    if fatal is None:
        return
    if isinstance(fatal, DivergenceError):
        raise ConclabError(
            f"replay diverged: {fatal}; the schedule was recorded from another version of the scenario, "
            f"another granularity or another Python (this is {platform.python_version()})") from None
    raise fatal


def _shrink(session: Session, failing: Run, max_runs: int = 300, max_seconds: float = 1.0) -> list[int]:
    """Fewer deviations from the default schedule (so fewer context switches), same kind of bug."""
    assert failing.finding is not None
    best = failing if failing.log is not None else session.execute(Prefix(failing.choices), log=True)
    if best.finding is None or best.finding.kind != failing.finding.kind:
        return list(failing.choices)
    shrinker = _Shrinker(best, failing.finding.kind, max_runs, time.perf_counter() + max_seconds)
    session.run_batch(shrinker)
    return list(shrinker.best.choices)


class _Shrinker(Batch):
    """Greedy shrinking as a batch: drop one deviation at a time (last first), keep improvements.

    Each pass tries the current best's deviations from the last one down and
    starts over from the first improvement; it ends when a pass improves nothing
    or the budget (runs, seconds) is spent.
    """

    def __init__(self, best: Run, kind: str, max_runs: int, deadline: float) -> None:
        self.best = best
        self.kind = kind
        self.max_runs = max_runs
        self.deadline = deadline
        self.runs = 0
        self._pass()

    @staticmethod
    def score(record: Run) -> tuple[int, int]:
        return len(deviations(record)), _schedule.context_switches(record.choices)

    def _pass(self) -> None:
        self.current = deviations(self.best)
        self.todo = sorted(self.current, reverse=True)

    def next(self) -> tuple[Chooser, bool, bool] | None:
        if not self.todo or self.runs >= self.max_runs or time.perf_counter() >= self.deadline:
            return None
        trial = dict(self.current)
        del trial[self.todo.pop(0)]
        return Deviations(trial), False, True

    def after(self, run: Run) -> bool:
        self.runs += 1
        if (run.fatal is None and run.finding is not None and run.finding.kind == self.kind
                and self.score(run) < self.score(self.best)):
            self.best = run
            self._pass()
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
        decoder = self.decoders.get(code) or self.decoders.setdefault(code, Decoder(code))
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
