"""Run a learner's program in a subprocess: time limit, process-tree cleanup, stacks on a hang.

Learner code is run, never imported: it may hang, fork, spin or crash, and the
checker must still answer. :func:`run_program` starts it through
:mod:`conclab.exercises._bootstrap`, records every output line with the time it
arrived (so a check can tell "printed as results came" from "printed at the
end"), counts the CPU time of the whole process tree (so a check can tell real
parallelism from threads under the GIL), and on a hang asks every process of
the tree for its threads' stacks before killing the tree. Nothing of the
learner's program is left running when it returns.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import psutil

BOOTSTRAP = Path(__file__).with_name("_bootstrap.py")
_MAX_OUTPUT_CHARS = 2_000_000
_POLL_S = 0.01
_STACK_WAIT_S = 1.2  # a process on a busy machine may take a while to be scheduled
_NAMES_WAIT_S = 0.15


@dataclass(frozen=True)
class Frame:
    """One frame of a thread's stack: where it was, innermost first in :class:`ThreadStack`."""

    file: str
    line: int
    function: str


@dataclass(frozen=True)
class ThreadStack:
    """The frames of one thread of one process, most recent call first."""

    pid: int
    ident: str
    current: bool
    frames: tuple[Frame, ...]
    name: str = ""  # the thread's name (``consumer-2``) where the process could still tell it

    @property
    def is_main(self) -> bool:
        """The main thread is the one whose outermost frame is the bootstrap (or the script)."""
        return bool(self.frames) and self.frames[-1].file.endswith("_bootstrap.py")

    def innermost_in(self, script: str) -> Frame | None:
        """The deepest frame in the learner's file: the line of *their* code that was waiting."""
        for frame in self.frames:
            if os.path.abspath(frame.file) == script:
                return frame
        return None


@dataclass(frozen=True)
class SyntaxProblem:
    """A syntax error, located: the learner needs the file and the line, not a traceback."""

    file: str
    line: int
    column: int
    message: str
    text: str


@dataclass(frozen=True)
class Interrupt:
    """Send ``signal`` to the program (as Ctrl-C or ``kill`` would) while it runs.

    It is sent ``delay_s`` after the first stdout line containing ``after_line``
    (or after the start when ``after_line`` is None), so a check can wait
    until the program says it is ready. :attr:`ProgramRun.interrupted_at`
    records when it was sent.
    """

    signal: int
    after_line: str | None = None
    delay_s: float = 0.0


@dataclass
class ProgramRun:
    """What happened when the learner's program ran.

    ``lines`` holds ``(seconds since start, line)`` for every stdout line, in
    arrival order. ``cpu_s`` is user+system CPU time of the process and every
    descendant it waited for (``None`` where the platform cannot tell).
    ``children_seen`` is the number of distinct descendant processes sampled
    while it ran. ``runnable_mean`` (Linux) is the average number of its threads
    that were running or ready to run at once: unlike CPU time it does not
    drop when other programs compete for the cores. ``stacks`` is filled only when it was stopped for the time limit.
    """

    script: str
    args: tuple[str, ...]
    returncode: int | None = None
    stdout: str = ""
    stderr: str = ""
    lines: list[tuple[float, str]] = field(default_factory=list)
    elapsed_s: float = 0.0
    cpu_s: float | None = None
    children_seen: int = 0
    runnable_mean: float | None = None
    timed_out: bool = False
    limit_s: float = 0.0
    stacks: list[ThreadStack] = field(default_factory=list)
    pid: int | None = None  # of the learner's program itself: its stacks are "the process"
    syntax_error: SyntaxProblem | None = None
    left_behind: list[int] = field(default_factory=list)
    interrupted_at: float | None = None

    @property
    def ok(self) -> bool:
        """It ran to the end by itself and exited with status 0."""
        return self.syntax_error is None and not self.timed_out and self.returncode == 0

    @property
    def output_lines(self) -> list[str]:
        return [text for _, text in self.lines]

    @property
    def cpu_over_wall(self) -> float | None:
        """How many cores were busy on average: about 1 sequentially or with threads under the GIL."""
        if self.cpu_s is None or self.elapsed_s <= 0:
            return None
        return self.cpu_s / self.elapsed_s


