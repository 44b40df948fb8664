"""Single keys from a terminal without Enter, and the loop that feeds them to a screen.

On a TTY the terminal is put in cbreak mode (no echo, no line buffering, but
Ctrl-C still interrupts) and always put back, on exit, on an exception and on
Ctrl-C. Tests pass keys as a list: the loop never sleeps or polls.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

from rich.console import Console

from conclab._keys import cbreak
from conclab.play._screen import Screen


def terminal_keys(stream: TextIO) -> Iterator[str]:
    """Keys from ``stream``: one character at a time on a TTY, else the non-blank characters of each line."""
    if stream.isatty():
        fd = stream.fileno()
        while True:
            data = os.read(fd, 1)
            if not data:
                return
            yield data.decode("utf-8", "replace")
    else:
        for line in stream:
            yield from (char for char in line.strip() if not char.isspace())


def play(screen: Screen, keys: Iterable[str], console: Console, *, clear: bool = True,
         after: Callable[[Screen], Any] | None = None) -> str | None:
    """Draw ``screen``, then apply each key and draw again; QUIT, NEXT or None when keys run out."""
    def draw() -> None:
        if clear:
            console.clear()
        console.print(screen.render())

    draw()
    for key in keys:
        outcome = screen.press(key)
        if after is not None:
            after(screen)
        if outcome is not None:
            return outcome
        draw()
    return None


def stdin_keys() -> tuple[contextlib.AbstractContextManager[bool], Iterator[str]]:
    """The terminal's keys and the context that puts the terminal in cbreak mode while they are read."""
    return cbreak(sys.stdin), terminal_keys(sys.stdin)
