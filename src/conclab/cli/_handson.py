"""``conclab handson [NAME [STEP]]``: the bootcamp hands-on, one file written in steps.

A thin adapter over :mod:`conclab.curriculum.handson`: show a step (its
statement, what changes in ``main.py`` from the step before, how to run it in
two terminals), print its code, give a hint, or check the learner's server
(the one they already run on ``--port``, else one conclab starts). Progress
(steps passed, hints seen) is kept in ``.conclab/handson.json`` beside ``main.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from conclab.cli._common import lang_option, make_console, print_json, resolve_lang
from conclab.cli._help import LocalizedCommand
from conclab.errors import ConclabError
from conclab.i18n import Messages, pick

MESSAGES = Messages({
    "list-title": {"en": "Hands-ons (conclab handson NAME [STEP]):", "ja": "ハンズオン（conclab handson 名前 [ステップ]）:"},
    "list-step": {"en": "  {mark} {number}. {name:<16} {title} ({minutes} min)",
                  "ja": "  {mark} {number}. {name:<16} {title}（{minutes} 分）"},
    "step-head": {"en": "{handson} step {number}/{total}: {title} ({minutes} min)",
                  "ja": "{handson} ステップ {number}/{total}: {title}（{minutes} 分）"},
    "change-first": {"en": "The whole {file} of this step:", "ja": "このステップの {file} の全体:"},
    "change": {"en": "What changes in {file} from step {previous} (- removed, + added):",
               "ja": "ステップ {previous} からの {file} の変更（- が削除、+ が追加）:"},
    "next": {"en": "Check it: conclab handson {handson} {number} --check\nA hint: --hint; the whole file: --code",
             "ja": "チェック: conclab handson {handson} {number} --check\nヒント: --hint、ファイル全体: --code"},
    "no-main": {"en": "{path} does not exist: write the step's code into it (conclab handson {handson} {number} "
                      "--code prints it), or pass --file",
                "ja": "{path} がありません。ステップのコードを書いてください（conclab handson {handson} {number} --code "
                      "で表示できます）。別のファイルなら --file で指定してください"},
    "checking": {"en": "Checking {file} for step {number} ({title}) ...",
                 "ja": "ステップ {number}（{title}）の {file} をチェックしています..."},
    "passed": {"en": "step {number}: passed", "ja": "ステップ {number}: 合格"},
    "failed": {"en": "step {number}: not yet", "ja": "ステップ {number}: まだ不合格"},
    "after-pass": {"en": "Next: conclab handson {handson} {next}", "ja": "次へ: conclab handson {handson} {next}"},
    "after-last": {"en": "That was the last step of {handson}. Well done!",
                   "ja": "{handson} の最後のステップでした。おつかれさまでした！"},
    "after-fail": {"en": "Fix {file}, restart your server if it runs, and check again; --hint gives a hint.",
                   "ja": "{file} を直し、サーバーを動かしているなら起動し直してから、もう一度チェックしてください。"
                         "--hint でヒントが見られます。"},
    "hint-title": {"en": "Hint {number}/{total} for step {step}", "ja": "ステップ {step} のヒント {number}/{total}"},
    "hint-more": {"en": "Run it again for the next hint.", "ja": "次のヒントを見るには、もう一度実行してください。"},
    "hint-last": {"en": "That was the last hint.", "ja": "これが最後のヒントです。"},
    "bad-port": {"en": "--port must be between 1 and 65535, got {port}", "ja": "--port は 1 から 65535 で指定してください（指定値: {port}）"},
    "one-action": {"en": "choose one of --check, --hint and --code", "ja": "--check、--hint、--code はどれか 1 つだけ指定してください"},
    "json-needs-check": {"en": "--json goes with --check", "ja": "--json は --check と一緒に指定してください"},
})


def _handsons() -> Any:
    from conclab.curriculum.handson import HANDSONS

    return HANDSONS


def _progress_path(main: Path) -> Path:
    return main.resolve().parent / ".conclab" / "handson.json"


def load_progress(main: Path) -> dict[str, Any]:
    """``{"web-counter": {"passed": [1, 2], "hints": {"3": 1}}}``; a damaged file counts as empty."""
    try:
        data = json.loads(_progress_path(main).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_progress(main: Path, data: dict[str, Any]) -> None:
    path = _progress_path(main)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    except OSError:
        pass  # progress is a convenience: a read-only folder must not fail the check


def passed_steps(main: Path, handson_id: str) -> set[int]:
    entry = load_progress(main).get(handson_id, {})
    passed = entry.get("passed", []) if isinstance(entry, dict) else []
    return {n for n in passed if isinstance(n, int)}


def _list(main: Path, lang: str) -> None:
    click.echo(MESSAGES.get("list-title", lang))
    for handson in _handsons():
        done = passed_steps(main, handson.id)
        click.echo(f"{handson.id}: {pick(handson.title, lang)}")
        for step in handson.steps:
            click.echo(MESSAGES.get("list-step", lang, mark="✓" if step.number in done else "·",
                                    number=step.number, name=step.name, title=pick(step.title, lang),
                                    minutes=step.minutes))


def _show(handson: Any, step: Any, lang: str) -> None:
    from rich.markdown import Markdown
    from rich.syntax import Syntax

    console = make_console()
    console.print(MESSAGES.get("step-head", lang, handson=handson.id, number=step.number, total=len(handson.steps),
                               title=pick(step.title, lang), minutes=step.minutes), style="bold")
    console.print()
    console.print(Markdown(step.statement(lang)))
    console.print()
    key = "change-first" if step.number == 1 else "change"
    console.print(MESSAGES.get(key, lang, file=handson.file_name, previous=step.number - 1), style="bold")
    console.print(Syntax(handson.change(step, lang), "python" if step.number == 1 else "diff", word_wrap=False,
                         theme="ansi_dark"))
    console.print()
    console.print(MESSAGES.get("next", lang, handson=handson.id, number=step.number))


def _hint(handson: Any, step: Any, main: Path, lang: str) -> None:
    hints = step.hints(lang)
    data = load_progress(main)
    entry = data.setdefault(handson.id, {})
    seen = entry.setdefault("hints", {})
    shown = min(int(seen.get(str(step.number), 0)) + 1, len(hints))
    seen[str(step.number)] = shown
    _save_progress(main, data)
    click.echo(MESSAGES.get("hint-title", lang, number=shown, total=len(hints), step=step.number))
    click.echo(hints[shown - 1])
    click.echo(MESSAGES.get("hint-more" if shown < len(hints) else "hint-last", lang))


def _check(handson: Any, step: Any, main: Path, port: int, as_json: bool, lang: str) -> None:
    if not main.is_file():
        raise ConclabError(MESSAGES.get("no-main", "en", path=main, handson=handson.id, number=step.number),
                           ja=MESSAGES.get("no-main", "ja", path=main, handson=handson.id, number=step.number))
    if not as_json:
        click.echo(MESSAGES.get("checking", lang, file=main.name, number=step.number, title=pick(step.title, lang)))
    verdict = handson.check(step, main, port, lang)
    if verdict.passed:
        data = load_progress(main)
        entry = data.setdefault(handson.id, {})
        entry["passed"] = sorted(set(entry.get("passed", [])) | {step.number})
        _save_progress(main, data)
    if as_json:
        print_json({"handson": handson.id, "step": step.number, "name": step.name, "passed": verdict.passed,
                    "notes": verdict.notes, "checks": [r.to_json() for r in verdict.results]})
    else:
        _render(handson, step, verdict, lang)
    sys.exit(0 if verdict.passed else 1)


def _render(handson: Any, step: Any, verdict: Any, lang: str) -> None:
    """Notes and each result's first line wrapped to the terminal; a step table below it as it is."""
    from rich.table import Table
    from rich.text import Text

    console = make_console()
    for note in verdict.notes:
        console.print(Text(note))
    for result in verdict.results:
        first, *rest = result.detail.splitlines() or [""]
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=3, justify="right")
        grid.add_column(overflow="fold")  # "ellipsis" (the default) crops a wrapped Japanese line's last cell
        mark = Text("✓", style="green") if result.passed else Text("✗", style="red")
        grid.add_row(mark, Text(f"{result.name}: {first}"))
        console.print(grid)
        for line in rest:
            click.echo(f"      {line}")
    state = "passed" if verdict.passed else "failed"
    click.echo(click.style(MESSAGES.get(state, lang, number=step.number), fg="green" if verdict.passed else "red",
                           bold=True))
    if not verdict.passed:
        console.print(Text(MESSAGES.get("after-fail", lang, file=handson.file_name)))
    elif step.number < len(handson.steps):
        click.echo(MESSAGES.get("after-pass", lang, handson=handson.id, next=step.number + 1))
    else:
        click.echo(MESSAGES.get("after-last", lang, handson=handson.id))