def check_syntax(script: Path) -> SyntaxProblem | None:
    """Compile the learner's file here, in a millisecond, instead of starting an interpreter."""
    source = script.read_bytes()
    try:
        compile(source, str(script), "exec", dont_inherit=True)
    except SyntaxError as error:
        return SyntaxProblem(file=str(script), line=error.lineno or 0, column=error.offset or 0,
                             message=error.msg, text=(error.text or "").rstrip("\n"))
    except ValueError as error:  # e.g. null bytes in the source
        return SyntaxProblem(file=str(script), line=0, column=0, message=str(error), text="")
    return None


_THREAD_RE = re.compile(r"^(Current thread|Thread) (0x[0-9a-fA-F]+)")
_FRAME_RE = re.compile(r'^\s+File "(.*)", line (\d+) in (.*)$')


def parse_stacks(text: str, pid: int) -> list[ThreadStack]:
    """Read faulthandler's dump (``Thread 0x... (most recent call first):`` blocks)."""
    stacks: list[ThreadStack] = []
    ident = ""
    current = False
    frames: list[Frame] = []

    def flush() -> None:
        if ident:
            stacks.append(ThreadStack(pid, ident, current, tuple(frames)))

    for line in text.splitlines():
        head = _THREAD_RE.match(line)
        if head:
            flush()
            ident, current, frames = head.group(2), head.group(1).startswith("Current"), []
            continue
        frame = _FRAME_RE.match(line)
        if frame and ident:
            frames.append(Frame(frame.group(1), int(frame.group(2)), frame.group(3).strip()))
    flush()
    return stacks


def _tree(root: psutil.Process) -> list[psutil.Process]:
    """The process and its live descendants (zombies cannot dump stacks or be killed again)."""
    try:
        found = [root, *root.children(recursive=True)]
    except psutil.Error:
        return [root]
    live = []
    for process in found:
        with contextlib.suppress(psutil.Error):
            if process.status() != psutil.STATUS_ZOMBIE:
                live.append(process)
    return live or [root]


