"""``run()``: explore a scenario's schedules, shrink what fails, report it step by step."""

from __future__ import annotations

import contextlib
import linecache
import os
import platform
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator

from conclab.errors import ConclabError
from conclab.explore import _schedule
from conclab.explore._auto import make_strategy
from conclab.explore._decode import code_only
from conclab.explore._enums import Verdict
from conclab.explore._interactive import ChoicePoint, Interactive, shared_state
from conclab.explore._primitives import installed
from conclab.explore._run import Run
from conclab.explore._scenario import Scenario, load, validate
from conclab.explore._search import Search
from conclab.explore._session import SOCKET_FACTOR, Session
from conclab.explore._strategies import Prefix, last_deviation
from conclab.explore._types import Finding, Op, Result, Step
from conclab.explore._workers import DivergenceError, _OrigThread, stop_thread
from conclab.i18n import LANGS

STRATEGIES = ("auto", "random", "pct", "pos", "dfs")
#: The budget of schedules when ``run()`` is not given one.
SCHEDULES = 1000
#: How long the default search may go on past :data:`SCHEDULES` to exhaust its bound (seconds
#: from the start of the search): most small programs are cleared in well under that.
GO_ON_SECONDS = 5.0
GRANULARITIES = ("opcode", "line")

# One exploration at a time per process: the replacements are process-wide.
_BUSY = threading.Lock()


def _check_args(strategy: str, schedules: int | None, seed: int, preemptions: int, granularity: str,
                step_limit: int, lang: str, timeout: float | None) -> None:
    """Validate at the door, naming the bad value and the fix."""
    if strategy not in STRATEGIES:
        raise ConclabError(f"unknown strategy {strategy!r}; use one of {', '.join(STRATEGIES)}",
                           ja=f"戦略 {strategy!r} はありません。{'、'.join(STRATEGIES)} のどれかを使ってください")
    if schedules is not None and (not isinstance(schedules, int) or schedules < 1):
        raise ConclabError(f"schedules must be a whole number of at least 1, not {schedules!r}",
                           ja=f"schedules は 1 以上の整数にしてください（今は {schedules!r}）")
    if not isinstance(seed, int):
        raise ConclabError(f"seed must be an integer, not {seed!r}",
                           ja=f"seed は整数にしてください（今は {seed!r}）")
    if not isinstance(preemptions, int) or preemptions < 0:
        raise ConclabError(f"preemptions must be 0 or more, not {preemptions!r}",
                           ja=f"preemptions は 0 以上にしてください（今は {preemptions!r}）")
    if granularity not in GRANULARITIES:
        raise ConclabError(f"unknown granularity {granularity!r}; use 'opcode' or 'line'",
                           ja=f"粒度 {granularity!r} はありません。'opcode' か 'line' を使ってください")
    if not isinstance(step_limit, int) or step_limit < 10:
        raise ConclabError(f"step_limit must be at least 10, not {step_limit!r}",
                           ja=f"step_limit は 10 以上にしてください（今は {step_limit!r}）")
    if lang not in LANGS:
        raise ConclabError(f"unknown language {lang!r}; use 'en' or 'ja'",
                           ja=f"言語 {lang!r} はありません。'en' か 'ja' を使ってください")
    if timeout is not None and timeout <= 0:
        raise ConclabError(f"timeout must be a positive number of seconds, not {timeout!r}",
                           ja=f"timeout は正の秒数にしてください（今は {timeout!r}）")


class _SameAsTimeout:
    """The default of ``run(load_timeout=...)``: the module's first execution gets ``timeout`` too."""

    def __repr__(self) -> str:
        return "SAME_AS_TIMEOUT"


SAME_AS_TIMEOUT = _SameAsTimeout()


def run(
    scenario: str | os.PathLike[str] | types.ModuleType,
    *,
    strategy: str = "auto",
    schedules: int | None = None,
    seed: int = 0,
    preemptions: int = 2,
    replay: str | None = None,
    granularity: str = "opcode",
    step_limit: int = 10_000,
    lang: str = "en",
    timeout: float | None = 2.0,
    shrink: bool = True,
    interactive: Callable[[ChoicePoint], int | None] | None = None,
    load_timeout: float | None | _SameAsTimeout = SAME_AS_TIMEOUT,
    progress: Callable[[int, float], None] | None = None,
) -> Result:
    """Explore the schedules of ``scenario`` and return what was found.

    ``schedules`` is the budget; left out, it is :data:`SCHEDULES`, and the default
    strategy may go on past it, for up to :data:`GO_ON_SECONDS` of search in all,
    until its dfs part has run every schedule within the preemption bound: a program
    with no bug is then reported as exhausted at the bound, not as "none found in 1000".
    ``scenario`` is a scenario file path, a built-in name (``"lost-update"``) or
    a module with a source file. The scenario is re-executed for every schedule
    under a controlled scheduler; the first finding is shrunk to fewer context
    switches and replayed once more to record its step table. ``replay`` runs one
    schedule string instead of exploring (a mismatch raises ConclabError);
    ``interactive`` lets a callback pick the thread at every choice point.
    ``timeout`` is how long (real seconds) one thread may stay away from the
    scheduler before it is reported as stuck in a real blocking call; the first
    execution of the module's code gets ``load_timeout`` (by default the same, None
    for no limit: a caller that runs the exploration in a process with its own
    limit). ``progress(schedules_started, seconds)`` is called four times a second
    while a search runs (the CLI shows it). Bad input raises ConclabError, one line.
    """
    _check_args(strategy, schedules, seed, preemptions, granularity, step_limit, lang, timeout)
    choices: list[int] | None = None
    if replay is not None:
        choices, named = _schedule.decode(replay, limit=max(_schedule.MAX_CHOICES, 2 * step_limit))
        granularity = named or granularity
    loaded = load(scenario)
    if not _BUSY.acquire(blocking=False):
        raise ConclabError("another exploration is running in this process; run them one after another",
                           ja="このプロセスでは別の探索が動いています。探索は 1 つずつ順に実行してください")
    try:
        with installed(socket_timeout=(SOCKET_FACTOR * timeout) if timeout else None), _one_cpu():
            _validate_within(loaded, timeout if isinstance(load_timeout, _SameAsTimeout) else load_timeout)
            session = Session(loaded, granularity=granularity, step_limit=step_limit,
                              timeout=None if interactive else timeout, lang=lang)
            session.ticker = _ticker(progress)
            session.start()
            try:
                return _explore(session, loaded, strategy=strategy, schedules=schedules, seed=seed,
                                preemptions=preemptions, replay=choices, shrink=shrink,
                                interactive=interactive)
            finally:
                session.stop()
    finally:
        _BUSY.release()


