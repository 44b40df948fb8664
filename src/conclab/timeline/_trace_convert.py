"""From VizTracer's trace-event JSON to conclab spans: keep what a learner cares about.

VizTracer records *every* call, thousands of stdlib frames a learner never
wrote. :func:`spans_from_trace` keeps only

* the learner's own functions (code in files under the script's folder),
* sleeps, lock waits, joins and other waits, and I/O waits, when they happen
  inside the learner's code and last at least ``min_wait_s``,

and puts them on conclab lanes: one per thread, per child process (named as
``multiprocessing`` names it) and per asyncio task.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conclab.timeline._span import Span

#: Waits shorter than this (seconds) are hidden: they are noise, not waiting.
MIN_WAIT_S = 0.001
#: More spans than this and the shortest calls of the learner's functions are dropped.
MAX_SPANS = 3000

_PY_FUNC = re.compile(r"^(?P<func>.+) \((?P<file>.+):(?P<line>\d+)\)$")
_MP_NAME = re.compile(r"^[A-Za-z][\w.]*-\d+(:\d+)*$")
_COMPREHENSIONS = ("<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>")

#: Python-level stdlib functions that wait: (file suffix, qualified name) -> label.
PY_WAITS: dict[tuple[str, str], str] = {
    ("threading.py", "Thread.join"): "wait join",
    ("threading.py", "Event.wait"): "wait Event",
    ("threading.py", "Condition.wait"): "wait Condition",
    ("threading.py", "Condition.wait_for"): "wait Condition",
    ("threading.py", "Semaphore.acquire"): "wait Semaphore",
    ("threading.py", "Barrier.wait"): "wait Barrier",
    ("queue.py", "Queue.get"): "wait Queue.get",
    ("queue.py", "Queue.put"): "wait Queue.put",
    ("concurrent/futures/_base.py", "Future.result"): "wait Future.result",
    ("concurrent/futures/_base.py", "wait"): "wait futures.wait",
    ("concurrent/futures/process.py", "ProcessPoolExecutor.shutdown"): "wait pool shutdown",
    ("concurrent/futures/thread.py", "ThreadPoolExecutor.shutdown"): "wait pool shutdown",
    ("multiprocessing/process.py", "BaseProcess.join"): "wait join",
    ("multiprocessing/pool.py", "ApplyResult.wait"): "wait result",
    ("multiprocessing/pool.py", "ApplyResult.get"): "wait result",
    ("multiprocessing/pool.py", "IMapIterator.next"): "wait result",
    ("multiprocessing/pool.py", "Pool.join"): "wait join",
    ("subprocess.py", "Popen.wait"): "wait subprocess",
    ("subprocess.py", "Popen.communicate"): "wait subprocess",
    ("asyncio/tasks.py", "sleep"): "sleep (asyncio)",
    ("asyncio/tasks.py", "wait"): "wait asyncio.wait",
    ("asyncio/tasks.py", "wait_for"): "wait asyncio.wait_for",
    ("asyncio/queues.py", "Queue.get"): "wait asyncio.Queue.get",
    ("asyncio/queues.py", "Queue.put"): "wait asyncio.Queue.put",
    ("asyncio/locks.py", "Lock.acquire"): "lock wait (asyncio)",
    ("asyncio/locks.py", "Event.wait"): "wait asyncio.Event",
    ("asyncio/locks.py", "Condition.wait"): "wait asyncio.Condition",
    ("asyncio/locks.py", "Semaphore.acquire"): "wait asyncio.Semaphore",
    ("asyncio/streams.py", "StreamReader.read"): "I/O stream read",
    ("asyncio/streams.py", "StreamReader.readline"): "I/O stream read",
    ("asyncio/streams.py", "StreamReader.readexactly"): "I/O stream read",
    ("asyncio/streams.py", "StreamReader.readuntil"): "I/O stream read",
    ("asyncio/streams.py", "StreamWriter.drain"): "I/O stream drain",
    ("asyncio/streams.py", "open_connection"): "I/O connect",
}

#: C functions that wait: exact name -> label.
C_WAITS: dict[str, str] = {
    "time.sleep": "sleep",
    "_thread.lock.acquire": "lock wait",
    "_thread.RLock.acquire": "lock wait",
    "_thread.lock.__enter__": "lock wait",
    "_thread.RLock.__enter__": "lock wait",
    "builtins.input": "I/O input",
    "_socket.getaddrinfo": "I/O getaddrinfo",
    "_socket.gethostbyname": "I/O gethostbyname",
    "posix.waitpid": "wait process",
}

#: C functions whose module marks them as I/O: prefix -> kept when the method name says it waits.
_IO_PREFIXES = ("_socket.socket.", "select.", "_ssl._SSLSocket.", "posix.", "_io.")
_IO_METHODS = {"recv", "recv_into", "recvfrom", "recvfrom_into", "accept", "connect", "connect_ex",
               "send", "sendall", "sendto", "select", "poll", "control", "read", "readall",
               "readinto", "readline", "readlines", "write", "do_handshake", "flush"}

_LABEL_KIND = {"sleep": "sleep", "lock": "lock", "wait": "wait", "I/O": "io"}


def _kind_of(label: str) -> str:
    return _LABEL_KIND.get(label.split(" ", 1)[0], "wait")


@dataclass
class _Event:
    """One VizTracer complete event classified: the learner's code or a wait."""

    name: str
    kind: str  # "user", "sleep", "lock", "wait", "io"
    start: float  # microseconds, as in the trace
    end: float
    source: str
    children: list[_Event] = field(default_factory=list)

    @property
    def is_wait(self) -> bool:
        return self.kind != "user"


