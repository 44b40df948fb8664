"""Read a child's output line by line, and stop reading without waiting for strangers.

A pipe reaches end-of-file only when *every* process holding its write end has
closed it. A learner's program may hand its stdout to a detached grandchild
(``Popen([...], start_new_session=True)``) and exit: a reader blocked in
``readline()`` then waits for that grandchild, and closing the file object from
another thread waits too (it needs the lock the blocked reader holds). So on
POSIX the reader waits in ``select`` with a short timeout and can be told to
stop: the owner stops it once the learner's process has ended and a short grace
has passed, and only then closes the pipe. Where ``select`` cannot wait on a
pipe (Windows), the reader blocks as before and is left to die with its
(daemon) thread; the pipe is then not closed, rather than closed under it.
"""

from __future__ import annotations

import os
import re
import select
import sys
import threading
import time
from collections.abc import Callable
from typing import IO

#: ``(seconds since the start, the line as text, newline included)``
LineSink = Callable[[float, str], None]

_CAN_SELECT = sys.platform != "win32"
_SELECT_S = 0.05
_DRAIN_S = 0.2  # what is already in the pipe when told to stop is still read, this long
#: A "line" longer than this (output without newlines) is handed on in pieces of this size:
#: the reader's memory is bounded whatever the child writes. A piece ends without a newline.
MAX_PIECE_BYTES = 65536
#: Control characters other than tab and newline: escape sequences, bells, C1 codes.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with its control characters shown escaped (``\\x1b[2J``), so it cannot drive a terminal.

    A child's output is shown inside conclab's own messages: an escape
    sequence in it would clear the screen, move the cursor or retitle the
    window instead of being read. Tabs and newlines stay; a carriage return
    is escaped too (it would overwrite the line shown before it).
    """
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


class LineReader:
    """One thread that reads one pipe and gives each line, timed, to ``sink``."""

    def __init__(self, stream: IO[bytes], start: float, sink: LineSink, name: str) -> None:
        self._stream = stream
        self._start = start
        self._sink = sink
        self._stop = threading.Event()
        self._drain_until = 0.0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _emit(self, chunk: bytes) -> None:
        self._sink(time.perf_counter() - self._start, chunk.decode("utf-8", errors="replace"))

    def _run(self) -> None:
        if not _CAN_SELECT:
            for chunk in iter(self._stream.readline, b""):
                self._emit(chunk)
            return
        fd = self._stream.fileno()
        pending = b""
        while True:
            stopping = self._stop.is_set()
            ready, _, _ = select.select([fd], [], [], 0 if stopping else _SELECT_S)
            if not ready or (stopping and time.perf_counter() > self._drain_until):
                if stopping:
                    break  # told to stop: nothing more now, or a stranger keeps writing
                continue
            data = os.read(fd, 65536)
            if not data:
                break
            pending += data
            *lines, pending = pending.split(b"\n")
            for line in lines:
                self._emit(line + b"\n")
            while len(pending) >= MAX_PIECE_BYTES:  # no newline: never hold more than a piece
                self._emit(pending[:MAX_PIECE_BYTES])
                pending = pending[MAX_PIECE_BYTES:]
        if pending:
            self._emit(pending)

    def stop(self, grace_s: float) -> bool:
        """Wait up to ``grace_s`` for end-of-file, then stop reading; True if the pipe was closed.

        Bounded whatever still holds the pipe: what was readable is read first.
        """
        self._thread.join(grace_s)
        if self._thread.is_alive():
            self._drain_until = time.perf_counter() + _DRAIN_S
            self._stop.set()
            self._thread.join(1.0)
        if self._thread.is_alive():
            return False  # blocked in a read we cannot interrupt (no select): leave the pipe open
        self._stream.close()
        return True
