"""Run a learner's program in a subprocess: time limit, process-tree cleanup, stacks on a hang.

Learner code is run, never imported: it may hang, fork, spin or crash, and the
checker must still answer. :func:`run_program` starts it through
:mod:`conclab.exercises._bootstrap`, records every output line with the time it
arrived (so a check can tell "printed as results came" from "printed at the
end"), counts the CPU time of the whole process tree (so a check can tell real
parallelism from threads under the GIL), and on a hang asks every process of
the tree for its threads' stacks before killing the tree. Nothing of the
learner's program is left running when it returns: starting, watching and
killing the tree is :mod:`conclab._process`'s job.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from conclab._process import Frame, ProcessTree, ThreadStack, launch, parse_stacks, printable
from conclab.exercises._source import LearnerSource, SyntaxProblem, compile_learner_file

__all__ = ["Frame", "Interrupt", "Launched", "ProgramRun", "SyntaxProblem", "ThreadStack",
           "launch_learner", "parse_stacks", "run_program"]

BOOTSTRAP = Path(__file__).with_name("_bootstrap.py")
#: What is kept of a program's output: in all, and per line (the rest is read and dropped).
MAX_OUTPUT_CHARS = 2_000_000
MAX_LINE_CHARS = 4_000
_POLL_S = 0.01
_SAMPLE_S = 0.03


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


class _Capture:
    """A line sink that keeps the text and, optionally, timed lines, up to a size; never more.

    The text is kept escaped (:func:`printable`): it is shown in conclab's own
    messages. A timed line longer than :data:`MAX_LINE_CHARS` (output without
    newlines arrives in pieces) is cut, ending in ``[...]`` (the text keeps it
    whole); past :data:`MAX_OUTPUT_CHARS` in all nothing more is kept: :attr:`cut`
    says so, and :meth:`finish` adds a line saying it.
    """

    def __init__(self, lines: list[tuple[float, str]]) -> None:
        self.lines = lines
        self.raw: list[str] = []
        self.cut = False
        self._size = 0
        self._open = False  # the last piece had no newline: the next one continues its line

    def __call__(self, at: float, text: str) -> None:
        continued, self._open = self._open, not text.endswith("\n")
        if self._size >= MAX_OUTPUT_CHARS:
            self.cut = True
            return
        piece = printable(text.rstrip("\r\n"))[:MAX_OUTPUT_CHARS - self._size]
        self.cut = self.cut or self._size + len(piece) >= MAX_OUTPUT_CHARS
        self._size += len(piece)
        self.raw.append(piece if self._open else piece + "\n")
        if continued and self.lines:
            started, line = self.lines[-1]
            if len(line) <= MAX_LINE_CHARS:
                self.lines[-1] = (started, _cut_line(line + piece))
            return
        self.lines.append((at, _cut_line(piece)))

    def finish(self) -> None:
        """Say, as the last line, that output was cut (once)."""
        if self.cut:
            note = f"[conclab: output cut: only the first {MAX_OUTPUT_CHARS:,} characters are kept]"
            self.lines.append((self.lines[-1][0] if self.lines else 0.0, note))
            self.raw.append(("\n" if self._open else "") + note + "\n")
            self.cut = False

    @property
    def text(self) -> str:
        return "".join(self.raw)


def _cut_line(line: str) -> str:
    return line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS] + " [...]"


@dataclass
class Launched:
    """A learner's program started under the bootstrap, its output being captured."""

    tree: ProcessTree
    out: _Capture
    err: _Capture