def _ticker(progress: Callable[[int, float], None] | None) -> Callable[[int], None] | None:
    """The session's tick, as ``progress`` wants it: schedules started and seconds since now."""
    if progress is None:
        return None
    began = time.perf_counter()
    return lambda started: progress(started, time.perf_counter() - began)


def _validate_within(scenario: Scenario, timeout: float | None) -> None:
    """Execute the module once (:func:`validate`), under the same limit as the scenario's threads.

    Module-level code that never ends (``while True``, a server started without the
    ``__main__`` guard) is bad input: one line naming where it is stuck.
    """
    if timeout is None:
        validate(scenario)
        return
    outcome: list[BaseException | None] = []

    def body() -> None:
        try:
            validate(scenario)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome.append(exc)
        else:
            outcome.append(None)

    loader = _OrigThread(target=body, name="conclab-explore-load", daemon=True)
    loader.start()
    loader.join(timeout)
    if not outcome:
        frame = sys._current_frames().get(loader.ident or 0)
        while frame is not None and frame.f_code.co_filename != scenario.path:
            frame = frame.f_back
        where = f"{os.path.basename(scenario.path)}:{frame.f_lineno}: " if frame is not None else ""
        del frame
        stop_thread(loader)  # a spin loop ends; a real blocking call stays, as a daemon
        raise ConclabError(f"{where}the scenario's module-level code did not finish within {timeout:g} s; "
                           "keep slow or endless code in the thread functions",
                           ja=f"{where}シナリオのモジュールの最上位のコードが {timeout:g} 秒以内に終わりませんでした。遅いコードや終わらないコードはスレッドの関数の中に置いてください")
    if outcome[0] is not None:
        raise outcome[0]


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


def _explore(session: Session, scenario: Scenario, *, strategy: str, schedules: int | None, seed: int,
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
                f"granularity or another Python (this is {platform.python_version()})",
                ja=f"再生がずれました: 実行での選択は {len(record.choices)} 回だけでしたが、スケジュールには {len(replay)} 回あります。別の版のシナリオ、別の粒度、または別の Python で記録されたスケジュールです（ここは {platform.python_version()}）")
        explored = 1
    elif interactive is not None:
        strategy = "interactive"
        record = session.execute(Interactive(session, interactive), detailed=True, log=True)
        _raise_fatal(record)
        explored = 1
    else:
        chosen = make_strategy(strategy, seed=seed, preemptions=preemptions)
        go_on_until = started + GO_ON_SECONDS if schedules is None and strategy == "auto" else None
        search = Search(chosen, SCHEDULES if schedules is None else schedules, started, shrink=shrink,
                        go_on_until=go_on_until)
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
        elif failing.leaked:
            # A thread never came back (stuck in check() or a real blocking call): replaying it
            # would wait out the limit once more, so it is reported as found, without a step table.
            record = failing
        else:
            record = session.execute(Prefix(failing.choices, strict=True), detailed=True, log=True)
            _raise_fatal(record)
    return _result(session, scenario, record, strategy=strategy, explored=explored, exhausted=exhausted,
                   started=started, seed=seed, preemptions=preemptions, found_after=found_after,
                   pct_extra=pct_extra)


def _raise_fatal(record: Run, replay_of: list[int] | None = None) -> None:
    fatal = record.fatal
    if fatal is None:
        return
    if isinstance(fatal, DivergenceError):
        raise ConclabError(
            f"replay diverged: {fatal}; the schedule was recorded from another version of the scenario, "
            f"another granularity or another Python (this is {platform.python_version()})",
            ja=f"再生がずれました: {fatal}。別の版のシナリオ、別の粒度、または別の Python で記録されたスケジュールです（ここは {platform.python_version()}）") from None
    raise fatal


def _steps(session: Session, record: Run) -> tuple[Step, ...]:
    recorder = record.recorder
    if recorder is None:
        return ()
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
        verdict=Verdict.FINDING if finding else Verdict.NONE, finding=finding,
        schedules_explored=explored, exhausted=exhausted,
        elapsed_s=time.perf_counter() - started, strategy=strategy, preemptions=preemptions, seed=seed,
        granularity=session.granularity, lang=session.lang,
        python=f"{platform.python_implementation()} {platform.python_version()}",
        threads=threads, steps=steps, final_state=final, schedule=schedule,
        found_after_s=found_after, kind_of_lanes="task" if scenario.kind == "tasks" else "thread",
        pct_extra=pct_extra,
    )
