"""``conclab compare LAB --python A --python B``, and the pieces ``conclab run`` uses to run elsewhere.

``--scheduler`` (Dask lessons) and ``--python`` (another interpreter) are
checked here, at the door, so that a typo is one line and exit 2, not a
traceback from deep inside Dask or a child interpreter.
"""

from __future__ import annotations

import os
import sys

import click

from conclab.cli._common import lang_option, make_console, print_json, resolve_lang
from conclab.cli._help import LocalizedCommand
from conclab.errors import ConclabError
from conclab.i18n import Messages
from conclab.lab import Lab

MESSAGES = Messages({
    "running": {"en": "running {lab} under {python} ...", "ja": "{lab} を {python} で実行中 ..."},
})


def scheduler_option(lab: Lab, scheduler: str | None, allow_remote: bool) -> str | None:
    """The checked scheduler address for this run, from ``--scheduler`` or the environment, or None."""
    from conclab.lab import SCHEDULER_ENV, check_scheduler_address

    if scheduler is not None and "scheduler" not in lab.options:
        raise ConclabError(f"{lab.id} does not take --scheduler; the Dask lessons do "
                           "(dask-executor, task-granularity, dask-cluster)",
                           ja=f"{lab.id} では --scheduler を使えません。使えるのは Dask のレッスン（dask-executor、"
                              "task-granularity、dask-cluster）だけです")
    address = scheduler if scheduler is not None else os.environ.get(SCHEDULER_ENV) or None
    if address is None or "scheduler" not in lab.options:
        return None
    return check_scheduler_address(address, allow_remote)


def child_args(lab: Lab, lang: str, quick: bool, address: str | None, *extra: str) -> list[str]:
    """The arguments of ``conclab run`` for a child interpreter."""
    args = ["--lang", lang, "run", lab.id, *(["--quick"] if quick else []), *extra]
    if address:
        args += ["--scheduler", address, "--allow-remote"]
    return args


def run_under(python: str, args: list[str]) -> int:
    """``conclab ARGS`` under another interpreter, its report on our terminal; its exit code."""
    from conclab.lab import preflight, resolve_python, run_passthrough

    path = resolve_python(python)
    preflight(path)
    return run_passthrough(path, args, width=make_console().width)


COMPARE_HELP = Messages({
    "short": {"en": "Run a lab under several interpreters and compare.",
              "ja": "複数のインタープリターでラボを実行して比べます。"},
    "help": {"en": "Run a lab under several interpreters, one after another, and compare claims and figures.",
             "ja": "ラボを複数のインタープリターで順に実行し、主張と数値を比べます。"},
    "--python": {"en": "An interpreter to run the lab under (a path, or a name on PATH or in pyenv); give two or more.",
                 "ja": "ラボを実行するインタープリター（パス、または PATH や pyenv にある名前）。2 つ以上指定してください。"},
    "--quick": {"en": "Shortened figures in every run.",
                "ja": "どの実行でも数値を短縮して測ります。"},
    "--json": {"en": "Print one JSON object: each run's result.",
               "ja": "各実行の結果を JSON オブジェクト 1 つで出力します。"},
})


@click.command("compare", cls=LocalizedCommand, texts=COMPARE_HELP)
@click.argument("lab_id", metavar="LAB")
@click.option("--python", "pythons", multiple=True, metavar="PATH")
@click.option("--quick", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
@lang_option
def compare_command(lab_id: str, pythons: tuple[str, ...], quick: bool, as_json: bool,
                    lang: str | None) -> None:
    """Run a lab under several interpreters, one after another, and compare claims and figures."""
    from conclab.curriculum import registry
    from conclab.lab import any_failed, compare_table, preflight, resolve_python, run_json

    lang = resolve_lang(lang)
    lab = registry().lab(lab_id)
    if len(pythons) < 2:
        raise ConclabError("give at least two interpreters: conclab compare LAB --python A --python B",
                           ja="インタープリターを 2 つ以上指定してください: conclab compare LAB --python A --python B")
    paths = [resolve_python(name) for name in pythons]
    for path in paths:
        preflight(path)
    results = []
    for name, path in zip(pythons, paths, strict=True):
        click.echo(MESSAGES.get("running", lang, lab=lab.id, python=name), err=True)
        results.append(run_json(path, child_args(lab, lang, quick, None)))
    if as_json:
        print_json({"lab": lab.id, "runs": [{"python": name, "path": path, "result": result}
                                            for name, path, result in zip(pythons, paths, results, strict=True)]})
    else:
        make_console().print(compare_table(lab.id, results, list(pythons), lang))
    if any_failed(results):
        sys.exit(1)