def launch_learner(script: Path, args: Sequence[str], *, cwd: Path | None, env: Mapping[str, str] | None,
                   run: ProgramRun, settings: Mapping[str, str] = {},  # noqa: B006 - read only
                   defaults: Mapping[str, str] = {}) -> Launched:  # noqa: B006 - read only
    """Start ``script`` through the bootstrap, stdout lines timed into ``run.lines``.

    One place for what every run of learner code needs: the stack folder the
    bootstrap dumps into on a hang, UTF-8 output, and a tree conclab can find
    and kill. ``settings`` override the environment, ``defaults`` only fill it.
    """
    full_env = dict(os.environ)
    full_env.update(env or {})
    full_env.update(settings)
    full_env.setdefault("PYTHONIOENCODING", "utf-8")
    for key, value in defaults.items():
        full_env.setdefault(key, value)
    out, err = _Capture(run.lines), _Capture([])
    tree = launch([sys.executable, str(BOOTSTRAP), str(script), *args], cwd=cwd or script.parent,
                  env=full_env, on_stdout=out, on_stderr=err, stacks=True)
    run.pid = tree.pid
    return Launched(tree, out, err)


def run_program(script: Path, args: Sequence[str] = (), *, limit_s: float, cwd: Path | None = None,
                env: Mapping[str, str] | None = None, interrupt: Interrupt | None = None,
                source: LearnerSource | None = None) -> ProgramRun:
    """Run ``python SCRIPT ARGS`` with a time limit; see the module docstring for what is recorded.

    ``source`` is the file already compiled by the check (so a check compiles it once).
    """
    script = script.resolve()
    run = ProgramRun(script=str(script), args=tuple(args), limit_s=limit_s)
    run.syntax_error = (source or compile_learner_file(script)).problem
    if run.syntax_error is not None:
        return run
    launched = launch_learner(script, args, cwd=cwd, env=env, run=run,
                              settings={"CONCLAB_TIMED_DUMP_S": str(max(0.1, limit_s - 0.3))})
    with launched.tree as tree:
        _watch(tree, run, interrupt)
    run.left_behind = tree.finish().left_behind
    launched.out.finish()
    launched.err.finish()
    run.stdout = launched.out.text
    run.stderr = launched.err.text
    return run


def _watch(tree: ProcessTree, run: ProgramRun, interrupt: Interrupt | None) -> None:
    """Poll until the program ends or its time is up, sampling its tree as it runs."""
    cpu_by_pid: dict[int, float] = {}
    runnable_samples: list[int] = []
    next_sample = 0.0
    deadline = tree.start + run.limit_s
    while True:
        status = tree.poll()
        now = time.perf_counter()
        if status is not None:
            run.returncode = status
            run.elapsed_s = tree.ended_at if tree.ended_at is not None else now - tree.start
            run.cpu_s = tree.cpu_s if tree.cpu_s is not None else sum(cpu_by_pid.values())
            break
        if interrupt is not None and run.interrupted_at is None:
            _maybe_interrupt(tree, run, interrupt, now - tree.start)
        if now >= next_sample:
            next_sample = now + _SAMPLE_S
            members = tree.members()
            runnable = _runnable_threads(members)
            if runnable is not None:
                runnable_samples.append(runnable)
            if not hasattr(os, "wait4"):
                for process in members:
                    with contextlib.suppress(psutil.Error):
                        times = process.cpu_times()
                        cpu_by_pid[process.pid] = times.user + times.system
        if now >= deadline:
            run.timed_out = True
            run.elapsed_s = now - tree.start
            run.stacks = tree.stacks()
            tree.kill()
            run.returncode = tree.returncode
            break
        time.sleep(_POLL_S)
    run.children_seen = len(tree.seen)
    if runnable_samples:
        run.runnable_mean = sum(runnable_samples) / len(runnable_samples)


def _maybe_interrupt(tree: ProcessTree, run: ProgramRun, interrupt: Interrupt, elapsed: float) -> None:
    """Send the interrupt once its moment has come: ``delay_s`` after the awaited line (or the start)."""
    if interrupt.after_line is None:
        due: float | None = interrupt.delay_s
    else:
        due = next((at + interrupt.delay_s for at, text in list(run.lines) if interrupt.after_line in text), None)
    if due is not None and elapsed >= due:
        tree.send(interrupt.signal)
        run.interrupted_at = elapsed