def _library_dirs() -> tuple[Path, ...]:
    """Where the interpreter's own code lives: never the learner's, even under their folder."""
    import sysconfig

    paths = sysconfig.get_paths()
    found = {Path(paths[key]).resolve() for key in ("stdlib", "platstdlib", "purelib", "platlib")
             if key in paths}
    found.add(Path(__file__).resolve().parents[1])  # conclab itself
    return tuple(found)


def _is_users(path: str, script_dir: Path, library: tuple[Path, ...]) -> bool:
    if "site-packages" in path or "dist-packages" in path or path.startswith("<"):
        return False
    try:
        resolved = Path(path).resolve()
    except (OSError, ValueError):
        return False
    return resolved.is_relative_to(script_dir) and not any(resolved.is_relative_to(d) for d in library)


def classify(name: str, script_dir: Path,
             library: tuple[Path, ...] | None = None) -> tuple[str, str] | None:
    """(label, kind) of a VizTracer event name, or None when a learner would not care."""
    match = _PY_FUNC.match(name)
    if match:
        func, path = match.group("func"), match.group("file")
        if _is_users(path, script_dir, _library_dirs() if library is None else library):
            if func.endswith(_COMPREHENSIONS) or func.endswith("<lambda>"):
                return None
            if func == "<module>":
                return Path(path).name, "user"
            return func.replace(".<locals>.", "."), "user"
        normalised = path.replace(os.sep, "/")
        for (suffix, qualname), label in PY_WAITS.items():
            if func == qualname and normalised.endswith("/" + suffix):
                return label, _kind_of(label)
        return None
    if name in C_WAITS:
        label = C_WAITS[name]
        return label, _kind_of(label)
    for prefix in _IO_PREFIXES:
        if name.startswith(prefix) and name.rsplit(".", 1)[-1] in _IO_METHODS:
            rest = name[len(prefix):] if prefix.count(".") > 1 else name.split(".", 1)[1]
            return f"I/O {rest}", "io"
    return None


def _nest(events: list[_Event]) -> list[_Event]:
    """Build the call tree of one lane from intervals (a callee lies inside its caller)."""
    roots: list[_Event] = []
    stack: list[_Event] = []
    for event in sorted(events, key=lambda e: (e.start, -e.end)):
        while stack and event.start >= stack[-1].end - 1e-9:
            stack.pop()
        while stack and event.end > stack[-1].end + 1e-9:  # overlapping, not nested: treat as sibling
            stack.pop()
        (stack[-1].children if stack else roots).append(event)
        stack.append(event)
    return roots


