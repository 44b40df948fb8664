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
                        help="Language: ja or en (default: CONCLAB_LANG, then the locale).")(function)


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


def make_console(width: int | None = None) -> Any:
    """A rich console on stdout; tests get plain text at a fixed width via COLUMNS."""
    from rich.console import Console

    from conclab._cjk import enable_cjk_wrapping

    enable_cjk_wrapping()
    return Console(width=width, highlight=False, soft_wrap=False)


def print_json(data: Any) -> None:
    """Print one JSON object on stdout (UTF-8, not ASCII-escaped, so Japanese stays readable)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def print_error(message: str) -> None:
    """One line on stderr: ``conclab: error: ...``."""
    message = " ".join(str(message).split())
    sys.stderr.write(f"conclab: error: {message}\n")
    sys.stderr.flush()
