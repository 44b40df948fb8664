"""The span recorder: works from any thread, from child processes and from asyncio tasks.

One :class:`Recorder` is *active* at a time (see :func:`recording`). Code records
with :func:`span` (a context manager) or by being wrapped with :func:`trace`,
which patches functions of a module or class for the duration of a block, so
the example code itself needs no plumbing.

Child processes cannot append to the parent's list, so a recorder owns a spool
directory: a child (forked, or spawned with the environment variable below)
appends its spans as JSON lines to ``<spool>/<pid>.jsonl`` and the parent reads
them back in :meth:`Recorder.spans`. Timestamps are ``time.perf_counter()``,
which is one system-wide monotonic clock on Linux, macOS and Windows, so spans
from several processes line up.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import os
import shutil
import tempfile
import threading
import types
from collections.abc import Callable, Iterator
from typing import Any

from conclab.timeline._span import Span

SPOOL_ENV = "CONCLAB_TIMELINE_SPOOL"
TRACE_ENV = "CONCLAB_TIMELINE_TRACE"

Clock = Callable[[], float]


def _perf_counter() -> float:
    import time

    return time.perf_counter()


def _process_name() -> str:
    import multiprocessing

    return multiprocessing.current_process().name


def current_lane(owner_pid: int | None = None) -> tuple[str, str, int]:
    """Name, kind and thread id of the lane the caller is running on.

    An asyncio task is its own lane; in a child process the process name
    ("ForkPoolWorker-1", "Process-2") names the lane of its main thread.
    """
    tid = threading.get_native_id()
    try:
        task = asyncio.current_task()
    except RuntimeError:
        task = None
    if task is not None:
        return task.get_name(), "task", tid
    thread = threading.current_thread()
    pid = os.getpid()
    if owner_pid is not None and pid != owner_pid:
        process = _process_name()
        if process == "MainProcess":
            process = f"pid {pid}"
        if thread is threading.main_thread():
            return process, "process", tid
        return f"{process}/{thread.name}", "thread", tid
    return thread.name, "thread", tid


class Recorder:
    """Collects spans; thread-safe; reads back spans written by child processes.

    ``clock`` is injectable so that tests of anything built on spans can run on
    a fake clock. Spans from child processes always use ``perf_counter``.
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock: Clock = clock or _perf_counter
        self._real_clock = clock is None
        self.origin = self.clock()
        self.owner_pid = os.getpid()
        self._spans: list[Span] = []
        self._lock = threading.Lock()
        self._spool: str | None = None

    # -- recording -------------------------------------------------------
    def now(self) -> float:
        """Seconds since the recorder started."""
        return self.clock() - self.origin

    def add(self, span: Span) -> None:
        with self._lock:
            self._spans.append(span)

    @contextlib.contextmanager
    def span(self, name: str, lane: str | None = None, **args: Any) -> Iterator[None]:
        """Record ``name`` on the caller's lane (or ``lane``) while the block runs."""
        lane_name, kind, tid = current_lane(self.owner_pid)
        if lane is not None:
            lane_name = lane
        start = self.now()
        try:
            yield
        finally:
            self.add(Span(name, lane_name, start, self.now(), os.getpid(), tid, kind, dict(args)))

    # -- child processes ---------------------------------------------------
    @property
    def spool_dir(self) -> str:
        """The directory child processes write their spans into (made on first use)."""
        if self._spool is None:
            self._spool = tempfile.mkdtemp(prefix="conclab-spans-")
        return self._spool

    def spans(self) -> list[Span]:
        """All spans so far, the children's included, sorted by start."""
        with self._lock:
            spans = list(self._spans)
        if self._spool and os.path.isdir(self._spool):
            for entry in sorted(os.listdir(self._spool)):
                path = os.path.join(self._spool, entry)
                try:
                    with open(path, encoding="utf-8") as handle:
                        lines = handle.read().splitlines()
                except OSError:
                    continue
                for line in lines:
                    try:
                        raw = json.loads(line)
                    except ValueError:
                        continue  # a child killed mid-write leaves half a line
                    raw["start_s"] = raw["start_s"] - self.origin
                    raw["end_s"] = raw["end_s"] - self.origin
                    spans.append(Span.from_json(raw))
        spans.sort(key=lambda s: (s.start_s, -s.end_s))
        return spans

    def close(self) -> None:
        """Remove the spool directory (after :meth:`spans` has been read)."""
        if self._spool:
            shutil.rmtree(self._spool, ignore_errors=True)
            self._spool = None


class _SpoolWriter:
    """Appends a child process's spans to its own file in the parent's spool."""

    def __init__(self, spool: str, owner_pid: int) -> None:
        self.path = os.path.join(spool, f"{os.getpid()}.jsonl")
        self.pid = os.getpid()
        self.owner_pid = owner_pid
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def span(self, name: str, lane: str | None = None, **args: Any) -> Iterator[None]:
        lane_name, kind, tid = current_lane(self.owner_pid)
        if lane is not None:
            lane_name = lane
        start = _perf_counter()
        try:
            yield
        finally:
            record = Span(name, lane_name, start, _perf_counter(), self.pid, tid, kind, dict(args))
            line = json.dumps(record.to_json() | {"start_s": start, "end_s": record.end_s})
            try:
                with self._lock, open(self.path, "a", encoding="utf-8") as handle:
                    handle.write(line + "\n")
            except OSError:
                # The recording this child was started for has ended (a forkserver
                # keeps the environment of its first use): drop the span, never
                # fail the learner's code because of a timeline.
                pass


_active: Recorder | None = None
_child_writer: _SpoolWriter | None = None


