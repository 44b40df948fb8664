"""The ``conclab`` command line: a thin adapter over the engine and the curriculum.

Commands live in the private modules of this package and are listed in
:data:`COMMANDS` below, so a reader sees every command in this one file. Every
error a user can fix leaves as one line and exit code 2.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from conclab import __version__
from conclab._interrupt import interrupt_guard, say_interrupted
from conclab.cli._class import class_group
from conclab.cli._common import LANG_CHOICE, print_error
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
from conclab.cli._lab_commands import list_command, run_command, show_command
from conclab.cli._load import load
from conclab.cli._play import play_command
from conclab.cli._report import report_command
from conclab.cli._route import route_command
from conclab.cli._serve import serve
from conclab.cli._trace import trace_command
from conclab.errors import ConclabError


class _Interrupted(Exception):
    """Ctrl-C inside a command, carried past click (which would print a blank line for it)."""


class ConclabGroup(click.Group):
    """A click group whose errors are one line, never a usage dump or a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise _Interrupted() from None

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs["standalone_mode"] = False
        try:
            with interrupt_guard():
                return super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
            sys.exit(2)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "conclab"
            print_error(f"{exc.format_message()} (see '{command} --help')")
            sys.exit(2)
        except (click.exceptions.Abort, _Interrupted):
            say_interrupted()
            sys.exit(130)
        except click.ClickException as exc:
            print_error(exc.format_message())
            sys.exit(2)
        except ConclabError as exc:
            print_error(str(exc))
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            say_interrupted()
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(0)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)


@click.group(cls=ConclabGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--lang", type=LANG_CHOICE, default=None,
              help="Language of the lessons and messages (ja or en).")
@click.version_option(__version__, prog_name="conclab")
@click.pass_context
def cli(ctx: click.Context, lang: str | None) -> None:
    """conclab: learn concurrency and parallelism in Python by measuring it.

    Run 'conclab' to see the lessons, 'conclab run LAB' to run one.
    """
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
