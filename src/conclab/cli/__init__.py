"""The ``conclab`` command line: a thin adapter over the engine and the curriculum.

Commands live in the private modules of this package and are listed in
:data:`COMMANDS` below, so a reader sees every command in this one file. Every
error a user can fix leaves as one line and exit code 2.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click

from conclab._interrupt import interrupt_guard, say_interrupted, use_lang
from conclab.cli._class import class_group
from conclab.cli._common import LANG_CHOICE, context_lang, print_error
from conclab.cli._compare import compare_command
from conclab.cli._config import config_group
from conclab.cli._doctor import doctor_command
from conclab.cli._exercises import (
    check_command,
    exercises_group,
    hint_command,
    progress_command,
    reset_command,
    solution_command,
    watch_command,
)
from conclab.cli._explore import explore_command
from conclab.cli._handson import handson_command
from conclab.cli._help import LocalizedGroup, print_version
from conclab.cli._lab_commands import list_command, run_command, show_command
from conclab.cli._load import load
from conclab.cli._play import play_command
from conclab.cli._report import report_command
from conclab.cli._route import route_command
from conclab.cli._serve import serve
from conclab.cli._trace import trace_command
from conclab.cli._usage import usage_error_text
from conclab.errors import ConclabError
from conclab.i18n import Messages, choose_lang


class _Interrupted(Exception):
    """Ctrl-C inside a command, carried past click (which would print a blank line for it)."""


class _Failed(Exception):
    """A :class:`ConclabError` from inside a command, with the language that command chose."""

    def __init__(self, error: ConclabError, lang: str) -> None:
        super().__init__(str(error))
        self.error = error
        self.lang = lang


def _argv_lang(args: Sequence[str] | None) -> str:
    """The language of an error click raised before any command chose one: a ``--lang`` on the line, else the environment."""
    tokens = list(sys.argv[1:] if args is None else args)
    for index, token in enumerate(tokens):
        if token == "--":
            break
        if token == "--lang" and index + 1 < len(tokens):
            return choose_lang(tokens[index + 1])
        if token.startswith("--lang="):
            return choose_lang(token.partition("=")[2])
    return choose_lang(None)


class ConclabGroup(LocalizedGroup):
    """A click group whose errors are one line in the learner's language, never a usage dump or a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise _Interrupted() from None
        except ConclabError as exc:
            raise _Failed(exc, context_lang(ctx)) from None

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]  # long: one branch per way out
        kwargs["standalone_mode"] = False
        argv = kwargs.get("args", args[0] if args else None)
        use_lang(_argv_lang(argv))  # until a command chooses: Ctrl-C during start-up is said in it too
        try:
            with interrupt_guard():
                return super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
            sys.exit(2)
        except click.UsageError as exc:
            lang = context_lang(exc.ctx) if exc.ctx else _argv_lang(argv)
            print_error(usage_error_text(exc, lang), lang)
            sys.exit(2)
        except (click.exceptions.Abort, _Interrupted):
            say_interrupted()
            sys.exit(130)
        except click.ClickException as exc:
            print_error(exc.format_message(), _argv_lang(argv))
            sys.exit(2)
        except _Failed as failed:
            print_error(failed.error.text(failed.lang), failed.lang)
            sys.exit(failed.error.exit_code)
        except ConclabError as exc:
            lang = _argv_lang(argv)
            print_error(exc.text(lang), lang)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            say_interrupted()
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(0)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)


HELP = Messages({
    "short": {"en": "Learn concurrency and parallelism by measuring it.",
              "ja": "並行処理と並列処理を、測って学びます。"},
    "help": {"en": """conclab: learn concurrency and parallelism in Python by measuring it.

    Run 'conclab' to see the lessons, 'conclab run LAB' to run one.""",
             "ja": "conclab: Python の並行処理と並列処理を、測って学びます。\n\n"
                   "conclab だけを実行するとラボの一覧が、conclab run LAB でそのラボが動きます。"},
    "--lang": {"en": "Language of the lessons and messages (ja or en).",
               "ja": "レッスンとメッセージの言語（ja か en）。"},
})


@click.group(cls=ConclabGroup, invoke_without_command=True, texts=HELP,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--lang", type=LANG_CHOICE, default=None, is_eager=True)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=print_version)
@click.pass_context
def cli(ctx: click.Context, lang: str | None) -> None:
    """The group every command hangs from; with no command, the catalogue (see :func:`show_home`)."""
    ctx.ensure_object(dict)
    ctx.obj["lang"] = lang
    if ctx.invoked_subcommand is None:
        from conclab.cli._lab_commands import show_home

        show_home(ctx)


#: Every command of ``conclab``, in the order of a learner's day: lessons, exercises, tools.
COMMANDS: list[click.Command] = [
    list_command, run_command, show_command, compare_command,
    report_command,
    doctor_command, config_group,
    exercises_group, check_command, watch_command, hint_command, reset_command, solution_command, progress_command,
    handson_command, route_command,
    explore_command,
    play_command,
    trace_command,
    serve,
    load,
    class_group,
]
for _command in COMMANDS:
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``conclab`` console script."""
    cli.main(args=argv, prog_name="conclab")
    sys.exit(0)
