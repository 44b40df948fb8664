"""Stacks of every thread of every process of a tree, read from faulthandler's files.

The child side is :mod:`conclab.exercises._bootstrap`: on ``SIGUSR1`` each
process writes ``stacks-<pid>.txt`` (from C, so it works while every thread
is stuck) and then ``names-<pid>.txt`` (thread names, from Python) into the
folder named by ``CONCLAB_STACK_DIR``. The folders live in the temporary
directory as ``conclab-stacks-<owner pid>-*``: the owner's pid lets a later
run remove the folders of a conclab that was killed before it could clean up.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import psutil

STACK_PREFIX = "conclab-stacks-"
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


def make_stack_dir() -> str:
    """A fresh folder for the dumps, after removing the folders of conclabs that died."""
    sweep_stale_stack_dirs()
    return tempfile.mkdtemp(prefix=f"{STACK_PREFIX}{os.getpid()}-")


def sweep_stale_stack_dirs() -> list[str]:
    """Remove stack folders whose owner is gone: a SIGKILLed conclab cannot remove its own."""
    removed: list[str] = []
    root = Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for entry in root.glob(STACK_PREFIX + "*"):
            owner = entry.name[len(STACK_PREFIX):].split("-", 1)[0]
            if owner.isdigit() and int(owner) != os.getpid() and not psutil.pid_exists(int(owner)):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(str(entry))
    return removed


def collect_stacks(tree: Sequence[psutil.Process], stack_dir: str) -> list[ThreadStack]:
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