def active_recorder() -> Recorder | None:
    """The recorder of this process, if one is active (``None`` in children)."""
    if _active is not None and _active.owner_pid == os.getpid():
        return _active
    return None


def _sink() -> Recorder | _SpoolWriter | None:
    global _child_writer
    recorder = _active
    if recorder is not None and recorder.owner_pid == os.getpid():
        return recorder
    if _child_writer is not None and _child_writer.pid == os.getpid():
        return _child_writer
    spool = recorder._spool if recorder is not None else None
    spool = spool or os.environ.get(SPOOL_ENV)
    if not spool:
        return None
    owner = recorder.owner_pid if recorder is not None else int(os.environ.get(SPOOL_ENV + "_PID", "0"))
    _child_writer = _SpoolWriter(spool, owner)
    return _child_writer


@contextlib.contextmanager
def span(name: str, lane: str | None = None, **args: Any) -> Iterator[None]:
    """Record a span on the active recorder; does nothing when none is active."""
    sink = _sink()
    if sink is None:
        yield
        return
    with sink.span(name, lane, **args):
        yield


@contextlib.contextmanager
def recording(recorder: Recorder | None = None) -> Iterator[Recorder]:
    """Make ``recorder`` (or a new one) active for the block, children included.

    The spool directory is announced in the environment so that processes
    started with the ``spawn`` or ``forkserver`` method find it too.
    """
    global _active
    recorder = recorder or Recorder()
    previous = _active
    saved = {key: os.environ.get(key) for key in (SPOOL_ENV, SPOOL_ENV + "_PID")}
    _active = recorder
    if recorder._real_clock:
        os.environ[SPOOL_ENV] = recorder.spool_dir
        os.environ[SPOOL_ENV + "_PID"] = str(recorder.owner_pid)
    try:
        yield recorder
    finally:
        _active = previous
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# -- tracing functions without touching their code ---------------------------


def _label(template: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    try:
        return template.format(*args, **kwargs)
    except (IndexError, KeyError, ValueError):
        return template


class Traced:
    """A stand-in for a function that records a span for every call.

    It binds like a function (so it can replace a method), keeps coroutine
    functions awaitable (the span covers the awaited run, on the task's lane),
    and pickles as "re-import and re-trace", so a function handed to a
    ``spawn`` process pool records spans in the worker too.
    """

    def __init__(self, func: Callable[..., Any], label: str, owner: str, attr: str,
                 spec: tuple[tuple[str, str, str], ...]) -> None:
        self.__wrapped__ = func
        self.label = label
        self.owner = owner
        self.attr = attr
        self.spec = spec
        self.is_async = asyncio.iscoroutinefunction(func)
        self.__name__ = getattr(func, "__name__", attr)
        self.__qualname__ = getattr(func, "__qualname__", attr)
        self.__doc__ = getattr(func, "__doc__", None)
        self.__module__ = getattr(func, "__module__", owner)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        name = _label(self.label, args, kwargs)
        if self.is_async:
            return self._call_async(name, args, kwargs)
        with span(name):
            return self.__wrapped__(*args, **kwargs)

    async def _call_async(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        with span(name):
            return await self.__wrapped__(*args, **kwargs)

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        return types.MethodType(self, instance)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_retrace, (self.owner, self.attr, self.spec))

    def __repr__(self) -> str:
        return f"<traced {self.__qualname__}>"


def _resolve(owner: str) -> Any:
    module_name, _, class_path = owner.partition(":")
    target: Any = importlib.import_module(module_name)
    for part in filter(None, class_path.split(".")):
        target = getattr(target, part)
    return target


def _owner_path(target: Any) -> str:
    if isinstance(target, types.ModuleType):
        return target.__name__
    return f"{target.__module__}:{target.__qualname__}"


def _apply(spec: tuple[tuple[str, str, str], ...], target: Any = None) -> list[tuple[Any, str, Any]]:
    """Patch every (owner, attr, label) in ``spec``; return what to restore.

    ``target`` is the object itself when the caller has it (a class defined in
    a function cannot be found again by its path); children resolve the path.
    """
    undo: list[tuple[Any, str, Any]] = []
    for owner, attr, label in spec:
        if target is None:
            target = _resolve(owner)
        original = target.__dict__[attr] if isinstance(target, type) else getattr(target, attr)
        if isinstance(original, Traced):
            continue
        func = original.__func__ if isinstance(original, staticmethod) else original
        wrapper: Any = Traced(func, label, owner, attr, spec)
        if isinstance(original, staticmethod):
            wrapper = staticmethod(wrapper)
        setattr(target, attr, wrapper)
        undo.append((target, attr, original))
    return undo


def _retrace(owner: str, attr: str, spec: tuple[tuple[str, str, str], ...]) -> Any:
    """Unpickle a :class:`Traced` in a child: trace the same functions there."""
    _apply(spec)
    target = _resolve(owner)
    return getattr(target, attr)


@contextlib.contextmanager
def trace(target: Any, *names: str, **labels: str) -> Iterator[None]:
    """Record a span for each call of ``target.<name>`` while the block runs.

    ``target`` is a module or a class. ``names`` are traced under their own
    name; ``labels`` map a name to a label template filled from the call's
    arguments, as in ``trace(example, download="download {0}")``.
    """
    owner = _owner_path(target)
    wanted = {name: name for name in names}
    wanted.update(labels)
    spec = tuple((owner, attr, label) for attr, label in wanted.items())
    for attr in wanted:
        if not hasattr(target, attr):
            raise AttributeError(f"{owner} has no attribute {attr!r} to trace")
    undo = _apply(spec, target)
    try:
        yield
    finally:
        for obj, attr, original in reversed(undo):
            setattr(obj, attr, original)
