"""``conclab route [NAME]``: the routes through the material, and where you are on one.

Where you are is read from what conclab already records: the hands-on's steps
passed (``.conclab/handson.json`` beside ``main.py``) and the exercises passed
(the workspace's progress). Labs leave no record, so the next stop is the one
after the last stop known to be done.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import click

from conclab.cli._common import lang_option, print_json, resolve_lang
from conclab.cli._help import LocalizedCommand
from conclab.errors import ConclabError
from conclab.i18n import Messages, pick
from conclab.text import wrap

MESSAGES = Messages({
    "list-head": {"en": "Routes (conclab route NAME shows one, and where you are on it):",
                  "ja": "ルート（conclab route 名前 で 1 つのルートと、その中での現在地を表示）:"},
    "list-row": {"en": "  {name:<26} {minutes:>4} min  {title}", "ja": "  {name:<26} {minutes:>4} 分  {title}"},
    "head": {"en": "{name}: {title}", "ja": "{name}: {title}"},
    "source": {"en": "{minutes} minutes, {count} stops; follows {source}",
               "ja": "{minutes} 分、{count} か所。{source}に沿っています"},
    "columns": {"en": "    start  min  command", "ja": "    開始   分  コマンド"},
    "next": {"en": "Next: {command}", "ja": "次: {command}"},
    "done": {"en": "Every stop of {name} is done. Well done!", "ja": "{name} のすべての場所を終えました。おつかれさまでした！"},
    "legend": {"en": "✓ done (hands-on step or exercise passed)  ▶ next  · labs leave no record",
               "ja": "✓ 完了（ハンズオンのステップか演習に合格）  ▶ 次  · ラボは記録が残りません"},
})


def _titles(lang: str) -> dict[tuple[str, str], str]:
    from conclab.curriculum import registry
    from conclab.curriculum.exercises import catalogue
    from conclab.curriculum.handson import HANDSONS

    titles = {("lab", lab.id): pick(lab.title, lang) for lab in registry().labs()}
    titles |= {("exercise", e.id): pick(e.title, lang) for e in catalogue()}
    titles |= {("handson", f"{h.id}:{s.number}"): pick(s.title, lang) for h in HANDSONS for s in h.steps}
    return titles


def _done(route: Any, main: Path, directory: str | None) -> list[bool]:
    from conclab.cli._handson import passed_steps

    passed: set[str] = set()
    try:
        from conclab.exercises import Workspace

        workspace = Workspace.find(explicit=Path(directory) if directory else None)
        passed = set(workspace.progress.load().passed_ids())
    except ConclabError:
        if directory:
            raise
    steps_passed = {f"web-counter:{n}" for n in passed_steps(main, "web-counter")}
    return [(s.kind == "exercise" and s.target in passed) or (s.kind == "handson" and s.target in steps_passed)
            for s in route.steps]


def _fit(line: str, extra: str, width: int) -> str:
    """``line`` then ``extra``, wrapped under its own start to ``width`` terminal cells.

    The title is never cut: a learner choosing a route reads all of it. Japanese
    is two cells a character and breaks between phrases, as everywhere else.
    """
    from rich.cells import cell_len

    indent = cell_len(line) + 2
    if not extra:
        return line
    if width - indent < 20:
        return line + "  " + extra
    pieces = wrap(extra, width - indent)
    return "\n".join([line + "  " + pieces[0], *(" " * indent + piece for piece in pieces[1:])])


def _show(route: Any, done: list[bool], lang: str) -> None:
    titles = _titles(lang)
    last = max((i for i, d in enumerate(done) if d), default=-1)
    following = next((i for i in range(last + 1, len(done)) if not done[i]), None)
    width = shutil.get_terminal_size((80, 24)).columns
    for piece in wrap(MESSAGES.get("head", lang, name=route.name, title=pick(route.title, lang)), width):
        click.echo(piece)
    for piece in wrap(MESSAGES.get("source", lang, minutes=route.minutes, count=len(route.steps),
                                   source=pick(route.source, lang)), width):
        click.echo(piece)
    click.echo(MESSAGES.get("columns", lang))
    start = 0
    for index, step in enumerate(route.steps):
        mark = "✓" if done[index] else "▶" if index == following else "·"
        line = f"  {mark} {start // 60}:{start % 60:02d} {step.minutes:>4}  "
        click.echo(line + step.command)
        for piece in wrap(titles.get((step.kind, step.target), ""), max(width - len(line), 20)):
            click.echo(" " * len(line) + piece)
        start += step.minutes
    click.echo(MESSAGES.get("legend", lang))
    if following is None:
        click.echo(MESSAGES.get("done", lang, name=route.name))
    else:
        click.echo(MESSAGES.get("next", lang, command=route.steps[following].command))


ROUTE_HELP = Messages({
    "short": {"en": "Routes through the material, and where you are.",
              "ja": "教材を進む順路と、今の位置を表示します。"},
    "help": {"en": "Routes through the labs, exercises and hands-on: bootcamp-90, full, one per source text.\n\n"
                   "Without NAME, list the routes. With NAME, show its stops with minutes and\nthe command for "
                   "each, what you have done, and what comes next.",
             "ja": "ラボ、演習、ハンズオンを進む順路です: bootcamp-90、full、元になったテキストごとの順路。"
                   "\n\n"
                   "NAME を省くと順路の一覧を表示します。NAME を指定すると、各地点の所要時間とコマンド、済んだもの、"
                   "次にすることを表示します。"},
    "--file": {"en": "The hands-on's main.py (its progress is kept beside it).",
               "ja": "ハンズオンの main.py（進み具合はその隣に保存されます）。"},
    "--json": {"en": "Print the route as one JSON object.",
               "ja": "順路を JSON オブジェクト 1 つで出力します。"},
})


@click.command("route", cls=LocalizedCommand, texts=ROUTE_HELP)
@click.argument("name", required=False)
@click.option("--file", "file", type=click.Path(dir_okay=False), default="main.py", show_default=True)
@click.option("--dir", "directory", type=click.Path(file_okay=False), default=None)
@click.option("--json", "as_json", is_flag=True)
@lang_option
def route_command(name: str | None, file: str, directory: str | None, as_json: bool, lang: str | None) -> None:
    """Routes through the labs, exercises and hands-on: bootcamp-90, full, one per source text.

    Without NAME, list the routes. With NAME, show its stops with minutes and
    the command for each, what you have done, and what comes next.
    """
    from conclab.curriculum.routes import find_route, routes

    language = resolve_lang(lang)
    if name is None:
        if as_json:
            print_json([{"name": r.name, "minutes": r.minutes, "title": pick(r.title, language)} for r in routes()])
            return
        click.echo(MESSAGES.get("list-head", language))
        width = shutil.get_terminal_size((80, 24)).columns
        for route in routes():
            row = MESSAGES.get("list-row", language, name=route.name, minutes=route.minutes, title="").rstrip()
            click.echo(_fit(row, pick(route.title, language), width))
        return
    route = find_route(name)
    done = _done(route, Path(file), directory)
    if as_json:
        print_json({"name": route.name, "minutes": route.minutes, "steps": [
            {"kind": s.kind, "target": s.target, "minutes": s.minutes, "command": s.command, "done": d}
            for s, d in zip(route.steps, done, strict=True)]})
        return
    _show(route, done, language)
