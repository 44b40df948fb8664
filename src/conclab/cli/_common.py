"""Small pieces every command shares: the language option, consoles, JSON output."""

from __future__ import annotations

import json
import math
import sys
from typing import Any

import click

from conclab._interrupt import use_lang
from conclab.i18n import LANGS, Messages, choose_lang

LANG_CHOICE = click.Choice(LANGS, case_sensitive=False)


SECONDS_MESSAGES = Messages({
    "nan": {"en": "{value!r} is not a number of seconds; give one like 2 or 0.5",
            "ja": "{value!r} は秒数ではありません。2 や 0.5 のように指定してください"},
    "inf": {"en": "{value!r} is not a finite number of seconds; give one like 2 or 0.5",
            "ja": "{value!r} は有限の秒数ではありません。2 や 0.5 のように指定してください"},
    "small-at-least": {"en": "{value!r} is too small: give at least {minimum:g} seconds",
                       "ja": "{value!r} は小さすぎます。{minimum:g} 秒以上を指定してください"},
    "small-more-than": {"en": "{value!r} is too small: give more than {minimum:g} seconds",
                        "ja": "{value!r} は小さすぎます。{minimum:g} 秒より大きい値を指定してください"},
})


class Seconds(click.ParamType):
    """A time in seconds: a finite number above ``minimum`` (``nan``, ``inf`` and ``-1`` are refused).

    click's ``FloatRange`` lets ``nan`` through (every comparison with it is
    false), and a limit of ``nan`` or ``inf`` is no limit at all. The refusal
    is in the learner's language (``--lang`` given before it, or the environment).
    """

    name = "seconds"

    def __init__(self, minimum: float = 0.0, *, minimum_allowed: bool = False) -> None:
        self.minimum = minimum
        self.minimum_allowed = minimum_allowed

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        lang = context_lang(ctx)
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(SECONDS_MESSAGES.get("nan", lang, value=value), param, ctx)
        if not math.isfinite(number):
            self.fail(SECONDS_MESSAGES.get("inf", lang, value=value), param, ctx)
        if number < self.minimum or (number == self.minimum and not self.minimum_allowed):
            key = "small-at-least" if self.minimum_allowed else "small-more-than"
            self.fail(SECONDS_MESSAGES.get(key, lang, value=value, minimum=self.minimum), param, ctx)
        return number


def lang_option(function: Any) -> Any:
    """Add ``--lang ja|en`` to a command (it overrides the group's ``--lang``).

    Eager, so ``conclab run --lang ja --help`` shows the help in Japanese: an
    eager option given before ``--help`` is read before the help is printed.
    Its help text is the shared one in :mod:`conclab.cli._help`.
    """
    return click.option("--lang", "lang", type=LANG_CHOICE, default=None, is_eager=True)(function)


#: Where the command line notes the language a command chose, so an error
#: raised later (the command's context gone) is printed in the same language.
LANG_KEY = "conclab.lang"


def context_lang(ctx: click.Context | None) -> str:
    """The language for ``ctx``: the nearest ``--lang`` given, then the environment (see :func:`choose_lang`).

    Reads the parameters parsed so far, so it works while click is still
    parsing (for ``--help`` and for usage errors), not only inside a command;
    then the language a running command chose (:func:`remember_lang`).
    """
    meta = ctx.meta if ctx is not None else {}
    while ctx is not None:
        given = ctx.params.get("lang") if ctx.params else None
        if isinstance(given, str) and given:
            return choose_lang(given)
        if isinstance(ctx.obj, dict) and ctx.obj.get("lang"):
            return choose_lang(ctx.obj["lang"])
        ctx = ctx.parent
    return str(meta.get(LANG_KEY) or choose_lang(None))


def remember_lang(lang: str) -> str:
    """Note ``lang`` as the current command's language (for its errors); return it."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta[LANG_KEY] = lang
    use_lang(lang)  # Ctrl-C's line, which the watchdog may print outside any context
    return lang


def resolve_lang(lang: str | None) -> str:
    """The command's ``--lang``, else the group's, else the environment and locale."""
    if lang:
        return remember_lang(choose_lang(lang))
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if isinstance(ctx.obj, dict) and ctx.obj.get("lang"):
            return remember_lang(choose_lang(ctx.obj["lang"]))
        ctx = ctx.parent
    return remember_lang(choose_lang(None))


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


ERROR_PREFIX = {"en": "conclab: error: ", "ja": "conclab: エラー: "}


def print_error(message: str, lang: str = "en") -> None:
    """One line on stderr: ``conclab: error: ...``（``conclab: エラー: ...`` in Japanese）."""
    message = " ".join(str(message).split())
    sys.stderr.write(f"{ERROR_PREFIX.get(lang, ERROR_PREFIX['en'])}{message}\n")
    sys.stderr.flush()
