"""Single keys from a terminal, without Enter: the one place conclab changes the terminal's mode.

Watch mode and the scheduler game both take single keys. On a TTY the terminal
is put in cbreak mode (no echo, no line buffering, Ctrl-C still interrupts) and
always put back: on exit, on an exception and on Ctrl-C. Anywhere else (a pipe,
a file, Windows) keys come a line at a time and the terminal is left alone.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def cbreak(stream: Any) -> Iterator[bool]:
    """Put ``stream``'s terminal in cbreak mode for the block; yields whether it did."""
    try:
        fd = stream.fileno()
        is_tty = os.isatty(fd)
    except (AttributeError, OSError, ValueError):
        is_tty = False
    try:
        import termios
        import tty
    except ImportError:  # Windows: keys are read a line at a time
        is_tty = False
    if not is_tty:
        yield False
        return
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield True
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
