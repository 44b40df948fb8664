"""Timelines of a learner's own script: run it under VizTracer, keep what a learner cares about.

VizTracer already records threads, child processes and asyncio tasks into
Chrome trace-event JSON, but it records *every* call, thousands of stdlib
frames a learner never wrote. :func:`spans_from_trace` keeps only

* the learner's own functions (code in files under the script's folder),
* sleeps, lock waits, joins and other waits, and I/O waits, when they happen
  inside the learner's code and last at least ``min_wait_s``,

and puts them on conclab lanes: one per thread, per child process (named as
``multiprocessing`` names it) and per asyncio task.

:func:`trace_script` runs the script in a subprocess so a crash, a hang or a
``sys.exit`` in the learner's code cannot take conclab down: a time limit
asks the script for its threads' stacks (faulthandler), then stops it with
SIGTERM, which VizTracer answers by saving what it has, so even a stopped or
crashed script leaves its partial timeline. Nothing of it is left running.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conclab._process import ProcessTree, launch
from conclab.errors import ConclabError
from conclab.i18n import Messages
from conclab.timeline._render import Renderer
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


def spans_from_trace(document: Mapping[str, Any], script_dir: str | os.PathLike[str],
                     root_pid: int | None = None, min_wait_s: float = MIN_WAIT_S,
                     max_spans: int = MAX_SPANS) -> TraceConversion:
    """Convert VizTracer's trace-event JSON into conclab spans (see the module docstring).

    ``root_pid`` is the script's own process; other processes are children
    and their main threads are named after the process. Times are seconds
    from the first kept span.
    """
    folder = Path(script_dir).resolve()
    library = _library_dirs()
    verdicts: dict[str, tuple[str, str] | None] = {}
    events = list(document.get("traceEvents") or [])
    process_names: dict[int, str] = {}
    thread_names: dict[tuple[int, int], str] = {}
    task_lanes: set[tuple[int, int]] = set()
    first_x_seen: set[int] = set()
    by_lane: dict[tuple[int, int], list[_Event]] = {}
    first_ts: dict[int, float] = {}
    for event in events:
        phase = event.get("ph")
        pid = int(event.get("pid", 0))
        tid = int(event.get("tid", 0))
        if phase == "M":
            name = str((event.get("args") or {}).get("name", ""))
            if event.get("name") == "process_name":
                process_names[pid] = name
            elif event.get("name") == "thread_name":
                thread_names[(pid, tid)] = name
                # VizTracer writes asyncio task names after the events of their process.
                if pid in first_x_seen:
                    task_lanes.add((pid, tid))
            continue
        if phase != "X":
            continue
        first_x_seen.add(pid)
        ts = float(event.get("ts", 0.0))
        first_ts[pid] = min(first_ts.get(pid, ts), ts)
        raw_name = str(event.get("name", ""))
        if raw_name not in verdicts:
            verdicts[raw_name] = classify(raw_name, folder, library)
        classified = verdicts[raw_name]
        if classified is None:
            continue
        label, kind = classified
        by_lane.setdefault((pid, tid), []).append(
            _Event(label, kind, ts, ts + float(event.get("dur", 0.0)), str(event.get("name", ""))))
    if root_pid is None or root_pid not in first_ts:
        root_pid = min(first_ts, key=lambda p: first_ts[p]) if first_ts else 0
    kept: list[tuple[tuple[int, int], _Event]] = []
    for lane_key, lane_events in by_lane.items():
        roots = _nest(lane_events)
        if lane_key in task_lanes:
            roots = _merge_task_steps(roots)
        kept.extend((lane_key, e) for e in _flatten(roots, min_wait_s * 1e6))
    hidden = 0
    if len(kept) > max_spans:
        users = sorted((item for item in kept if not item[1].is_wait),
                       key=lambda item: item[1].end - item[1].start)
        drop = {id(item[1]) for item in users[: len(kept) - max_spans]}
        hidden = len(drop)
        kept = [item for item in kept if id(item[1]) not in drop]
    origin = min((e.start for _, e in kept), default=0.0)
    spans = []
    for (pid, tid), event in kept:
        lane, lane_kind = _lane_name(pid, tid, root_pid, process_names, thread_names, task_lanes)
        spans.append(Span(event.name, lane, (event.start - origin) / 1e6, (event.end - origin) / 1e6,
                          pid, tid, lane_kind, {"kind": event.kind, "source": event.source}))
    spans.sort(key=lambda s: (s.start_s, -s.end_s))
    metadata = document.get("viztracer_metadata") or {}
    names = {pid: name if pid != root_pid else f"{name} (your script)"
             for pid, name in process_names.items()}
    return TraceConversion(spans, names, len(events), hidden, bool(metadata.get("overflow")))


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


# -- running a script ---------------------------------------------------------

_BOOT = """\
import faulthandler, os, signal, sys
if sys.platform.startswith("linux") and os.environ.get("CONCLAB_PARENT_PID", "").isdigit():
    import ctypes  # die with conclab (PR_SET_PDEATHSIG), as the exercise bootstrap does
    ctypes.CDLL(None).prctl(1, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != int(os.environ["CONCLAB_PARENT_PID"]):
        os._exit(1)
if hasattr(signal, "SIGUSR1"):
    faulthandler.register(signal.SIGUSR1, all_threads=True)
from viztracer.main import main
main()
"""

#: Frames of the machinery around the learner's script, dropped from tracebacks and stacks.
_MACHINERY = ("/viztracer/", "<frozen runpy>", 'File "<string>"', "/conclab/timeline/")


def clean_traceback(text: str) -> str:
    """Drop VizTracer's and conclab's frames from a traceback: what is left is the script's."""
    lines = text.splitlines()
    out: list[str] = []
    skip_source = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("File ") and any(marker in stripped for marker in _MACHINERY):
            skip_source = True
            continue
        if skip_source and line.startswith("    ") and not stripped.startswith("File "):
            continue  # the source line (and caret line) of a dropped frame
        skip_source = False
        out.append(line)
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


@dataclass
class ScriptTrace:
    """What running a script under VizTracer produced."""

    script: Path
    args: tuple[str, ...]
    returncode: int | None
    timed_out: bool
    elapsed_s: float
    stdout: str
    stderr: str
    conversion: TraceConversion | None
    limit_s: float
    left_behind: list[int] = field(default_factory=list)

    @property
    def spans(self) -> list[Span]:
        return self.conversion.spans if self.conversion else []

    @property
    def crashed(self) -> bool:
        """The script ended with an error (an exception, ``sys.exit(1)``, a signal)."""
        return not self.timed_out and self.returncode not in (0, None)


def trace_script(script: str | os.PathLike[str], args: Sequence[str] = (), *, limit_s: float = 60.0,
                 min_wait_s: float = MIN_WAIT_S, on_output: Callable[[str], None] | None = None,
                 cwd: str | os.PathLike[str] | None = None) -> ScriptTrace:
    """Run ``python SCRIPT ARGS`` under VizTracer in a subprocess and convert its trace.

    ``on_output`` receives the script's standard output line by line as it
    comes. Raises :class:`ConclabError` for a script that is not a readable
    file or a limit that is not positive; a script that fails is *not* an
    error here (see :attr:`ScriptTrace.crashed`).
    """
    path = Path(script)
    if not path.exists():
        raise ConclabError(f"no such script {os.fspath(script)!r}; give the path of a Python file")
    if not path.is_file():
        raise ConclabError(f"{os.fspath(script)!r} is not a file; give the path of a Python file")
    if limit_s <= 0:
        raise ConclabError(f"time limit must be positive, got {limit_s}")
    path = path.resolve()
    workdir = tempfile.mkdtemp(prefix="conclab-trace-")
    out_json = os.path.join(workdir, "viztracer.json")
    env = dict(os.environ)
    env.setdefault("PYTHONIOENCODING", "utf-8")
    env["PYTHONUNBUFFERED"] = "1"
    command = [sys.executable, "-c", _BOOT, "--quiet", "--log_async", "-o", out_json,
               "--", str(path), *args]
    out: list[str] = []
    err: list[str] = []

    def on_stdout(at: float, text: str) -> None:
        out.append(text)
        if on_output is not None:
            on_output(text)

    tree = launch(command, cwd=cwd or path.parent, env=env, on_stdout=on_stdout,
                  on_stderr=lambda at, text: err.append(text))
    with tree:
        timed_out = tree.wait(limit_s) is None
        if timed_out:
            _stop_saving(tree)
    cleanup = tree.finish()
    start = tree.start
    elapsed = time.perf_counter() - start
    conversion = None
    try:
        with open(out_json, encoding="utf-8") as handle:
            document = json.load(handle)
        conversion = spans_from_trace(document, path.parent, tree.pid, min_wait_s)
    except (OSError, ValueError):
        conversion = None
    finally:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    return ScriptTrace(path, tuple(args), tree.returncode, timed_out, elapsed, "".join(out),
                       clean_traceback("".join(err)), conversion, limit_s, cleanup.left_behind)


def _stop_saving(tree: ProcessTree) -> None:
    """Stacks to stderr (faulthandler), then SIGTERM, which VizTracer answers by saving the trace."""
    usr1 = getattr(signal, "SIGUSR1", None)
    if usr1 is not None:
        tree.send(usr1)
        time.sleep(0.3)
    tree.send(signal.SIGTERM)
    if tree.wait(15.0) is None:
        tree.kill()


# -- drawing a script's trace -------------------------------------------------

MESSAGES = Messages({
    "title": {"en": "Timeline of {script}", "ja": "{script} のタイムライン"},
    "kept": {
        "en": "{spans} span(s) on {lanes} lane(s): your functions (files under {folder}), and sleeps, "
              "lock waits, joins and I/O waits of {ms:g} ms or more inside them.",
        "ja": "{lanes} レーンに {spans} 個のスパン: あなたの関数（{folder} 以下のファイル）と、"
              "その中での {ms:g} ミリ秒以上のスリープ・ロック待ち・join・I/O 待ち。",
    },
    "hidden": {
        "en": "{count} very short calls of your functions were left out to keep the picture readable.",
        "ja": "図を読みやすくするため、ごく短い関数呼び出し {count} 件を省きました。",
    },
    "overflow": {
        "en": "VizTracer's buffer filled up, so the earliest events are missing.",
        "ja": "VizTracer のバッファがいっぱいになったため、最初のほうのイベントが欠けています。",
    },
    "crashed": {
        "en": "{script} ended with exit status {code}; the traceback below is from your script.",
        "ja": "{script} は終了ステータス {code} で終わりました。次のトレースバックはあなたのスクリプトのものです。",
    },
    "timed-out": {
        "en": "{script} was still running after {limit:g} s and was stopped; where each thread was:",
        "ja": "{script} は {limit:g} 秒たっても終わらなかったので停止しました。各スレッドがいた場所:",
    },
    "command": {"en": "Command", "ja": "コマンド"},
})


def summary_lines(trace: ScriptTrace, lang: str, min_wait_s: float = MIN_WAIT_S) -> list[str]:
    """What the timeline shows and what it leaves out, in the learner's language."""
    from conclab.timeline._layout import Layout

    conversion = trace.conversion
    if conversion is None:
        return []
    lanes = len(Layout.from_spans(conversion.spans).lanes)
    lines = [MESSAGES.get("kept", lang, spans=len(conversion.spans), lanes=lanes,
                          folder=str(trace.script.parent), ms=min_wait_s * 1000)]
    if conversion.hidden_short_calls:
        lines.append(MESSAGES.get("hidden", lang, count=conversion.hidden_short_calls))
    if conversion.overflow:
        lines.append(MESSAGES.get("overflow", lang))
    return lines


def problem_line(trace: ScriptTrace, lang: str) -> str | None:
    """The sentence that introduces the script's own stderr when it failed or hung."""
    if trace.timed_out:
        return MESSAGES.get("timed-out", lang, script=trace.script.name, limit=trace.limit_s)
    if trace.crashed:
        return MESSAGES.get("crashed", lang, script=trace.script.name, code=trace.returncode)
    return None


class ScriptTracePage(Renderer):
    """A self-contained HTML page of a script's timeline (``conclab trace --html``)."""

    def __init__(self, trace: ScriptTrace, lang: str = "en", min_wait_s: float = MIN_WAIT_S) -> None:
        self.trace = trace
        self.lang = lang
        self.min_wait_s = min_wait_s

    def render_text(self) -> str:
        from conclab.timeline._html import HtmlTimeline, html_page

        trace, lang = self.trace, self.lang
        title = MESSAGES.get("title", lang, script=trace.script.name)
        command = " ".join(["python", trace.script.name, *trace.args])
        body = [f"<h1>{_esc(title)}</h1>",
                f'<p class="cl-meta">{_esc(MESSAGES.get("command", lang))}: <code>{_esc(command)}</code></p>']
        body.extend(f"<p>{_esc(line)}</p>" for line in summary_lines(trace, lang, self.min_wait_s))
        body.append(HtmlTimeline(trace.spans, title=None).figure())
        problem = problem_line(trace, lang)
        if problem:
            body.append(f'<section class="cl-problem"><p>{_esc(problem)}</p>'
                        f"<pre>{_esc(trace.stderr)}</pre></section>")
        return html_page(title, "\n".join(body), lang)


def _esc(value: object) -> str:
    import html

    return html.escape(str(value), quote=True)
