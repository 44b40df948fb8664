"""``conclab exercises init``, ``check``, ``watch``, ``hint``, ``reset``, ``solution``, ``progress``.

A thin adapter: find the workspace, call :mod:`conclab.exercises` with the
catalogue from :mod:`conclab.curriculum.exercises`, render the verdict. The
language is ``--lang``, else the workspace's (chosen at ``init``), else the
environment's.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import click

from conclab.cli._class import send_verdict, verdicts_to_class
from conclab.cli._common import (
    Activity,
    Seconds,
    lang_option,
    make_console,
    print_json,
    remember_lang,
    resolve_lang,
)
from conclab.cli._exercise_screens import progress_view
from conclab.cli._help import LocalizedCommand, LocalizedGroup
from conclab.errors import ConclabError
from conclab.i18n import Messages, pick

MESSAGES = Messages({
    "all-done": {"en": "Every exercise has passed. Well done!", "ja": "すべての演習に合格しました。おつかれさまでした！"},
    "init-done": {"en": "Exercises workspace ready in {root}: {written} files written, {kept} kept as they were.",
                  "ja": "{root} に演習用のワークスペースを用意しました（書き込み {written} 件、既存のまま {kept} 件）。"},
    "init-next": {"en": "Next: cd {root} && conclab check", "ja": "次に: cd {root} && conclab check"},
    "reset-done": {"en": "{file} is the starter again.", "ja": "{file} をスターターの状態に戻しました。"},
    "reset-backup": {"en": "Your previous version is in {backup}.", "ja": "元の版は {backup} に保存しました。"},
    "solution-refused": {"en": "the solution of {exercise} is shown once you have passed it; "
                               "run 'conclab check {exercise}' (or 'conclab hint {exercise}' for help)",
                         "ja": "{exercise} の模範解答は合格後に表示されます。'conclab check {exercise}' を実行してください"
                               "（助けが必要なら 'conclab hint {exercise}'）"},
    "solution-title": {"en": "Reference solution of {exercise}", "ja": "{exercise} の模範解答"},
    "progress-title": {"en": "Progress in {root}: {passed}/{total} passed",
                       "ja": "{root} の進み具合: {total} 問中 {passed} 問合格"},
    "progress-recovered": {"en": "The progress file was damaged; it was moved to {path} and started afresh.",
                           "ja": "進捗ファイルが壊れていたため {path} に移し、新しく作り直しました。"},
    "checking": {"en": "checking {file}", "ja": "{file} をチェック中"},
})


def _catalogue():  # type: ignore[no-untyped-def]
    from conclab.curriculum.exercises import catalogue

    return catalogue()


def _workspace(directory: str | None):  # type: ignore[no-untyped-def]
    from conclab.exercises import Workspace

    return Workspace.find(explicit=Path(directory) if directory else None)


def _lang(lang: str | None, workspace: object | None = None) -> str:
    """The command's or group's ``--lang``, else the workspace's language, else the environment's."""
    ctx = click.get_current_context(silent=True)
    group_lang = ctx.find_root().obj.get("lang") if ctx and isinstance(ctx.find_root().obj, dict) else None
    if lang or group_lang:
        return resolve_lang(lang)
    ws_lang = getattr(workspace, "lang", None)
    return remember_lang(ws_lang) if ws_lang in ("en", "ja") else resolve_lang(None)


def _render_verdict(verdict, exercise, lang: str) -> None:  # type: ignore[no-untyped-def]
    from conclab.cli._exercise_screens import after_check, verdict_view

    console = make_console()
    console.print(verdict_view(verdict, exercise, lang))
    console.print(after_check(verdict, exercise, lang))


#: ``--dir``; its help is the shared one in :mod:`conclab.cli._help`.
dir_option = click.option("--dir", "directory", type=click.Path(file_okay=False), default=None)


EXERCISES_HELP = Messages({
    "short": {"en": "Exercises: create a workspace with the starters.",
              "ja": "演習: スターターファイル入りのワークスペースを作ります。"},
    "help": {"en": "Exercises: create a workspace with the starter files.",
             "ja": "演習: スターターファイル入りのワークスペースを作ります。"},
})


@click.group("exercises", cls=LocalizedGroup, texts=EXERCISES_HELP)
def exercises_group() -> None:
    """Exercises: create a workspace with the starter files."""


INIT_HELP = Messages({
    "short": {"en": "Write the starter files and a README into DIR.",
              "ja": "DIR にスターターファイルと README を書き込みます。"},
    "help": {"en": "Write the starter files and a README into DIR (default ./conclab-exercises).",
             "ja": "スターターファイルと README を DIR（既定: ./conclab-exercises）"
                   "に書き込みます。"},
})


@exercises_group.command("init", texts=INIT_HELP)
@click.argument("directory", metavar="[DIR]", required=False, default=None)
@lang_option
def init_command(directory: str | None, lang: str | None) -> None:
    """Write the starter files and a README into DIR (default ./conclab-exercises)."""
    from conclab.curriculum.exercises import readme
    from conclab.exercises import DEFAULT_DIR, Workspace

    lang = resolve_lang(lang)
    root = Path(directory or DEFAULT_DIR)
    report = Workspace.init(root, _catalogue(), lang=lang, readme=readme(lang))
    click.echo(MESSAGES.get("init-done", lang, root=report.root, written=len(report.written),
                            kept=len(report.kept)))
    click.echo(MESSAGES.get("init-next", lang, root=directory or DEFAULT_DIR))


CHECK_HELP = Messages({
    "short": {"en": "Check an exercise (default: the next not passed).",
              "ja": "演習をチェックします（既定: 次の未合格の演習）。"},
    "help": {"en": "Check an exercise (default: the next one not yet passed). Exit 0 passed, 1 not yet.",
             "ja": "演習をチェックします（既定: まだ合格していない次の演習）。終了コードは、合格なら 0、まだなら "
                   "1 です。"},
    "--json": {"en": "Print one JSON object: exercise, passed, checks, elapsed_s.",
               "ja": "JSON オブジェクトを 1 つ出力します: exercise、passed、checks、elapsed_s。"},
    "--limit": {"en": "Time limit in seconds for each run of your program (default: the exercise's).",
                "ja": "プログラムを 1 回実行するごとの制限時間（秒）。既定は演習ごとの値です。"},
})


@click.command("check", cls=LocalizedCommand, texts=CHECK_HELP)
@click.argument("exercise_name", metavar="[EXERCISE]", required=False, default=None)
@dir_option
@click.option("--json", "as_json", is_flag=True)
@click.option("--limit", "limit_s", type=Seconds(0.5, minimum_allowed=True), default=None)
@lang_option
def check_command(exercise_name: str | None, directory: str | None, as_json: bool, limit_s: float | None,
                  lang: str | None) -> None:
    """Check an exercise (default: the next one not yet passed). Exit 0 passed, 1 not yet."""
    from conclab.exercises import run_check

    workspace = _workspace(directory)
    lang = _lang(lang, workspace)
    catalogue = _catalogue()
    if exercise_name:
        exercise = catalogue.get(exercise_name)
    else:
        exercise = catalogue.next_unfinished(workspace.progress.load().passed_ids())
        if exercise is None:
            if as_json:
                print_json({"exercise": None, "passed": True, "checks": [], "elapsed_s": 0.0})
            else:
                click.echo(MESSAGES.get("all-done", lang))
            return
    with Activity(MESSAGES.get("checking", lang, file=exercise.file_name), enabled=not as_json):
        verdict = run_check(exercise, workspace.path_of(exercise), lang=lang, limit_s=limit_s,
                            workdir=workspace.root)
    workspace.progress.record_check(exercise.id, verdict.passed)
    if workspace.progress.recovered_from is not None:
        click.echo(MESSAGES.get("progress-recovered", lang, path=workspace.progress.recovered_from), err=True)
    send_verdict(workspace, verdict, "check")
    if as_json:
        print_json(verdict.to_json())
    else:
        _render_verdict(verdict, exercise, lang)
    if not verdict.passed:
        sys.exit(1)


WATCH_HELP = Messages({
    "short": {"en": "Check the exercise each time its file is saved.",
              "ja": "ファイルを保存するたびに演習をチェックします。"},
    "help": {"en": "Check the current exercise every time its file is saved (single keys: h hint, n next, q quit).",
             "ja": "今の演習を、ファイルを保存するたびにチェックします。キーは押すだけで効きます"
                   "（Enter は不要）: h でヒント、n で次へ、q で終了。"},
    "--limit": {"en": "Time limit in seconds for each run of your program (default: the exercise's).",
                "ja": "プログラムを 1 回実行するごとの制限時間（秒）。既定は演習ごとの値です。"},
})


@click.command("watch", cls=LocalizedCommand, texts=WATCH_HELP)
@click.argument("exercise_name", metavar="[EXERCISE]", required=False, default=None)
@dir_option
@click.option("--limit", "limit_s", type=Seconds(0.5, minimum_allowed=True), default=None)
@lang_option
def watch_command(exercise_name: str | None, directory: str | None, limit_s: float | None,
                  lang: str | None) -> None:
    """Check the current exercise every time its file is saved (single keys: h hint, n next, q quit)."""
    from conclab.cli._watch_app import WatchApp, key_source, run_watch
    from conclab.exercises import Watcher

    workspace = _workspace(directory)
    lang = _lang(lang, workspace)
    catalogue = _catalogue()
    exercise = catalogue.get(exercise_name) if exercise_name else None
    console = make_console()
    with key_source() as (keys, raw):
        app = WatchApp(None, workspace, lang, console, clear=console.is_terminal, line_keys=not raw,
                       fit=console.is_terminal)
        app.watcher = Watcher(workspace, catalogue, lang=lang, on_event=verdicts_to_class(workspace, app.on_event),
                              exercise=exercise, limit_s=limit_s)
        try:
            run_watch(app, keys, threading.Event())
        except KeyboardInterrupt:
            console.print()


def _show_hint(workspace, exercise, lang: str) -> None:  # type: ignore[no-untyped-def]
    from conclab.cli._exercise_screens import hint_footer, hints_view

    total = len(exercise.hints)
    if workspace is None:
        shown = 1
    else:
        def bump(data) -> None:  # type: ignore[no-untyped-def]
            entry = data.of(exercise.id)
            entry.hints_shown = min(total, entry.hints_shown + 1)
        shown = workspace.progress.update(bump).of(exercise.id).hints_shown
    console = make_console()
    for part in hints_view(exercise, shown, lang):
        console.print(part)
    console.print(hint_footer(exercise, shown, lang, workspace is not None))


HINT_HELP = Messages({
    "short": {"en": "Show the hints of an exercise, one more each time.",
              "ja": "演習のヒントを 1 つずつ増やして表示します。"},
    "help": {"en": "Show the hints of an exercise, one more each time.",
             "ja": "演習のヒントを表示します。実行するたびに 1 つずつ増えます。"},
})


@click.command("hint", cls=LocalizedCommand, texts=HINT_HELP)
@click.argument("exercise_name", metavar="EXERCISE")
@dir_option
@lang_option
def hint_command(exercise_name: str, directory: str | None, lang: str | None) -> None:
    """Show the hints of an exercise, one more each time."""
    try:
        workspace = _workspace(directory)
    except ConclabError:
        if directory:
            raise
        workspace = None
    language = _lang(lang, workspace)  # first, so an unknown exercise is refused in the workspace's language
    _show_hint(workspace, _catalogue().get(exercise_name), language)


RESET_HELP = Messages({
    "short": {"en": "Write an exercise's starter file again.",
              "ja": "演習のスターターファイルを書き直します。"},
    "help": {"en": "Write the starter file of an exercise again (your version is backed up).",
             "ja": "演習のスターターファイルをもう一度書き込みます（今の版はバックアップします）。"},
})


@click.command("reset", cls=LocalizedCommand, texts=RESET_HELP)
@click.argument("exercise_name", metavar="EXERCISE")
@dir_option
@lang_option
def reset_command(exercise_name: str, directory: str | None, lang: str | None) -> None:
    """Write the starter file of an exercise again (your version is backed up)."""
    workspace = _workspace(directory)
    lang = _lang(lang, workspace)
    exercise = _catalogue().get(exercise_name)
    backup = workspace.reset(exercise, lang)
    click.echo(MESSAGES.get("reset-done", lang, file=exercise.file_name))
    if backup is not None:
        click.echo(MESSAGES.get("reset-backup", lang, backup=backup.relative_to(workspace.root)))


SOLUTION_HELP = Messages({
    "short": {"en": "Show the reference solution of a passed exercise.",
              "ja": "合格した演習の模範解答を表示します。"},
    "help": {"en": "Show the reference solution of an exercise you have passed.",
             "ja": "合格した演習の模範解答を表示します。"},
})


@click.command("solution", cls=LocalizedCommand, texts=SOLUTION_HELP)
@click.argument("exercise_name", metavar="EXERCISE")
@dir_option
@lang_option
def solution_command(exercise_name: str, directory: str | None, lang: str | None) -> None:
    """Show the reference solution of an exercise you have passed."""
    workspace = _workspace(directory)
    lang = _lang(lang, workspace)
    exercise = _catalogue().get(exercise_name)
    if not workspace.progress.load().of(exercise.id).passed:
        raise ConclabError(MESSAGES.get("solution-refused", "en", exercise=exercise.id),
                           ja=MESSAGES.get("solution-refused", "ja", exercise=exercise.id))
    click.echo(click.style(MESSAGES.get("solution-title", lang, exercise=exercise.id), bold=True))
    click.echo(exercise.solution_in(lang))


PROGRESS_HELP = Messages({
    "short": {"en": "Show which exercises have passed.",
              "ja": "どの演習に合格したかを表示します。"},
    "help": {"en": "Show which exercises have passed.",
             "ja": "どの演習に合格したかを表示します。"},
    "--json": {"en": "Print one JSON object.",
               "ja": "JSON オブジェクトを 1 つ出力します。"},
})


@click.command("progress", cls=LocalizedCommand, texts=PROGRESS_HELP)
@dir_option
@click.option("--json", "as_json", is_flag=True)
@lang_option
def progress_command(directory: str | None, as_json: bool, lang: str | None) -> None:
    """Show which exercises have passed."""
    workspace = _workspace(directory)
    lang = _lang(lang, workspace)
    data = workspace.progress.load()
    rows = []
    for exercise in _catalogue():
        entry = data.exercises.get(exercise.id)
        rows.append({"id": exercise.id, "file": exercise.file_name, "chapter": exercise.chapter,
                     "title": pick(exercise.title, lang),
                     "passed": bool(entry and entry.passed),
                     "attempts": entry.attempts if entry else 0,
                     "hints_shown": entry.hints_shown if entry else 0,
                     "last_passed": entry.last_passed if entry else None})
    passed = sum(1 for row in rows if row["passed"])
    recovered = workspace.progress.recovered_from
    if as_json:
        print_json({"workspace": str(workspace.root), "passed": passed, "total": len(rows),
                    "recovered_from": str(recovered) if recovered else None, "exercises": rows})
        return
    if recovered is not None:
        click.echo(MESSAGES.get("progress-recovered", lang, path=recovered))
    title = MESSAGES.get("progress-title", lang, root=workspace.root, passed=passed, total=len(rows))
    make_console().print(progress_view(title, rows, passed, lang))
