"""``--help`` in the learner's language: click commands whose texts come from a bilingual table.

Each command keeps its help in a :class:`~conclab.i18n.Messages` table next to
it: ``"help"`` (the description), ``"short"`` (its line in the command list,
given in full so it is never cut with "...") and one entry per option, keyed
by the option's long name (``"--json"``). :class:`LocalizedCommand` and
:class:`LocalizedGroup` read the English texts into click's own fields, so
English help is click's, unchanged; in Japanese they format the help
themselves at format time (the language is known only then: ``--lang`` before
the command, ``CONCLAB_LANG``, the saved choice, the locale), with click's own
words ("Usage:", "Options:", "[default: ...]") in Japanese and the text wrapped
by :mod:`conclab.text`, which breaks Japanese at phrase boundaries and counts a
Japanese character as two terminal cells. Nothing in click is patched.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Iterable
from typing import Any

import click
from rich.cells import cell_len

from conclab.cli._common import context_lang
from conclab.i18n import Messages

#: click's own words, and the help of the options every command shares.
WORDS = Messages({
    "usage": {"en": "Usage: ", "ja": "使い方: "},
    "options": {"en": "Options", "ja": "オプション"},
    "commands": {"en": "Commands", "ja": "コマンド"},
    "arguments": {"en": "Positional arguments", "ja": "引数"},
    "default": {"en": "default: {value}", "ja": "既定値: {value}"},
    "required": {"en": "required", "ja": "必須"},
    "env": {"en": "env var: {value}", "ja": "環境変数: {value}"},
    "version": {"en": "{prog}, version {version}", "ja": "{prog} バージョン {version}"},
})

SHARED = Messages({
    "--help": {"en": "Show this message and exit.", "ja": "このヘルプを表示して終了します。"},
    "--version": {"en": "Show the version and exit.", "ja": "バージョンを表示して終了します。"},
    "--lang": {"en": "Language: ja or en (default: CONCLAB_LANG, then conclab config lang, then the locale).",
               "ja": "表示する言語: ja か en（既定は CONCLAB_LANG、次に conclab config lang、"
                     "次にロケールの設定）。"},
    "--dir": {"en": "The exercises workspace (default: found from the current folder).",
              "ja": "演習のワークスペース（既定: 今のフォルダーとその上から探します）。"},
})


def option_key(param: click.Parameter) -> str:
    """The key of an option in a help table: its first long name (``--json``), else its first name."""
    names = [*param.opts, *param.secondary_opts]
    return next((name for name in names if name.startswith("--")), names[0] if names else str(param.name))


def help_texts(texts: Messages | None, param: click.Parameter) -> dict[str, str] | None:
    """The ``{"en": ..., "ja": ...}`` help of an option: the command's table, then the shared one."""
    key = option_key(param)
    for table in (texts, SHARED):
        if table is not None and key in table.table:
            return dict(table.table[key])
    return None


#: What Japanese wrapping must not cut: a command with its words (``conclab config lang``), an
#: HTTP request (``POST /stats/reset``) and click's short brackets (``[既定値: 10]``).
_UNBROKEN = re.compile(r"conclab(?: (?:[a-z][a-z-]*|[A-Z]+|--?[a-z][a-z-]*))+|(?:GET|POST) /\S+|\[[^\]\n]{1,24}\]")


def _paragraphs(text: str) -> list[str]:
    return [part.strip("\n") for part in text.split("\n\n") if part.strip()]