def _runnable_threads(tree: Sequence[psutil.Process]) -> int | None:
    """How many threads of the tree are running or runnable now (state R in /proc), or None off Linux."""
    if not os.path.isdir("/proc/self/task"):
        return None
    count = 0
    for process in tree:
        try:
            tasks = os.listdir(f"/proc/{process.pid}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{process.pid}/task/{task}/stat", "rb") as stat:
                    state = stat.read().rsplit(b")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if state == b"R":
                count += 1
    return count


def _kill_all(processes: Sequence[psutil.Process], group: int | None) -> None:
    for process in processes:
        with contextlib.suppress(psutil.Error):
            process.kill()
    if group is not None and hasattr(os, "killpg"):
        with contextlib.suppress(OSError):
            os.killpg(group, signal.SIGKILL)


def _reader(stream: object, start: float, sink: list[tuple[float, str]], raw: list[str]) -> None:
    size = 0
    for chunk in iter(stream.readline, b""):  # type: ignore[attr-defined]
        now = time.perf_counter() - start
        text = chunk.decode("utf-8", errors="replace")
        if size < _MAX_OUTPUT_CHARS:
            size += len(text)
            raw.append(text)
            sink.append((now, text.rstrip("\r\n")))


@dataclass
class Launched:
    """A learner's program started under the bootstrap, with two threads reading its output."""

    proc: subprocess.Popen[bytes]
    start: float
    readers: list[threading.Thread]
    out_raw: list[str]
    err_raw: list[str]
    err_lines: list[tuple[float, str]]


def launch(script: Path, args: Sequence[str], *, cwd: Path | None, env: Mapping[str, str] | None,
           stack_dir: str, run: ProgramRun, settings: Mapping[str, str] = {},  # noqa: B006 - read only
           defaults: Mapping[str, str] = {}) -> Launched:  # noqa: B006 - read only
    """Start ``script`` through the bootstrap in its own session, stdout lines timed into ``run``.

    One place for what every run of learner code needs: the stack folder the
    bootstrap dumps into on a hang, UTF-8 output, and a new session so the whole
    tree can be signalled. ``settings`` override the environment, ``defaults`` only fill it.
    """
    full_env = dict(os.environ)
    full_env.update(env or {})
    full_env["CONCLAB_STACK_DIR"] = stack_dir
    full_env.update(settings)
    full_env.setdefault("PYTHONIOENCODING", "utf-8")
    for key, value in defaults.items():
        full_env.setdefault(key, value)
    start = time.perf_counter()
    proc = subprocess.Popen(  # noqa: S603 - the learner's own file, by design
        [sys.executable, str(BOOTSTRAP), str(script), *args], cwd=str(cwd or script.parent),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full_env,
        start_new_session=os.name == "posix")
    out_raw: list[str] = []
    err_raw: list[str] = []
    err_lines: list[tuple[float, str]] = []
    readers = [threading.Thread(target=_reader, args=(proc.stdout, start, run.lines, out_raw), daemon=True),
               threading.Thread(target=_reader, args=(proc.stderr, start, err_lines, err_raw), daemon=True)]
    for reader in readers:
        reader.start()
    return Launched(proc, start, readers, out_raw, err_raw, err_lines)


def run_program(script: Path, args: Sequence[str] = (), *, limit_s: float, cwd: Path | None = None,
                env: Mapping[str, str] | None = None, interrupt: Interrupt | None = None) -> ProgramRun:
    """Run ``python SCRIPT ARGS`` with a time limit; see the module docstring for what is recorded."""
    script = script.resolve()
    run = ProgramRun(script=str(script), args=tuple(args), limit_s=limit_s)
    run.syntax_error = check_syntax(script)
    if run.syntax_error is not None:
        return run
    stack_dir = tempfile.mkdtemp(prefix="conclab-stacks-")
    posix = os.name == "posix"
    launched = launch(script, args, cwd=cwd, env=env, stack_dir=stack_dir, run=run,
                      settings={"CONCLAB_TIMED_DUMP_S": str(max(0.1, limit_s - 0.3))})
    proc, start, readers = launched.proc, launched.start, launched.readers
    out_raw, err_raw = launched.out_raw, launched.err_raw
    run.pid = proc.pid
    root = psutil.Process(proc.pid)
    seen: set[int] = set()
    cpu_by_pid: dict[int, float] = {}
    group = proc.pid if posix else None
    next_sample = 0.0
    runnable_samples: list[int] = []
    deadline = start + limit_s
    try:
        while True:
            status = _try_wait(proc)
            now = time.perf_counter()
            if status is not None:
                run.returncode, rusage_cpu = status
                run.elapsed_s = now - start
                run.cpu_s = rusage_cpu if rusage_cpu is not None else sum(cpu_by_pid.values())
                break
            if interrupt is not None and run.interrupted_at is None:
                _maybe_interrupt(proc, run, interrupt, now - start)
            if now >= next_sample:
                next_sample = now + 0.03
                tree = _tree(root)
                runnable = _runnable_threads(tree)
                if runnable is not None:
                    runnable_samples.append(runnable)
                for process in tree[1:]:
                    seen.add(process.pid)
                    if not hasattr(os, "wait4"):
                        with contextlib.suppress(psutil.Error):
                            times = process.cpu_times()
                            cpu_by_pid[process.pid] = times.user + times.system
            if now >= deadline:
                run.timed_out = True
                run.elapsed_s = now - start
                run.stacks = _collect_stacks(_tree(root), stack_dir)
                tree = _tree(root)
                _kill_all(tree, group)
                run.returncode = _reap(proc)
                psutil.wait_procs(tree[1:], timeout=1.0)
                break
            time.sleep(_POLL_S)
    finally:
        if proc.returncode is None:  # interrupted (Ctrl-C in watch): leave nothing behind
            _kill_all(_tree(root), group)
            _reap(proc)
        # Orphans of the learner's program (a worker its parent never joined) share its group.
        leftovers = _group_members(group, seen)
        run.left_behind = [p.pid for p in leftovers]
        _kill_all(leftovers, group)
        psutil.wait_procs(leftovers, timeout=1.0)
        for reader in readers:
            reader.join(timeout=1.0)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
        shutil.rmtree(stack_dir, ignore_errors=True)
    run.children_seen = len(seen)
    if runnable_samples:
        run.runnable_mean = sum(runnable_samples) / len(runnable_samples)
    run.stdout = "".join(out_raw)
    run.stderr = "".join(err_raw)
    return run


def _maybe_interrupt(proc: subprocess.Popen[bytes], run: ProgramRun, interrupt: Interrupt,
                     elapsed: float) -> None:
    """Send the interrupt once its moment has come: ``delay_s`` after the awaited line (or the start)."""
    if interrupt.after_line is None:
        due: float | None = interrupt.delay_s
    else:
        due = next((at + interrupt.delay_s for at, text in list(run.lines) if interrupt.after_line in text), None)
    if due is not None and elapsed >= due:
        with contextlib.suppress(OSError):
            proc.send_signal(interrupt.signal)
        run.interrupted_at = elapsed


def _try_wait(proc: subprocess.Popen[bytes]) -> tuple[int, float | None] | None:
    """Reap the child if it has ended, with its rusage: CPU of it and the descendants it waited for."""
    if hasattr(os, "wait4"):
        try:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        except ChildProcessError:
            return (proc.returncode if proc.returncode is not None else -1), None
        if pid == 0:
            return None
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code
        return code, usage.ru_utime + usage.ru_stime
    polled = proc.poll()
    return None if polled is None else (polled, None)


def _reap(proc: subprocess.Popen[bytes]) -> int | None:
    if hasattr(os, "wait4"):
        with contextlib.suppress(ChildProcessError):
            _, status, _ = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        return proc.returncode
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=2.0)
    return proc.returncode


