"""Watch mode's screen and keys: one screen redrawn on each event, single keys without Enter.

The screen (rich, redrawn after clearing, no scroll-back pile-up) shows the
exercise and its place ("3/15"), a progress bar of passed exercises, the last
verdict with the time it was checked, hints on ``h``, and the keys. Keys come
from a :class:`KeySource`: the terminal in cbreak mode (restored on exit and
on Ctrl-C), or whole lines when standard input is not a terminal. rich's
console, not Textual: the screen is one column of text that must also render
to a string for golden tests, and rich is already the renderer everywhere.

:class:`WatchApp` is driven by calls (``on_event``, ``key``), so a test feeds
it events and keys one by one, with an injected clock, and reads the screen.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from conclab._keys import cbreak
from conclab.cli._exercise_screens import MESSAGES, hints_view, verdict_view
from conclab.i18n import pick
from conclab.text import inline


class WatchApp:
    """The state of watch mode and how it looks; ``draw`` sends it to the console."""

    def __init__(self, watcher: Any, workspace: Any, lang: str, console: Any, *,
                 clock: Callable[[], datetime] = datetime.now, clear: bool = True,
                 line_keys: bool = False, fit: bool = False) -> None:
        self.watcher = watcher
        self.workspace = workspace
        self.lang = lang
        self.console = console
        self.clock = clock
        self.clear = clear
        self.line_keys = line_keys
        self.verdict: Any = None
        self.checked_at: datetime | None = None
        self.checking = False
        self.hints_shown = 0
        self.show_keys = False
        self.show_list = False
        self.full = False
        self.fit = fit  # cut the verdict to the console's height (on a terminal)
        self.finished = False
        self._lock = threading.RLock()

    # -- events from the watcher and keys from the learner ---------------------
    def on_event(self, event: Any) -> None:
        with self._lock:
            if event.kind == "watching":
                self.verdict, self.checked_at, self.show_list = None, None, False
                self.hints_shown = self._hints_seen(event.exercise)
            elif event.kind == "checking":
                self.checking = True
            elif event.kind == "verdict":
                self.checking = False
                self.verdict, self.checked_at = event.verdict, self.clock()
            elif event.kind == "done":
                self.finished = True
            elif event.kind == "stopped":
                return
            self.draw()

    def key(self, key: str) -> bool:
        """Act on one key; False once the learner has quit."""
        key = key.lower()
        if key in ("q", "\x04"):
            self.watcher.command("q")
            return False
        with self._lock:
            if key == "h":
                self._more_hint()
            elif key == "?":
                self.show_keys = not self.show_keys
            elif key == "l":
                self.show_list = not self.show_list
            elif key == "v":
                self.full = not self.full
            elif key in ("n", "r", "\r", "\n", ""):
                self.watcher.command("n" if key == "n" else "r")
                return True
            else:
                return True
            self.draw()
        return True

    def _hints_seen(self, exercise: Any) -> int:
        return self.workspace.progress.load().of(exercise.id).hints_shown if exercise else 0

    def _more_hint(self) -> None:
        exercise = self.watcher.current
        if exercise is None:
            return
        total = len(exercise.hints)

        def bump(data: Any) -> None:
            entry = data.of(exercise.id)
            entry.hints_shown = min(total, max(entry.hints_shown, self.hints_shown) + 1)

        self.hints_shown = self.workspace.progress.update(bump).of(exercise.id).hints_shown

    # -- the screen ------------------------------------------------------------
    def screen(self) -> Any:
        """The whole screen as one renderable."""
        from rich.console import Group
        from rich.progress_bar import ProgressBar
        from rich.rule import Rule
        from rich.table import Table
        from rich.text import Text

        msg, lang = MESSAGES.get, self.lang
        exercise = self.watcher.current
        if self.finished or exercise is None:
            return Text(msg("all-done", lang), style="bold green")
        place, total, passed = self.watcher.position()
        parts: list[Any] = [Text(msg("w-title", lang, place=place, total=total, exercise=exercise.id),
                                 style="bold")]
        bar = Table.grid(padding=(0, 1), expand=True)
        bar.add_column(ratio=1)
        bar.add_column(no_wrap=True)
        bar.add_row(ProgressBar(total=total, completed=passed, complete_style="green",
                                finished_style="green"),
                    Text(msg("w-passed", lang, passed=passed, total=total), style="green"))
        parts += [bar, Text(pick(exercise.title, lang), style="bold cyan"),
                  inline(msg("w-file", lang, file=exercise.file_name)),
                  Text(msg("w-keys", lang), style="dim")]
        if self.show_keys:
            parts.append(inline(msg("w-keys-long", lang)))
        if self.line_keys:
            parts.append(Text(msg("w-keys-lines", lang), style="dim"))
        parts.append(Rule(style="dim"))
        if self.show_list:
            parts += self._list()
        if self.checking:
            parts.append(Text(msg("w-checking", lang, file=exercise.file_name), style="yellow"))
        elif self.verdict is not None:
            stamp = self.checked_at.strftime("%H:%M:%S") if self.checked_at else ""
            parts += [self._after(), Text(msg("w-stamp", lang, time=stamp), style="dim")]
            if self.hints_shown:  # the newest hint only: the screen has room for one
                parts += [Text("")] + hints_view(exercise, self.hints_shown, lang, first=self.hints_shown)
            parts.append(self._fit(verdict_view(self.verdict, exercise, lang), Group(*parts)))
        return Group(*parts)

    def _fit(self, verdict: Any, above: Any) -> Any:
        """The verdict, cut to the rows the terminal has left (``v`` shows it all)."""
        from rich.console import Group
        from rich.segment import Segment, Segments
        from rich.text import Text

        options = self.console.options
        lines = self.console.render_lines(verdict, options, pad=False)
        if self.full or not self.fit:
            room = len(lines)
        else:
            used = len(self.console.render_lines(above, options, pad=False))
            room = max(3, self.console.height - used - 2)
        if len(lines) <= room:
            shown, more = lines, 0
        else:
            shown, more = lines[:room - 1], len(lines) - (room - 1)
        segments: list[Segment] = []
        for line in shown:
            segments.extend(line)
            segments.append(Segment.line())
        parts: list[Any] = [Segments(segments)]
        if more:
            parts.append(Text(MESSAGES.get("w-more", self.lang, count=more), style="dim"))
        return Group(*parts)

    def _after(self) -> Any:
        from rich.text import Text

        msg, lang, exercise = MESSAGES.get, self.lang, self.watcher.current
        if not self.verdict.passed:
            return Text(msg("w-after-fail", lang, shown=self.hints_shown, total=len(exercise.hints)))
        following = self.watcher.following()
        if following is None:
            return Text(msg("w-all-passed", lang), style="bold green")
        return Text(msg("w-after-pass", lang, next=following.id), style="bold green")

    def _list(self) -> list[Any]:
        from rich.table import Table
        from rich.text import Text

        passed = set(self.workspace.progress.load().passed_ids())
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column()
        for exercise in self.watcher.catalogue:
            mark = Text("✓", style="green") if exercise.id in passed else Text("·", style="dim")
            here = exercise == self.watcher.current
            grid.add_row(mark, Text(exercise.id, style="bold" if here else ""),
                         Text(pick(exercise.title, self.lang), style="dim"))
        return [Text(MESSAGES.get("w-list-title", self.lang), style="bold"), grid, Text("")]

    def draw(self) -> None:
        with self._lock:
            if self.clear:
                self.console.clear()
            else:
                from rich.rule import Rule

                self.console.print(Rule(style="dim"))
            self.console.print(self.screen())


class KeySource:
    """Keys, one at a time: ``next_key()`` blocks and returns ``None`` at end of input."""

    def next_key(self) -> str | None:  # pragma: no cover - interface
        raise NotImplementedError

    def __iter__(self) -> Iterator[str]:
        while (key := self.next_key()) is not None:
            yield key


class TerminalKeys(KeySource):
    """Single keys from a terminal in cbreak mode (no Enter; Ctrl-C still interrupts)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def next_key(self) -> str | None:
        try:
            data = os.read(self.fd, 8)
        except OSError:
            return None
        if not data:
            return None
        return data[:1].decode("ascii", "replace") if data[:1] != b"\x1b" else "\x1b"


class LineKeys(KeySource):
    """Keys from lines (stdin is a pipe or a file): the first character of each line, Enter alone = r."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def next_key(self) -> str | None:
        line = self.stream.readline()
        if not line:
            return None
        return line.strip()[:1] or "r"


@contextlib.contextmanager
def key_source(stream: Any = None) -> Iterator[tuple[KeySource, bool]]:
    """The terminal in cbreak mode (restored however the block ends), or line input; yields (source, raw)."""
    stream = stream or sys.stdin
    with cbreak(stream) as raw:
        yield (TerminalKeys(stream.fileno()), True) if raw else (LineKeys(stream), False)


def run_watch(app: WatchApp, keys: KeySource, stop: threading.Event) -> None:
    """Feed keys to ``app`` on a background thread while the watcher loop runs here."""

    def read() -> None:
        for key in keys:
            if not app.key(key):
                return
        app.watcher.command("q")

    threading.Thread(target=read, daemon=True, name="conclab-watch-keys").start()
    app.watcher.run(stop)
