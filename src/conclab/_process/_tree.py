"""Start a child, watch its whole process tree, and leave nothing of it running.

A learner's program (or a traced script) may fork, start detached daemons,
hang, spin or exit early while its children go on. Whoever runs it needs the
same few guarantees, so they live here once:

* every process the child starts is found, even one that left the tree:
  processes are recorded while the child runs, each carries a run token in its
  environment, and on Linux conclab is a *child subreaper* while a run is on,
  so orphans reparent to it instead of to init;
* the child dies with conclab: the bootstrap sets ``PR_SET_PDEATHSIG`` from
  ``CONCLAB_PARENT_PID`` (a ``SIGKILL``\\ed checker cannot clean up after itself);
* reading the output never waits for a process that is not the child
  (see :mod:`conclab._process._output`);
* :meth:`ProcessTree.finish` kills whatever is left and reports it, and what
  survived even that.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import psutil

from conclab._process._kill import kill_all, kill_and_wait
from conclab._process._output import LineReader, LineSink
from conclab._process._stacks import ThreadStack, collect_stacks, make_stack_dir

RUN_TOKEN = "CONCLAB_RUN"
PARENT_PID = "CONCLAB_PARENT_PID"
STACK_DIR = "CONCLAB_STACK_DIR"
_POSIX = os.name == "posix"
_LINUX = sys.platform.startswith("linux")
_PR_SET_CHILD_SUBREAPER = 36
_subreaper = False
_running = 0
_subreaper_lock = threading.Lock()
_runs = itertools.count(1)


def _prctl_subreaper(on: bool) -> bool:
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0) == 0 and on)
    return False


def subreaper(running: bool) -> bool:
    """Count a run in or out; this process is a child subreaper (Linux) while any run is on.

    Orphaned descendants then reparent to conclab instead of init, so none can
    hide. Only while runs are on: a subreaper must reap what it adopts, and the
    labs (in-process code with children of their own) should not inherit that.
    Whether orphans are adopted now.
    """
    global _subreaper, _running
    if not _LINUX:
        return False
    with _subreaper_lock:
        _running = max(0, _running + (1 if running else -1))
        if _running == 1 and running:
            _subreaper = _prctl_subreaper(True)
        elif _running == 0 and _subreaper:
            _subreaper = _prctl_subreaper(False)
        return _subreaper


@dataclass(frozen=True)
class Cleanup:
    """What :meth:`ProcessTree.finish` found: processes the child left running, and survivors.

    ``left_behind`` were still alive after the child itself ended (or was
    killed) and were killed then. ``survivors`` outlived even that (a process
    in uninterruptible sleep, or of another user): they are reported, not hidden.
    """

    left_behind: list[int]
    survivors: list[int]


class ProcessTree:
    """A started child and everything it starts, until :meth:`finish`; use it as a context manager."""

    def __init__(self, popen: subprocess.Popen[bytes], start: float, token: str,
                 stack_dir: str | None, readers: list[LineReader]) -> None:
        self.popen = popen
        self.start = start
        self.token = token
        self.stack_dir = stack_dir
        self.readers = readers
        self.returncode: int | None = None
        self.ended_at: float | None = None  # seconds after the start when the child ended
        self.cpu_s: float | None = None  # of the child and the descendants it waited for (wait4)
        self.seen: set[int] = set()  # descendants ever sampled, wherever they live now
        self._foreign: set[int] = set()
        self._cleanup: Cleanup | None = None
        self._finished = False
        try:
            self._born = psutil.Process(popen.pid).create_time()
        except psutil.Error:
            self._born = time.time() - (time.perf_counter() - start)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def __enter__(self) -> ProcessTree:
        return self

    def __exit__(self, *exc: object) -> None:
        self.finish()

    def poll(self) -> int | None:
        """The child's exit status once it ended (reaped with its rusage where wait4 exists)."""
        return self._wait_child(block=False)

    def _wait_child(self, block: bool) -> int | None:
        if self.returncode is not None:
            return self.returncode
        if hasattr(os, "wait4"):
            try:
                pid, status, usage = os.wait4(self.pid, 0 if block else os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere (Popen's own wait)
                pid, status, usage = self.pid, None, None
            if pid == 0:
                return None
            code = os.waitstatus_to_exitcode(status) if status is not None else (
                self.popen.returncode if self.popen.returncode is not None else -1)
            self.popen.returncode = code
            self.cpu_s = usage.ru_utime + usage.ru_stime if usage is not None else None
        else:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=2.0 if block else 0)
            code = self.popen.returncode
            if code is None:
                return None
        self.returncode = code
        self.ended_at = time.perf_counter() - self.start
        return code

    def wait(self, timeout_s: float) -> int | None:
        """Wait up to ``timeout_s`` for the child to end, recording its descendants meanwhile.

        Its status, or None if it still runs.
        """
        deadline = time.perf_counter() + timeout_s
        next_sample = 0.0
        while self.poll() is None:
            now = time.perf_counter()
            if now >= deadline:
                break
            if now >= next_sample:
                next_sample = now + 0.05
                self.members()
            time.sleep(0.01)
        return self.returncode

    def send(self, signum: int) -> None:
        """Signal the child itself (as Ctrl-C or ``kill PID`` would), not its descendants."""
        if self.returncode is None:
            with contextlib.suppress(OSError):
                self.popen.send_signal(signum)

    def members(self) -> list[psutil.Process]:
        """The live processes of the run now: the child, its descendants, and adopted orphans of it."""
        ppids: dict[int, int] = {}
        for process in psutil.process_iter(["ppid"]):
            ppids[process.pid] = process.info["ppid"] or 0
        found = [] if self.returncode is not None else [self.pid]
        found += _descendants(ppids, self.pid)
        if _subreaper:
            for pid in _descendants(ppids, os.getpid()):
                if pid != self.pid and pid not in found and self._is_ours(pid):
                    found.append(pid)
        self.seen.update(pid for pid in found if pid != self.pid)
        return _live(found)

    def _is_ours(self, pid: int) -> bool:
        """Does ``pid`` carry this run's token? Asked once per pid: the answer cannot change."""
        if pid in self.seen:
            return True
        if pid in self._foreign:
            return False
        if _has_token(pid, self.token):
            return True
        self._foreign.add(pid)
        return False

    def stacks(self) -> list[ThreadStack]:
        """Where every thread of every process of the run is now (needs ``stack_dir``)."""
        if self.stack_dir is None:
            return []
        return collect_stacks(self.members(), self.stack_dir)

    def kill(self) -> None:
        """Kill the child and every process of the run at once, then reap the child."""
        processes = self.members()
        kill_all(processes, self._group())
        self._wait_child(block=True)
        psutil.wait_procs([p for p in processes if p.pid != self.pid], timeout=1.0)

    def _group(self) -> int | None:
        return self.pid if _POSIX else None

    def strays(self) -> list[psutil.Process]:
        """Live processes of the run other than the child: recorded, in its group, or with its token."""
        found: dict[int, psutil.Process] = {}
        for pid in self.seen:
            with contextlib.suppress(psutil.Error):
                found[pid] = psutil.Process(pid)
        group = self._group()
        for process in psutil.process_iter(["create_time"]):
            if process.pid in found or process.pid in (os.getpid(), self.pid):
                continue
            if (process.info["create_time"] or 0) < self._born - 1:
                continue
            with contextlib.suppress(psutil.Error, OSError):
                if (group is not None and os.getpgid(process.pid) == group) or \
                        _has_token(process.pid, self.token):
                    found[process.pid] = process
        self.seen.update(found)
        return _live(list(found.values()))

    def finish(self, grace_s: float = 0.2) -> Cleanup:
        """Kill what is left of the run, stop reading, remove the stack folder; idempotent.

        Reading stops ``grace_s`` after the kill even if a process that was not
        found still holds the pipe: the check must not wait for it.
        """
        if self._finished:
            return self._cleanup or Cleanup([], [])
        self._finished = True
        try:
            if self.poll() is None:
                self.kill()
            stray = self.strays()
            kill_and_wait(stray, self._group(), timeout_s=1.0)
            survivors = self.strays()
            _reap_adopted(self.seen)
            self._cleanup = Cleanup([p.pid for p in stray], [p.pid for p in survivors])
        finally:
            for reader in self.readers:
                reader.stop(grace_s)
            if self.stack_dir is not None:
                import shutil

                shutil.rmtree(self.stack_dir, ignore_errors=True)
            subreaper(False)
        return self._cleanup or Cleanup([], [])


def launch(argv: Sequence[str], *, cwd: str | os.PathLike[str], env: Mapping[str, str] | None = None,
           on_stdout: LineSink | None = None, on_stderr: LineSink | None = None,
           stdin: int | IO[Any] | None = subprocess.DEVNULL, stacks: bool = False) -> ProcessTree:
    """Start ``argv`` in its own session (so its tree can be signalled) with output read as lines.

    ``env`` is the whole environment (default: this process's); the run token,
    this process's pid (for ``PR_SET_PDEATHSIG``) and, with ``stacks``, a fresh
    stack folder are added. Output lines go to the sinks with their arrival time.
    """
    full_env = dict(os.environ if env is None else env)
    token = f"{os.getpid()}-{next(_runs)}-{os.urandom(4).hex()}"
    full_env[RUN_TOKEN] = token
    full_env[PARENT_PID] = str(os.getpid())
    stack_dir = make_stack_dir() if stacks else None
    if stack_dir is not None:
        full_env[STACK_DIR] = stack_dir
    subreaper(True)
    start = time.perf_counter()
    try:
        popen = subprocess.Popen(  # noqa: S603 - the learner's own program, by design
            list(argv), cwd=str(cwd), stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=full_env, start_new_session=_POSIX)
    except BaseException:
        subreaper(False)
        if stack_dir is not None:
            import shutil

            shutil.rmtree(stack_dir, ignore_errors=True)
        raise
    assert popen.stdout is not None and popen.stderr is not None
    readers = [LineReader(popen.stdout, start, on_stdout or _discard, "conclab-stdout"),
               LineReader(popen.stderr, start, on_stderr or _discard, "conclab-stderr")]
    return ProcessTree(popen, start, token, stack_dir, readers)


def _discard(at: float, text: str) -> None:
    pass


def _descendants(ppids: Mapping[int, int], root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, ppid in ppids.items():
        children.setdefault(ppid, []).append(pid)
    found: list[int] = []
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop()
        if pid != root and pid not in found:
            found.append(pid)
            todo.extend(children.get(pid, []))
    return found


def _live(pids: Iterable[int | psutil.Process]) -> list[psutil.Process]:
    """Those still running (a zombie can neither dump its stacks nor be killed again)."""
    live: list[psutil.Process] = []
    for item in pids:
        with contextlib.suppress(psutil.Error):
            process = item if isinstance(item, psutil.Process) else psutil.Process(item)
            if process.status() != psutil.STATUS_ZOMBIE:
                live.append(process)
    return live


def _has_token(pid: int, token: str) -> bool:
    """Whether the process's environment (as it started) carries ``token``; False if unreadable."""
    if _LINUX:  # reading the file is cheaper than building the whole environ dict
        try:
            return f"{RUN_TOKEN}={token}\0".encode() in Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            return False
    try:
        return psutil.Process(pid).environ().get(RUN_TOKEN) == token
    except (psutil.Error, OSError):
        return False


def _reap_adopted(pids: Iterable[int]) -> None:
    """Collect the exit status of orphans that reparented to us (subreaper), so no zombie stays."""
    if not hasattr(os, "waitpid"):
        return
    for pid in list(pids):
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, os.WNOHANG)
