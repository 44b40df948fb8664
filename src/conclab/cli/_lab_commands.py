"""``conclab``, ``conclab list``, ``conclab run`` and ``conclab show``."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from conclab.cli._common import Activity, lang_option, make_console, print_json, resolve_lang
from conclab.cli._help import LocalizedCommand
from conclab.errors import ConclabError
from conclab.i18n import Messages, pick
from conclab.lab import Chapter, Entry, Lab

MESSAGES = Messages({
    "welcome": {
        "en": "conclab: learn concurrency and parallelism in Python by measuring it on this machine.",
        "ja": "conclab: Python の並行処理と並列処理を、このマシンで計測しながら学びます。",
    },
    "chapter": {"en": "Chapter {number}: {title}", "ja": "第 {number} 章: {title}"},
    "next": {"en": "Next steps", "ja": "次にやること"},
    "next-run": {
        "en": "conclab run concepts      the first lesson (then the others, in order)",
        "ja": "conclab run concepts      最初のレッスン（そのあと順番に）",
    },
    "next-show": {
        "en": "conclab show io-threads   the code a lesson runs",
        "ja": "conclab show io-threads   レッスンが実行するコードを見る",
    },
    "next-doctor": {
        "en": "conclab doctor            what this machine offers (cores, GIL, start method)",
        "ja": "conclab doctor            このマシンの情報（コア数、GIL、起動方式）",
    },
    "next-lang": {
        "en": "conclab --lang ja          日本語で表示します",
        "ja": "conclab --lang en          show everything in English",
    },
    "source": {"en": "Code of {lab} ({file})", "ja": "{lab} のコード（{file}）"},
    "run-hint": {"en": "Run it with: conclab run {lab}", "ja": "実行: conclab run {lab}"},
    "passed": {"en": "passed", "ja": "合格"},
    "todo": {"en": "exercise", "ja": "演習"},
    "kind-lab": {"en": "lab", "ja": "ラボ"},
    "kind-exercise": {"en": "exercise", "ja": "演習"},
    "running": {"en": "measuring {lab}", "ja": "{lab} を計測中"},
})


def _catalogue(lang: str) -> Any:
    """The catalogue as a rich grid: chapters, then an id and a wrapped summary per entry."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from conclab.curriculum import registry

    reg = registry()
    passed = _passed_exercises()
    chapters: list[tuple[Chapter, list[Lab | Entry]]] = [
        (c, [*reg.labs(c.id), *reg.entries(c.id)]) for c in reg.chapters()]
    id_width = max([len(item.id) for _, items in chapters for item in items] + [8]) + 2
    parts: list[Any] = []
    for chapter, items in chapters:
        if not items:
            continue
        title = MESSAGES.get("chapter", lang, number=chapter.number, title=pick(chapter.title, lang))
        parts.append(Text(title, style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, width=id_width)
        grid.add_column(overflow="fold")
        for item in items:
            summary = Text(pick(item.summary, lang))
            if item.kind == "exercise":
                done = item.id in passed
                summary.append(f"  [{MESSAGES.get('passed' if done else 'todo', lang)}]",
                               style="green" if done else "dim")
            grid.add_row(Text(f"  {item.id}", style="cyan"), summary)
        parts.append(grid)
    return Group(*parts)


def _passed_exercises() -> set[str]:
    """Exercises passed in the workspace here (or above), if there is one."""
    try:
        from conclab.exercises import Workspace

        return set(Workspace.find().progress.load().passed_ids())
    except (ImportError, ConclabError, OSError):
        return set()


def show_home(ctx: click.Context) -> None:
    """What ``conclab`` with no command prints: the catalogue and what to do next."""
    lang = resolve_lang(None)
    console = make_console()
    console.print(MESSAGES.get("welcome", lang), style="bold")
    console.print()
    console.print(_catalogue(lang))
    console.print()
    from conclab.cli._play import play_summary

    summary = play_summary(lang)
    if summary:
        console.print(summary)
        console.print()
    console.print(MESSAGES.get("next", lang), style="bold")
    for key in ("next-run", "next-show", "next-doctor", "next-lang"):
        console.print("  " + MESSAGES.get(key, lang))


LIST_HELP = Messages({
    "short": {"en": "List chapters, labs and exercises.",
              "ja": "章、ラボ、演習の一覧を表示します。"},
    "help": {"en": "List chapters, labs and exercises.",
             "ja": "章、ラボ、演習の一覧を表示します。"},
    "--json": {"en": "Print one JSON array of entries.",
               "ja": "エントリーの JSON 配列を 1 つ出力します。"},
})


@click.command("list", cls=LocalizedCommand, texts=LIST_HELP)
@click.option("--json", "as_json", is_flag=True)
@lang_option
def list_command(as_json: bool, lang: str | None) -> None:
    """List chapters, labs and exercises."""
    from conclab.curriculum import registry

    lang = resolve_lang(lang)
    reg = registry()
    if as_json:
        items: list[dict[str, object]] = []
        for chapter in reg.chapters():
            items.append({"id": chapter.id, "chapter": chapter.id, "number": chapter.number,
                          "title": pick(chapter.title, lang), "kind": "chapter"})
            listed: list[Lab | Entry] = [*reg.labs(chapter.id), *reg.entries(chapter.id)]
            for item in listed:
                items.append({"id": item.id, "chapter": item.chapter, "title": pick(item.title, lang),
                              "summary": pick(item.summary, lang), "kind": item.kind})
        print_json(items)
        return
    make_console().print(_catalogue(lang))


RUN_HELP = Messages({
    "short": {"en": "Run a lab: lesson, figures, timeline, claims.",
              "ja": "ラボを実行します: レッスン、数値、タイムライン、主張。"},
    "help": {"en": "Run a lab: the lesson, the measured figures, the timeline and each claim.",
             "ja": "ラボを実行し、レッスン、測った数値、タイムライン、各主張の判定を表示します。"},
    "--json": {"en": "Print one JSON object instead of the report.",
               "ja": "レポートの代わりに JSON オブジェクトを 1 つ出力します。"},
    "--trace": {"en": "Also write the timeline as Chrome trace-event JSON (opens in Perfetto).",
                "ja": "タイムラインを Chrome のトレースイベント JSON としても書き出します（Perfetto "
                      "で開けます）。"},
    "--html": {"en": "Also write the whole lesson with its results as one self-contained HTML page.",
               "ja": "レッスン全体と結果を、単体で開ける HTML ページ 1 枚としても書き出します。"},
    "--quick": {"en": "Shortened figures: finishes in about a second.",
                "ja": "数値を短縮して測ります: 1 秒ほどで終わります。"},
    "--scheduler": {"en": "Dask lessons: use the scheduler at tcp://HOST:PORT instead of an embedded cluster (also read "
                          "from CONCLAB_DASK_SCHEDULER).",
                    "ja": "Dask のレッスン: 組み込みのクラスターの代わりに、tcp://HOST:PORT のスケジューラーを使います（CONCLAB_DASK_SCHEDULER "
                          "からも読みます）。"},
    "--allow-remote": {"en": "With --scheduler: allow a scheduler not on loopback.",
                       "ja": "--scheduler と一緒に使い、ループバック以外のスケジューラーも許可します。"},
    "--python": {"en": "Run the lab under another interpreter (conclab runs from its own path).",
                 "ja": "別のインタープリターでラボを実行します（conclab はこのインストールのものを使います）。"},
})


@click.command("run", cls=LocalizedCommand, texts=RUN_HELP)
@click.argument("lab_id", metavar="LAB")
@click.option("--json", "as_json", is_flag=True)
@click.option("--trace", "trace_path", type=click.Path(dir_okay=False), default=None)
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None)
@click.option("--quick", is_flag=True)
@click.option("--scheduler", default=None, metavar="ADDRESS")
@click.option("--allow-remote", is_flag=True)
@click.option("--python", "python", default=None, metavar="PATH")
@lang_option
def run_command(lab_id: str, as_json: bool, trace_path: str | None, html_path: str | None,
                quick: bool, scheduler: str | None, allow_remote: bool, python: str | None,
                lang: str | None) -> None:
    """Run a lab: the lesson, the measured figures, the timeline and each claim."""
    from conclab.cli._compare import child_args, run_under, scheduler_option
    from conclab.curriculum import registry
    from conclab.lab import LabReport, run_lab, scheduler_for_run
    from conclab.timeline import PerfettoTrace, check_writable

    lang = resolve_lang(lang)
    reg = registry()
    lab = reg.lab(lab_id)
    if trace_path:
        check_writable(trace_path)
    if html_path:
        check_writable(html_path)
    address = scheduler_option(lab, scheduler, allow_remote)
    if python:
        extra = [*(["--json"] if as_json else []), *(["--trace", os.path.abspath(trace_path)] if trace_path else []),
                 *(["--html", os.path.abspath(html_path)] if html_path else [])]
        sys.exit(run_under(python, child_args(lab, lang, quick, address, *extra)))
    console = make_console()
    prose = reg.prose(lab.id, lang)
    if not as_json:  # the lesson first, to read while the lab measures
        console.print(LabReport.introduction(lab, prose, lang))
    with scheduler_for_run(address), Activity(MESSAGES.get("running", lang, lab=lab.id), delay_s=0.2,
                                              enabled=not as_json) as activity:
        result = run_lab(lab, lang=lang, quick=quick, on_step=activity.step)
    if trace_path:
        PerfettoTrace(result.spans, {os.getpid(): f"conclab run {lab.id}"}).save(trace_path)
    if html_path:
        from conclab.lab import LabHtmlReport

        LabHtmlReport(result, reg.prose(lab.id, lang), reg.example_source(lab.id, lang)).save(html_path)
    if as_json:
        print_json(result.to_json())
    else:
        console.print(LabReport(result, prose, width=console.width, intro=False))
    if not result.passed:
        sys.exit(1)


SHOW_HELP = Messages({
    "short": {"en": "Print the code a lab runs, syntax-highlighted.",
              "ja": "ラボが実行するコードを、色分けして表示します。"},
    "help": {"en": "Print the code a lab runs, syntax-highlighted.",
             "ja": "ラボが実行するコードを、構文に沿って色分けして表示します。"},
})


@click.command("show", cls=LocalizedCommand, texts=SHOW_HELP)
@click.argument("lab_id", metavar="LAB")
@lang_option
def show_command(lab_id: str, lang: str | None) -> None:
    """Print the code a lab runs, syntax-highlighted."""
    from rich.syntax import Syntax

    from conclab.curriculum import registry
    from conclab.text import Heading

    lang = resolve_lang(lang)
    reg = registry()
    console = make_console()
    for file_name, source in reg.example_source(lab_id, lang):
        console.print(Heading(MESSAGES.get("source", lang, lab=lab_id, file=file_name)))
        console.print(Syntax(source, "python", line_numbers=True, word_wrap=True,
                             theme="ansi_dark", background_color="default"))
    console.print(MESSAGES.get("run-hint", lang, lab=lab_id), style="dim")
