"""Start a learner's server in a subprocess, use it, and stop it with everything it started.

Some exercises are servers: the checker starts the learner's program with a
free loopback port as its argument, waits until the port accepts connections,
sends it real requests, then stops the whole process tree. As with
:func:`run_program`, nothing is left running, and when the server stops
answering the checker can ask every thread where it is waiting.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import psutil

from conclab.exercises._runner import (
    ProgramRun,
    ThreadStack,
    _collect_stacks,
    _kill_all,
    _reap,
    _tree,
    check_syntax,
    launch,
)


def free_port() -> int:
    """A loopback port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServedProgram:
    """A learner's server while it runs: its port, whether it listened, and its record.

    ``ready`` is True once the port accepted a connection. ``run`` is filled as
    the program goes (output lines) and completed when it is stopped (exit
    status, stderr, elapsed time); ``exited`` says the program ended by itself.
    """

    def __init__(self, run: ProgramRun, port: int) -> None:
        self.run = run
        self.port = port
        self.ready = False
        self.exited = False
        self._process: psutil.Process | None = None
        self._stack_dir = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stacks(self) -> list[ThreadStack]:
        """Where each thread of the server is now (for a server that stopped answering)."""
        if self._process is None or not self._process.is_running():
            return []
        self.run.stacks = _collect_stacks(_tree(self._process), self._stack_dir)
        return self.run.stacks


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def serve_program(script: Path, args: Sequence[str] = (), *, port: int, ready_s: float = 5.0,
                  cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Iterator[ServedProgram]:
    """Run ``python SCRIPT ARGS`` until the block ends; wait up to ``ready_s`` for ``port`` to listen.

    Yields even when the program never listened (``ready`` False: it crashed,
    has a syntax error, or is still starting; the record says which).
    """
    script = script.resolve()
    run = ProgramRun(script=str(script), args=tuple(args), limit_s=ready_s)
    served = ServedProgram(run, port)
    run.syntax_error = check_syntax(script)
    if run.syntax_error is not None:
        served.exited = True
        yield served
        return
    stack_dir = tempfile.mkdtemp(prefix="conclab-stacks-")
    served._stack_dir = stack_dir
    posix = os.name == "posix"
    launched = launch(script, args, cwd=cwd, env=env, stack_dir=stack_dir, run=run,
                      defaults={"PYTHONUNBUFFERED": "1"})
    proc, start, readers = launched.proc, launched.start, launched.readers
    out_raw, err_raw = launched.out_raw, launched.err_raw
    root = psutil.Process(proc.pid)
    served._process = root
    group = proc.pid if posix else None
    try:
        deadline = start + ready_s
        while time.perf_counter() < deadline:
            if proc.poll() is not None:
                served.exited = True
                break
            if _listening(port):
                served.ready = True
                break
            time.sleep(0.01)
        yield served
    finally:
        served.exited = served.exited or proc.poll() is not None
        tree = _tree(root)
        _kill_all(tree, group)
        run.returncode = _reap(proc) if not served.exited else proc.poll()
        psutil.wait_procs(tree[1:], timeout=1.0)
        run.elapsed_s = time.perf_counter() - start
        for reader in readers:
            reader.join(timeout=1.0)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
        shutil.rmtree(stack_dir, ignore_errors=True)
        run.stdout = "".join(out_raw)
        run.stderr = "".join(err_raw)