HANDSON_HELP = Messages({
    "short": {"en": "The bootcamp hands-on: write main.py in steps.",
              "ja": "ブートキャンプのハンズオン: main.py を段階的に書きます。"},
    "help": {"en": "The bootcamp hands-on: write main.py in steps, run it, fire curl at it.\n\n"
                   "Without NAME, list the hands-ons and your progress. With NAME, show STEP\n(default: the first "
                   "you have not passed): what to write, what changes\nfrom the step before, and how to run it "
                   "in two terminals.",
             "ja": "ブートキャンプのハンズオンです。main.py を段階的に書き、実行し、curl でリクエストを送ります。"
                   "\n\n"
                   "NAME を省くと、ハンズオンの一覧と進み具合を表示します。NAME を指定すると STEP（既定: "
                   "まだ合格していない最初のステップ）を表示します: 書く内容、前のステップからの変更点、2 つのターミナルでの動かし方です。"},
    "--check": {"en": "Fire 3 concurrent requests at your server (on --port, else conclab starts main.py) and judge "
                      "it.",
                "ja": "サーバーに同時に 3 つのリクエストを送り、判定します（--port で待ち受けるサーバー、なければ "
                      "conclab が main.py を起動します）。"},
    "--hint": {"en": "One more hint for the step each time.",
               "ja": "実行するたびに、そのステップのヒントを 1 つ増やします。"},
    "--code": {"en": "Print the step's whole main.py.",
               "ja": "そのステップの main.py 全体を表示します。"},
    "--port": {"en": "Where your server listens.",
               "ja": "サーバーが待ち受けるポート。"},
    "--file": {"en": "The file you write.",
               "ja": "書いているファイル。"},
    "--json": {"en": "With --check: print the verdict as one JSON object.",
               "ja": "--check と一緒に使い、判定を JSON オブジェクト 1 つで出力します。"},
})


