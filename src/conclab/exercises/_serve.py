"""Start a learner's server in a subprocess, use it, and stop it with everything it started.

Some exercises are servers: the checker starts the learner's program with a
free loopback port as its argument, waits until the port accepts connections,
sends it real requests, then stops the whole process tree. As with
:func:`run_program`, nothing is left running, and when the server stops
answering the checker can ask every thread where it is waiting.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from conclab._process import ProcessTree
from conclab.exercises._runner import ProgramRun, ThreadStack, launch_learner
from conclab.exercises._source import LearnerSource, compile_learner_file


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
        self._tree: ProcessTree | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stacks(self) -> list[ThreadStack]:
        """Where each thread of the server is now (for a server that stopped answering)."""
        if self._tree is None or self._tree.poll() is not None:
            return []
        self.run.stacks = self._tree.stacks()
        return self.run.stacks


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def serve_program(script: Path, args: Sequence[str] = (), *, port: int, ready_s: float = 5.0,
                  cwd: Path | None = None, env: Mapping[str, str] | None = None,
                  source: LearnerSource | None = None) -> Iterator[ServedProgram]:
    """Run ``python SCRIPT ARGS`` until the block ends; wait up to ``ready_s`` for ``port`` to listen.

    Yields even when the program never listened (``ready`` False: it crashed,
    has a syntax error, or is still starting; the record says which).
    ``source`` is the file already compiled by the check.
    """
    script = script.resolve()
    run = ProgramRun(script=str(script), args=tuple(args), limit_s=ready_s)
    served = ServedProgram(run, port)
    run.syntax_error = (source or compile_learner_file(script)).problem
    if run.syntax_error is not None:
        served.exited = True
        yield served
        return
    launched = launch_learner(script, args, cwd=cwd, env=env, run=run, defaults={"PYTHONUNBUFFERED": "1"})
    tree = served._tree = launched.tree
    try:
        deadline = tree.start + ready_s
        while time.perf_counter() < deadline:
            if tree.poll() is not None:
                served.exited = True
                break
            if _listening(port):
                served.ready = True
                break
            time.sleep(0.01)
        yield served
    finally:
        served.exited = served.exited or tree.poll() is not None
        try:
            tree.kill()
            run.elapsed_s = time.perf_counter() - tree.start
        finally:
            run.left_behind = tree.finish().left_behind
            run.returncode = tree.returncode
            launched.out.finish()
            launched.err.finish()
            run.stdout = launched.out.text
            run.stderr = launched.err.text
