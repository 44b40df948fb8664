"""Small pieces every command shares: the language option, consoles, JSON output."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from conclab.i18n import LANGS, choose_lang

LANG_CHOICE = click.Choice(LANGS, case_sensitive=False)


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
