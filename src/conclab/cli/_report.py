"""``conclab report``: run every lab (of a chapter, or all) into one HTML page with contents."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from conclab.cli._common import Activity, lang_option, make_console, resolve_lang
from conclab.cli._help import LocalizedCommand
from conclab.cli._play import play_summary
from conclab.errors import ConclabError
from conclab.i18n import Messages, pick
from conclab.text import count

if TYPE_CHECKING:
    from conclab.lab import Chapter, ExerciseRow, Lab, Registry, ReportSection

MESSAGES = Messages({
    "no-labs": {"en": "chapter {chapter!r} has no labs yet; run 'conclab list' to see them",
                "ja": "章 {chapter!r} にはまだラボがありません。'conclab list' で一覧を見られます"},
    "progress": {"en": " ({number}/{total}{left})", "ja": "（{number}/{total}{left}）"},
    "left": {"en": ", about {seconds} s left", "ja": "、残り約 {seconds} 秒"},
    "running": {"en": "running {lab}", "ja": "{lab} を実行中"},
    "line": {"en": "{mark} {lab:<20} {held}/{total} claims held  {seconds}",
             "ja": "{mark} {lab:<20} {total} 件中 {held} 件成立  {seconds}"},
    "exercises": {"en": "Exercises: {passed} of {total} passed in {folder}",
                  "ja": "演習: {folder} で {total} 件中 {passed} 件に合格"},
    "wrote": {"en": "wrote {path}", "ja": "{path} に書き出しました"},
    "failed": {"en": "{count_en} had a claim that did not hold here: {labs}",
               "ja": "この環境で成立しなかった主張のあるラボが {count} 件: {labs}"},
})


def _exercise_rows(folder: str, chapter: str | None, lang: str) -> tuple[list[ExerciseRow], str]:
    """The exercises of the chapter(s) with the workspace's progress, and the workspace path."""
    from conclab.curriculum import registry
    from conclab.exercises import Workspace
    from conclab.lab import ExerciseRow

    workspace = Workspace.find(explicit=Path(folder))
    progress = workspace.progress.load()
    rows: list[ExerciseRow] = []
    for entry in registry().entries(chapter):
        if entry.kind != "exercise":
            continue
        known = progress.exercises.get(entry.id)
        rows.append(ExerciseRow(entry.id, pick(entry.title, lang), bool(known and known.passed),
                                known.attempts if known else 0))
    return rows, str(workspace.root)


REPORT_HELP = Messages({
    "short": {"en": "Run all labs into one HTML page with contents.",
              "ja": "全ラボを実行し、目次付きの 1 ページにまとめます。"},
    "help": {"en": "Run all labs (of a chapter, or all) and put them in one page with a table of contents.",
             "ja": "すべてのラボ（または 1 つの章のラボ）を実行し、目次付きの 1 ページにまとめます。"},
    "--html": {"en": "Write every lab's lesson and results into this one self-contained HTML page.",
               "ja": "全ラボのレッスンと結果を、単体で開ける HTML ページ 1 枚に書き出します。"},
    "--chapter": {"en": "Only the labs of this chapter (see 'conclab list').",
                  "ja": "この章のラボだけを実行します（章の ID は conclab list で確かめられます）。"},
    "--quick": {"en": "Shortened figures: each lab finishes in about a second.",
                "ja": "数値を短縮して測ります: 各ラボが 1 秒ほどで終わります。"},
    "--dir": {"en": "Include the exercise progress of this workspace.",
              "ja": "このワークスペースの演習の進み具合も載せます。"},
})


@click.command("report", cls=LocalizedCommand, texts=REPORT_HELP)
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None)
@click.option("--chapter", "chapter_id", default=None, metavar="ID")
@click.option("--quick", is_flag=True)
@click.option("--dir", "workspace_dir", type=click.Path(file_okay=False), default=None,
              metavar="WORKSPACE")
@lang_option
def report_command(html_path: str | None, chapter_id: str | None, quick: bool,
                   workspace_dir: str | None, lang: str | None) -> None:
    """Run all labs (of a chapter, or all) and put them in one page with a table of contents."""
    from conclab.curriculum import registry
    from conclab.lab import ReportPage, progress_html
    from conclab.timeline import check_writable

    lang = resolve_lang(lang)
    reg = registry()
    chapters = [reg.chapter(chapter_id)] if chapter_id else reg.chapters()
    labs = [lab for chapter in chapters for lab in reg.labs(chapter.id)]
    if not labs:
        raise ConclabError(MESSAGES.get("no-labs", "en", chapter=chapter_id or ""),
                           ja=MESSAGES.get("no-labs", "ja", chapter=chapter_id or ""))
    if html_path:
        check_writable(html_path)
    extra = ""
    rows: list[ExerciseRow] = []
    folder = ""
    if workspace_dir:
        rows, folder = _exercise_rows(workspace_dir, chapter_id, lang)
        extra = progress_html(rows, folder, lang)
    console = make_console()
    sections, failed = _run_chapters(reg, chapters, labs, quick, lang, bool(html_path), console)
    if workspace_dir:
        passed = sum(1 for row in rows if row.passed)
        console.print(MESSAGES.get("exercises", lang, passed=passed, total=len(rows), folder=folder))
        levels = play_summary(lang, workspace_dir)
        if levels:
            console.print(levels)
    if html_path:
        ReportPage(sections, lang, extra_html=extra).save(html_path)
        console.print(MESSAGES.get("wrote", lang, path=html_path), style="dim")
    if failed:
        console.print(MESSAGES.get("failed", lang, count=len(failed), count_en=count(len(failed), "lab"),
                                   labs=", ".join(failed)), style="yellow")
        sys.exit(1)


def _run_chapters(reg: Registry, chapters: list[Chapter], labs: list[Lab], quick: bool, lang: str,
                  pages: bool, console: Any) -> tuple[list[ReportSection], list[str]]:
    """Run every lab with a live "k/N, about s left" status; one line each; the pages if asked."""
    from conclab.lab import LabHtmlReport, ReportSection, chapter_heading, run_lab
    from conclab.timeline import format_seconds

    sections: list[ReportSection] = []
    failed: list[str] = []
    durations: list[float] = []
    for chapter in chapters:
        reports = []
        for lab in reg.labs(chapter.id):
            done = len(durations)
            left = (sum(durations) / done * (len(labs) - done)) if done else None
            message = MESSAGES.get("running", lang, lab=lab.id) + MESSAGES.get(
                "progress", lang, number=done + 1, total=len(labs),
                left=MESSAGES.get("left", lang, seconds=round(left)) if left is not None else "")
            with Activity(message, delay_s=0.0) as activity:
                result = run_lab(lab, lang=lang, quick=quick, on_step=activity.step)
            durations.append(result.duration_s)
            held = sum(1 for c in result.claims if c.held)
            total = sum(1 for c in result.claims if c.held is not None)
            if not result.passed:
                failed.append(lab.id)
            console.print(MESSAGES.get("line", lang, mark="✓" if result.passed else "✗", lab=lab.id,
                                       held=held, total=total, seconds=format_seconds(result.duration_s, lang)),
                          style="green" if result.passed else "red")
            if pages:
                reports.append(LabHtmlReport(result, reg.prose(lab.id, lang), reg.example_source(lab.id, lang)))
        if reports:
            sections.append(ReportSection(chapter.id, chapter_heading(chapter.number,
                                                                      pick(chapter.title, lang), lang),
                                          reports))
    return sections, failed