def _merge_task_steps(roots: list[_Event]) -> list[_Event]:
    """Join the pieces of each coroutine call on an asyncio task lane.

    VizTracer records a coroutine once per step (each time the task runs until
    its next ``await`` that suspends), so ``await asyncio.sleep(1)`` shows as
    two slivers a second apart. When a task resumes, the first frame at each
    depth is the frame that was suspended there, so a step's first node at a
    depth is joined to the previous step's last node at that depth when the
    names agree and its caller was joined too. Two back-to-back calls of the
    same coroutine in one task can be drawn as one bar: a known limit.
    """
    merged_roots: list[_Event] = []
    chain: list[_Event] = []

    def visit(nodes: list[_Event], depth: int, continuing: bool, out: list[_Event]) -> None:
        for index, node in enumerate(nodes):
            previous = chain[depth] if depth < len(chain) else None
            if index == 0 and continuing and previous is not None and previous.name == node.name:
                previous.end = max(previous.end, node.end)
                target, joined = previous, True
            else:
                target = _Event(node.name, node.kind, node.start, node.end, node.source)
                out.append(target)
                joined = False
            visit(node.children, depth + 1, joined, target.children)

    for root in roots:
        visit([root], 0, True, merged_roots)
        # The new chain: the last node at each depth, following the last children down.
        chain = []
        node: _Event | None = merged_roots[-1] if merged_roots else None
        while node is not None:
            chain.append(node)
            node = node.children[-1] if node.children else None
    return merged_roots


def _flatten(roots: Iterable[_Event], min_wait_us: float, in_user: bool = False,
             in_wait: bool = False) -> Iterable[_Event]:
    """Keep the learner's calls, and waits inside them that are long enough and not nested in a wait."""
    for node in roots:
        if node.is_wait:
            if in_user and not in_wait and node.end - node.start >= min_wait_us:
                yield node
                yield from _flatten(node.children, min_wait_us, in_user, True)
            else:
                yield from _flatten(node.children, min_wait_us, in_user, in_wait)
        else:
            yield node
            yield from _flatten(node.children, min_wait_us, True, in_wait)


@dataclass
class TraceConversion:
    """Spans ready to draw, the process names for Perfetto, and what was left out."""

    spans: list[Span]
    process_names: dict[int, str]
    events_seen: int
    hidden_short_calls: int = 0
    overflow: bool = False


@dataclass
class _Parsed:
    """What one pass over the trace events learned: names, which lanes are tasks, kept calls."""

    process_names: dict[int, str] = field(default_factory=dict)
    thread_names: dict[tuple[int, int], str] = field(default_factory=dict)
    task_lanes: set[tuple[int, int]] = field(default_factory=set)
    by_lane: dict[tuple[int, int], list[_Event]] = field(default_factory=dict)
    first_ts: dict[int, float] = field(default_factory=dict)


def spans_from_trace(document: Mapping[str, Any], script_dir: str | os.PathLike[str],
                     root_pid: int | None = None, min_wait_s: float = MIN_WAIT_S,
                     max_spans: int = MAX_SPANS) -> TraceConversion:
    """Convert VizTracer's trace-event JSON into conclab spans (see the module docstring).

    ``root_pid`` is the script's own process; other processes are children
    and their main threads are named after the process. Times are seconds
    from the first kept span.
    """
    events = list(document.get("traceEvents") or [])
    parsed = _parse(events, Path(script_dir).resolve())
    if root_pid is None or root_pid not in parsed.first_ts:
        root_pid = min(parsed.first_ts, key=lambda p: parsed.first_ts[p]) if parsed.first_ts else 0
    kept, hidden = _keep(parsed, min_wait_s, max_spans)
    origin = min((e.start for _, e in kept), default=0.0)
    spans = []
    for (pid, tid), event in kept:
        lane, lane_kind = _lane_name(pid, tid, root_pid, parsed.process_names, parsed.thread_names,
                                     parsed.task_lanes)
        spans.append(Span(event.name, lane, (event.start - origin) / 1e6, (event.end - origin) / 1e6,
                          pid, tid, lane_kind, {"kind": event.kind, "source": event.source}))
    spans.sort(key=lambda s: (s.start_s, -s.end_s))
    metadata = document.get("viztracer_metadata") or {}
    names = {pid: name if pid != root_pid else f"{name} (your script)"
             for pid, name in parsed.process_names.items()}
    return TraceConversion(spans, names, len(events), hidden, bool(metadata.get("overflow")))


