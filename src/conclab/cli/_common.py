"""Small pieces every command shares: the language option, consoles, JSON output."""

from __future__ import annotations

import json
import math
import sys
from typing import Any

import click

from conclab.i18n import LANGS, choose_lang

LANG_CHOICE = click.Choice(LANGS, case_sensitive=False)


class Seconds(click.ParamType):
    """A time in seconds: a finite number above ``minimum`` (``nan``, ``inf`` and ``-1`` are refused).

    click's ``FloatRange`` lets ``nan`` through (every comparison with it is
    false), and a limit of ``nan`` or ``inf`` is no limit at all.
    """

    name = "seconds"

    def __init__(self, minimum: float = 0.0, *, minimum_allowed: bool = False) -> None:
        self.minimum = minimum
        self.minimum_allowed = minimum_allowed

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds; give one like 2 or 0.5", param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number of seconds; give one like 2 or 0.5", param, ctx)
        if number < self.minimum or (number == self.minimum and not self.minimum_allowed):
            bound = "at least" if self.minimum_allowed else "more than"
            self.fail(f"{value!r} is too small: give {bound} {self.minimum:g} seconds", param, ctx)
        return number


def lang_option(function: Any) -> Any:
    """Add ``--lang ja|en`` to a command (it overrides the group's ``--lang``)."""
    return click.option("--lang", "lang", type=LANG_CHOICE, default=None,
                        help="Language: ja or en (default: CONCLAB_LANG, then conclab config lang, then the locale).")(function)


def resolve_lang(lang: str | None) -> str:
    """The command's ``--lang``, else the group's, else the environment and locale."""
    if lang:
        return choose_lang(lang)
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if isinstance(ctx.obj, dict) and ctx.obj.get("lang"):
            return choose_lang(ctx.obj["lang"])
        ctx = ctx.parent
    return choose_lang(None)


def make_console(width: int | None = None, stderr: bool = False) -> Any:
    """A rich console on stdout (or stderr) that wraps through :mod:`conclab.text`.

    Tests get plain text at a fixed width via ``COLUMNS``.
    """
    from conclab.text import make_console as text_console

    return text_console(width, stderr=stderr)


class Activity:
    """A live status line on stderr for work that takes a while: a spinner, what runs, the time so far.

    Shown only on a terminal and only once the work has taken ``delay_s``;
    transient, so nothing is left in the scroll-back or in piped output.
    ``step(text)`` changes what it says (the lab's current measurement).
    """

    def __init__(self, message: str, *, delay_s: float = 0.5, enabled: bool = True,
                 clock: Any = None) -> None:
        import time

        self.message = message
        self.detail = ""
        self.delay_s = delay_s
        self.clock = clock or time.perf_counter
        self.console = make_console(stderr=True)
        self.enabled = enabled and self.console.is_terminal
        self._live: Any = None
        self._timer: Any = None
        self._start = 0.0

    def __rich__(self) -> Any:
        from rich.spinner import Spinner
        from rich.text import Text

        line = Text(self.message)
        if self.detail:
            line.append(f": {self.detail}", style="cyan")
        line.append(f"  {self.clock() - self._start:.1f} s", style="dim")
        return Spinner("dots", text=line, style="cyan")

    def step(self, detail: str) -> None:
        self.detail = detail

    def _show(self) -> None:
        from rich.live import Live

        self._live = Live(self, console=self.console, transient=True, refresh_per_second=8)
        self._live.start()

    def __enter__(self) -> Activity:
        import threading

        self._start = self.clock()
        if self.enabled:
            self._timer = threading.Timer(self.delay_s, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer.join()
        if self._live is not None:
            self._live.stop()


def print_json(data: Any) -> None:
    """Print one JSON object on stdout (UTF-8, not ASCII-escaped, so Japanese stays readable)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def print_error(message: str) -> None:
    """One line on stderr: ``conclab: error: ...``."""
    message = " ".join(str(message).split())
    sys.stderr.write(f"conclab: error: {message}\n")
    sys.stderr.flush()