class JapaneseHelpFormatter(click.HelpFormatter):
    """click's formatter with widths in terminal cells and Japanese wrapped by :func:`conclab.text.wrap`.

    click measures text in characters and wraps at spaces, so a Japanese line
    (two cells a character, few spaces) would overflow or be cut mid-word.
    """

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        prefix = WORDS.get("usage", "ja") if prefix is None else prefix
        usage_prefix = f"{prefix:>{self.current_indent}}{prog} "
        if not args:
            self.write(usage_prefix.rstrip(" ") + "\n")
            return
        room = max(self.width - self.current_indent - cell_len(usage_prefix), 20)
        lines = textwrap.wrap(args, room, break_long_words=False, break_on_hyphens=False) or [""]
        indent = " " * cell_len(usage_prefix)
        self.write(usage_prefix + lines[0] + "\n")
        for line in lines[1:]:
            self.write(indent + line + "\n")

    def _wrapped(self, text: str, width: int) -> list[str]:
        from conclab.text import break_offsets

        lines: list[str] = []
        for number, paragraph in enumerate(_paragraphs(text)):
            if number:
                lines.append("")
            if paragraph.startswith("\b"):
                lines.extend(paragraph[1:].strip("\n").splitlines())
                continue
            paragraph = " ".join(paragraph.split("\n"))
            keep = [match.span() for match in _UNBROKEN.finditer(paragraph)]
            start = 0
            for offset in [*break_offsets(paragraph, width, protected=keep), len(paragraph)]:
                lines.append(paragraph[start:offset].strip())
                start = offset
        return lines

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for line in self._wrapped(text, max(self.width - self.current_indent, 11)):
            self.write(f"{indent}{line}\n" if line else "\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        widths = [cell_len(first) for first, _ in rows]
        first_col = min(max(widths, default=0), col_max) + col_spacing
        hanging = " " * (first_col + self.current_indent)
        for (first, second), width in zip(rows, widths, strict=True):
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if width <= first_col - col_spacing:
                self.write(" " * (first_col - width))
            else:
                self.write("\n" + hanging)
            lines = self._wrapped(second, max(self.width - first_col - 2, 10)) or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{hanging}{line}\n" if line else "\n")


class _Localized:
    """What :class:`LocalizedCommand` and :class:`LocalizedGroup` share: texts by language, Japanese formatting."""

    texts: Messages | None
    params: list[click.Parameter]
    help: str | None
    short_help: str | None

    def _take_texts(self, texts: Messages | None) -> None:
        self.texts = texts
        if texts is None:
            return
        if "help" in texts.table:
            self.help = texts.get("help", "en")
        if "short" in texts.table:
            self.short_help = texts.get("short", "en")
        for param in self.params:
            entry = help_texts(texts, param)
            if isinstance(param, click.Option) and entry is not None:
                param.help = entry["en"]

    def localized_help(self, lang: str) -> str:
        """The description in ``lang`` (the English one is click's ``help``)."""
        if self.texts is not None and "help" in self.texts.table:
            return self.texts.get("help", lang)
        return inspect.cleandoc(self.help or "").partition("\f")[0]

    def localized_short(self, lang: str) -> str:
        """The line in a group's command list, in ``lang``."""
        if self.texts is not None and "short" in self.texts.table:
            return self.texts.get("short", lang)
        return click.Command.get_short_help_str(self, 1000)  # type: ignore[arg-type]

    def get_short_help_str(self, limit: int = 45) -> str:
        """The whole short help in the current language: given in full, never cut at ``limit``."""
        return self.localized_short(context_lang(click.get_current_context(silent=True)))

    def get_help(self, ctx: click.Context) -> str:
        """click's help in English; in Japanese, through :class:`JapaneseHelpFormatter`."""
        if context_lang(ctx) != "ja":
            return click.Command.get_help(self, ctx)  # type: ignore[arg-type]
        formatter = JapaneseHelpFormatter(width=ctx.terminal_width, max_width=ctx.max_content_width)
        self.format_help(ctx, formatter)  # type: ignore[attr-defined]
        return formatter.getvalue().rstrip("\n")

    def _option_rows(self, ctx: click.Context, lang: str) -> list[tuple[str, str]]:
        rows = []
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            record = param.get_help_record(ctx)
            if record is None or not isinstance(param, click.Option):
                continue
            entry = help_texts(self.texts, param)
            text = entry[lang] if entry else (param.help or "")
            rows.append((record[0], _with_extra(text, param, ctx, lang)))
        return rows

    def format_ja(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The whole help in Japanese: usage, description, options (a group adds its commands)."""
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=WORDS.get("usage", "ja"))
        description = self.localized_help("ja")
        if description:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(description)
        rows = self._option_rows(ctx, "ja")
        if rows:
            with formatter.section(WORDS.get("options", "ja")):
                formatter.write_dl(rows)


def _with_extra(text: str, param: click.Option, ctx: click.Context, lang: str) -> str:
    """The option's help with click's bracket (default, range, required) in ``lang``."""
    extra: dict[str, Any] = dict(param.get_help_extra(ctx))
    items = []
    if "envvars" in extra:
        items.append(WORDS.get("env", lang, value=", ".join(extra["envvars"])))
    if "default" in extra:
        items.append(WORDS.get("default", lang, value=extra["default"]))
    if "range" in extra:
        items.append(str(extra["range"]))
    if "required" in extra:
        items.append(WORDS.get("required", lang))
    if not items:
        return text
    return f"{text}  [{'; '.join(items)}]" if text else f"[{'; '.join(items)}]"


class LocalizedCommand(_Localized, click.Command):
    """A click command whose help comes from ``texts`` (see the module's docstring)."""

    def __init__(self, *args: Any, texts: Messages | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._take_texts(texts)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if context_lang(ctx) != "ja":
            super().format_help(ctx, formatter)
            return
        self.format_ja(ctx, formatter)
        if isinstance(self, click.Group):  # a group lists its commands after its own help
            self.format_commands(ctx, formatter)


class LocalizedGroup(LocalizedCommand, click.Group):
    """A click group whose help and command list come from ``texts``; its commands are :class:`LocalizedCommand`."""

    command_class = LocalizedCommand

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list, each with its whole short help in the learner's language."""
        lang = context_lang(ctx)
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            short = command.localized_short(lang) if isinstance(command, _Localized) else \
                command.get_short_help_str(1000)
            rows.append((name, short))
        if rows:
            with formatter.section(WORDS.get("commands", lang)):
                formatter.write_dl(rows)


def print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: ``conclab, version X`` in English, ``conclab バージョン X`` in Japanese."""
    if not value or ctx.resilient_parsing:
        return
    from conclab import __version__

    click.echo(WORDS.get("version", context_lang(ctx), prog="conclab", version=__version__))
    ctx.exit()


def all_commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterable[tuple[tuple[str, ...], click.Command]]:
    """Every command under ``group``, subcommands included, with its path of names (for tests)."""
    for name in sorted(group.commands):
        command = group.commands[name]
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*path, name))