def _parse(events: list[Any], folder: Path) -> _Parsed:
    """One pass: names from the metadata events, and the calls worth keeping, by lane."""
    library = _library_dirs()
    verdicts: dict[str, tuple[str, str] | None] = {}
    parsed = _Parsed()
    first_x_seen: set[int] = set()
    for event in events:
        phase = event.get("ph")
        pid = int(event.get("pid", 0))
        tid = int(event.get("tid", 0))
        if phase == "M":
            name = str((event.get("args") or {}).get("name", ""))
            if event.get("name") == "process_name":
                parsed.process_names[pid] = name
            elif event.get("name") == "thread_name":
                parsed.thread_names[(pid, tid)] = name
                # VizTracer writes asyncio task names after the events of their process.
                if pid in first_x_seen:
                    parsed.task_lanes.add((pid, tid))
            continue
        if phase != "X":
            continue
        first_x_seen.add(pid)
        ts = float(event.get("ts", 0.0))
        parsed.first_ts[pid] = min(parsed.first_ts.get(pid, ts), ts)
        raw_name = str(event.get("name", ""))
        if raw_name not in verdicts:
            verdicts[raw_name] = classify(raw_name, folder, library)
        classified = verdicts[raw_name]
        if classified is not None:
            label, kind = classified
            parsed.by_lane.setdefault((pid, tid), []).append(
                _Event(label, kind, ts, ts + float(event.get("dur", 0.0)), raw_name))
    return parsed


def _keep(parsed: _Parsed, min_wait_s: float,
          max_spans: int) -> tuple[list[tuple[tuple[int, int], _Event]], int]:
    """The calls to draw, nested and flattened per lane; past ``max_spans`` the shortest go."""
    kept: list[tuple[tuple[int, int], _Event]] = []
    for lane_key, lane_events in parsed.by_lane.items():
        roots = _nest(lane_events)
        if lane_key in parsed.task_lanes:
            roots = _merge_task_steps(roots)
        kept.extend((lane_key, e) for e in _flatten(roots, min_wait_s * 1e6))
    hidden = 0
    if len(kept) > max_spans:
        users = sorted((item for item in kept if not item[1].is_wait),
                       key=lambda item: item[1].end - item[1].start)
        drop = {id(item[1]) for item in users[: len(kept) - max_spans]}
        hidden = len(drop)
        kept = [item for item in kept if id(item[1]) not in drop]
    return kept, hidden


def _lane_name(pid: int, tid: int, root_pid: int, process_names: Mapping[int, str],
               thread_names: Mapping[tuple[int, int], str],
               task_lanes: set[tuple[int, int]]) -> tuple[str, str]:
    thread = thread_names.get((pid, tid), f"thread {tid}")
    if (pid, tid) in task_lanes:
        return thread, "task"
    if pid == root_pid:
        return thread, "thread"
    process = process_names.get(pid, "")
    # multiprocessing names its children ("ForkProcess-1", "SpawnPoolWorker-2"); VizTracer
    # falls back to the command line ("python -c") for others, which says nothing: use the pid.
    if not _MP_NAME.match(process):
        process = f"pid {pid}"
    if thread == "MainThread":
        return process, "process"
    return f"{process}/{thread}", "thread"
