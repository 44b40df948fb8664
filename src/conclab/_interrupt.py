"""Ctrl-C always ends conclab, and never leaves a child process behind.

A ``KeyboardInterrupt`` alone is not enough when what runs is a lesson's
multiprocessing example: Ctrl-C in a terminal reaches every process of the
group, a pool worker can die holding the pool's queue lock, and the parent's
``Pool.terminate()`` then waits for that lock for ever. So the first SIGINT
raises ``KeyboardInterrupt`` as usual (``finally`` blocks run, the lab runner
reaps its children) and starts a watchdog: if conclab has not finished a
couple of seconds later, the watchdog kills every descendant process and
exits with 130. Killing the children first would be quicker to write and
slower to run: it is what makes the pool's clean-up hang.

Ctrl-C in a terminal reaches every process of the group, so a lab's forked
pool worker would print its own ``KeyboardInterrupt`` traceback; while the
guard is on, processes forked from conclab ignore SIGINT: conclab alone
answers it, ends them, and prints one line.

SIGTERM and SIGHUP (``kill``, a closed terminal) end conclab the same way,
with exit status 128 + the signal: the ``finally`` blocks that kill a
learner's process tree and remove its ``/tmp/conclab-stacks-*`` folder run
first. (SIGKILL cannot be caught: there the learner's program dies by itself,
see ``PR_SET_PDEATHSIG`` in :mod:`conclab.exercises._bootstrap`.)
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

GRACE_S = 2.0


_guarding = 0
_fork_hook_set = False


def _quiet_child() -> None:
    """In a child forked while the guard is on: leave Ctrl-C to conclab (no worker tracebacks)."""
    if _guarding:
        with contextlib.suppress(ValueError, OSError):
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def _watch_forks() -> None:
    global _fork_hook_set
    if not _fork_hook_set and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_quiet_child)
        _fork_hook_set = True


class Terminated(SystemExit):
    """conclab itself was told to end (SIGTERM, SIGHUP): not a ``sys.exit`` of code it runs."""


_ENDING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def _last_resort(grace_s: float, finished: threading.Event, code: int = 130) -> None:
    if finished.wait(grace_s):
        return  # the interrupt came out of the command in time: nothing hangs
    from conclab._process import kill_descendants  # psutil only when needed: startup time

    kill_descendants()
    say_interrupted()
    os._exit(code)


_said = threading.Lock()


#: The line an interrupt prints, in the language the running command chose (:func:`use_lang`).
INTERRUPTED = {"en": "conclab: error: interrupted", "ja": "conclab: エラー: 中断しました"}
_lang = "en"


def use_lang(lang: str) -> None:
    """Say the interrupt in ``lang``: the watchdog may print it after the command has lost its context."""
    global _lang
    _lang = lang if lang in INTERRUPTED else "en"


def say_interrupted() -> None:
    """The one line an interrupt prints, once, whether the command or the watchdog gets there first."""
    if _said.acquire(blocking=False):
        sys.stderr.write(INTERRUPTED[_lang] + "\n")
        sys.stderr.flush()


def _no_survivors() -> None:
    """After an interrupt, once the command's own clean-up has run, kill what is still alive.

    A process started while that clean-up ran (a pool refilling its workers as it shuts
    down) would otherwise outlive the command and hold its output pipes open.
    """
    from conclab._process import kill_descendants, spare_helpers  # psutil only when needed

    kill_descendants(keep=spare_helpers)  # the resource tracker serves this process to its exit


@contextlib.contextmanager
def interrupt_guard(grace_s: float = GRACE_S) -> Iterator[None]:
    """While the block runs, SIGINT interrupts and arms the watchdog; SIGTERM and SIGHUP exit.

    Only in the main thread, and only for signals nobody else has taken over
    (a test harness or a program embedding conclab keeps its own handler; a
    shell's background job ignores SIGINT but must still end cleanly on SIGTERM).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    finished = threading.Event()
    received: list[int] = []

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C interrupts at once
        threading.Thread(target=_last_resort, args=(grace_s, finished), name="conclab-interrupt",
                         daemon=True).start()
        raise KeyboardInterrupt

    def on_end(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        for ending in taken:
            signal.signal(ending, signal.SIG_DFL)  # a second one ends conclab at once
        threading.Thread(target=_last_resort, args=(grace_s, finished, 128 + signum),
                         name="conclab-terminate", daemon=True).start()
        raise Terminated(128 + signum)

    global _guarding, _said
    _said = threading.Lock()  # each command may say it once
    quieted = signal.getsignal(signal.SIGINT) is signal.default_int_handler
    if quieted:
        signal.signal(signal.SIGINT, on_interrupt)
        _watch_forks()
        _guarding += 1
    taken = [ending for ending in _ENDING if signal.getsignal(ending) is signal.SIG_DFL]
    for ending in taken:
        signal.signal(ending, on_end)
    try:
        yield
    finally:
        finished.set()
        if received:
            _no_survivors()
        if quieted:
            _guarding -= 1
        if signal.getsignal(signal.SIGINT) is on_interrupt:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        for ending in taken:
            if signal.getsignal(ending) is on_end:
                signal.signal(ending, signal.SIG_DFL)
    # Python drops an exception raised where it cannot propagate (an at-fork hook such as
    # logging's, a __del__, a weakref callback): the signal arrived, the exception did not
    # come out. The command still ends as the signal asked.
    if received and received[0] == signal.SIGINT:
        raise KeyboardInterrupt
    if received:
        raise Terminated(128 + received[0])