@click.command("handson", cls=LocalizedCommand, texts=HANDSON_HELP)
@click.argument("name", required=False)
@click.argument("step", required=False)
@click.option("--check", "do_check", is_flag=True)
@click.option("--hint", "do_hint", is_flag=True)
@click.option("--code", "do_code", is_flag=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--file", "file", type=click.Path(dir_okay=False), default="main.py", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@lang_option
def handson_command(name: str | None, step: str | None, do_check: bool, do_hint: bool, do_code: bool, port: int,
                    file: str, as_json: bool, lang: str | None) -> None:
    """The bootcamp hands-on: write main.py in steps, run it, fire curl at it.

    Without NAME, list the hands-ons and your progress. With NAME, show STEP
    (default: the first you have not passed): what to write, what changes
    from the step before, and how to run it in two terminals.
    """
    language = resolve_lang(lang)
    main = Path(file)
    if sum((do_check, do_hint, do_code)) > 1:
        raise click.UsageError(MESSAGES.get("one-action", language))
    if as_json and not do_check:
        raise click.UsageError(MESSAGES.get("json-needs-check", language))
    if not 0 < port < 65536:
        raise click.BadParameter(MESSAGES.get("bad-port", language, port=port), param_hint="--port")
    if name is None:
        _list(main, language)
        return
    from conclab.curriculum.handson import find_handson

    handson = find_handson(_handsons(), name)
    if step is None:
        done = passed_steps(main, handson.id)
        chosen = next((s for s in handson.steps if s.number not in done), handson.steps[-1])
    else:
        chosen = handson.step(step)
    if do_check:
        _check(handson, chosen, main, port, as_json, language)
    elif do_hint:
        _hint(handson, chosen, main, language)
    elif do_code:
        click.echo(chosen.code_in(language), nl=False)
    else:
        _show(handson, chosen, language)