def _group_members(group: int | None, seen: set[int]) -> list[psutil.Process]:
    """Processes still alive that belonged to the run: its process group, or pids seen as descendants."""
    alive: list[psutil.Process] = []
    for pid in seen:
        with contextlib.suppress(psutil.Error):
            process = psutil.Process(pid)
            if process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
    if group is not None and hasattr(os, "killpg"):
        try:
            os.killpg(group, 0)  # cheap test: is anyone left in the group?
        except OSError:
            return alive
        for process in psutil.process_iter(["pid"]):
            if process.pid in seen:
                continue
            with contextlib.suppress(psutil.Error, OSError):
                if os.getpgid(process.pid) == group and process.status() != psutil.STATUS_ZOMBIE:
                    alive.append(process)
    return alive


def _collect_stacks(tree: list[psutil.Process], stack_dir: str) -> list[ThreadStack]:
    """Ask every process of the tree for its stacks, wait briefly for the files, read them."""
    usr1 = getattr(signal, "SIGUSR1", None)
    if usr1 is not None:
        for process in tree:
            with contextlib.suppress(psutil.Error):
                process.send_signal(usr1)
    pids = [p.pid for p in tree]
    waited_until = time.perf_counter() + _STACK_WAIT_S
    while time.perf_counter() < waited_until:
        if all(_file_ready(stack_dir, pid) for pid in pids):
            break
        time.sleep(0.02)
    time.sleep(0.02)  # let the last writer finish its last frame line
    # Thread names come a moment later, from Python code in each main thread (see _bootstrap).
    names_until = time.perf_counter() + _NAMES_WAIT_S
    while time.perf_counter() < names_until and not all(
            (Path(stack_dir) / f"names-{pid}.txt").exists() for pid in pids):
        time.sleep(0.01)
    stacks: list[ThreadStack] = []
    for pid in pids:
        path = Path(stack_dir) / f"stacks-{pid}.txt"
        names = _read_names(Path(stack_dir) / f"names-{pid}.txt")
        with contextlib.suppress(OSError):
            stacks.extend(_named(stack, names) for stack in
                          parse_stacks(path.read_text(encoding="utf-8", errors="replace"), pid))
    return stacks


def _read_names(path: Path) -> dict[int, str]:
    """``{thread id: name}`` from a names file; empty when the process could not write one."""
    names: dict[int, str] = {}
    with contextlib.suppress(OSError):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            ident, _, name = line.partition(" ")
            if ident.isdigit() and name:
                names[int(ident)] = name
    return names


def _named(stack: ThreadStack, names: Mapping[int, str]) -> ThreadStack:
    try:
        name = names.get(int(stack.ident, 16), "")
    except ValueError:
        name = ""
    return replace(stack, name=name) if name else stack


def _file_ready(stack_dir: str, pid: int) -> bool:
    try:
        return (Path(stack_dir) / f"stacks-{pid}.txt").stat().st_size > 0
    except OSError:
        return False
