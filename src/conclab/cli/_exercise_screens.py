"""What the exercise commands show: a verdict, hints, and watch mode's screen.

Every piece is a rich renderable built from :mod:`conclab.text`, so it wraps to
the terminal (words, numbers and inline code whole; Japanese at phrase
boundaries) and renders to a fixed-width string for golden tests.
"""

from __future__ import annotations

from typing import Any

from conclab.i18n import Messages, pick
from conclab.text import Block, count, inline, markdown

MESSAGES = Messages({
    "passed": {"en": "passed", "ja": "合格"},
    "failed": {"en": "not yet", "ja": "まだ不合格"},
    "verdict": {"en": "{exercise}: {state} ({elapsed:.2f} s)", "ja": "{exercise}: {state}（{elapsed:.2f} 秒）"},
    "after-fail": {"en": "Fix `{file}` and check again; `conclab hint {exercise}` gives a hint.",
                   "ja": "`{file}` を直して、もう一度チェックしてください。`conclab hint {exercise}` でヒントが見られます。"},
    "after-pass": {"en": "Well done. `conclab solution {exercise}` shows the reference solution; "
                         "`conclab check` moves on to the next exercise.",
                   "ja": "よくできました。`conclab solution {exercise}` で模範解答が見られます。"
                         "`conclab check` で次の演習に進みます。"},
    "hint-title": {"en": "Hint {number}/{total} for {exercise}", "ja": "{exercise} のヒント {number}/{total}"},
    "hint-more": {"en": "Run `conclab hint {exercise}` again for the next hint.",
                  "ja": "次のヒントを見るには、もう一度 `conclab hint {exercise}` を実行してください。"},
    "hint-last": {"en": "That was the last hint.", "ja": "これが最後のヒントです。"},
    "hint-no-ws": {"en": "(Outside a workspace only the first hint is shown; `conclab exercises init` makes one.)",
                   "ja": "（ワークスペースの外では最初のヒントだけを表示します。`conclab exercises init` で作成できます。）"},
    # watch mode
    "w-title": {"en": "conclab watch · exercise {place}/{total}: {exercise}",
                "ja": "conclab watch · 演習 {place}/{total}: {exercise}"},
    "w-passed": {"en": "{passed}/{total} passed", "ja": "{passed}/{total} 合格"},
    "w-file": {"en": "Edit `{file}` and save it: conclab checks it each time.",
               "ja": "`{file}` を編集して保存してください。保存するたびにチェックします。"},
    "w-checking": {"en": "checking {file} ...", "ja": "{file} をチェックしています..."},
    "w-stamp": {"en": "checked at {time}", "ja": "{time} にチェック"},
    "w-after-fail": {"en": "Fix it and save again. Press h for a hint ({shown} of {total} seen).",
                     "ja": "直してもう一度保存してください。h でヒント（{total} 個中 {shown} 個を表示済み）。"},
    "w-after-pass": {"en": "Passed! Press n for the next exercise ({next}).",
                     "ja": "合格です！ n で次の演習（{next}）に進みます。"},
    "w-all-passed": {"en": "Passed! That was the last exercise not yet passed. Press q to quit.",
                     "ja": "合格です！ これで未合格の演習はありません。q で終了します。"},
    "w-keys": {"en": "keys: h hint · n next · r check again · l list · v all · q quit · ? help",
               "ja": "キー: h ヒント · n 次へ · r 再チェック · l 一覧 · v 全文 · q 終了 · ? 説明"},
    "w-more": {"en": "... {count} more lines: press v to see them all",
               "ja": "... ほか {count} 行: v ですべて表示します"},
    "w-keys-long": {"en": "h shows one more hint of this exercise; n moves to the next exercise not yet "
                          "passed; r checks the file again without saving; l lists every exercise; "
                          "v shows the whole verdict when it is taller than the window; "
                          "q (or Ctrl-C) quits. Keys act at once, no Enter needed.",
                    "ja": "h でこの演習のヒントを 1 つずつ表示します。n で未合格の次の演習に進みます。"
                          "r で保存せずにもう一度チェックします。l ですべての演習を一覧表示します。"
                          "v で画面に収まらない結果を全文表示します。"
                          "q（または Ctrl-C）で終了します。キーは Enter なしで効きます。"},
    "w-keys-lines": {"en": "(Keys need Enter here: standard input is not a terminal.)",
                     "ja": "（標準入力が端末ではないため、キーのあとに Enter が必要です。）"},
    "w-list-title": {"en": "Exercises", "ja": "演習の一覧"},
    "all-done": {"en": "Every exercise has passed. Well done!", "ja": "すべての演習に合格しました。おつかれさまでした！"},
})


def verdict_view(verdict: Any, exercise: Any, lang: str) -> Any:
    """The header line and one wrapped row per check (✓ or ✗, name, what was seen)."""
    from rich.console import Group
    from rich.text import Text

    state = MESSAGES.get("passed" if verdict.passed else "failed", lang)
    style = "bold green" if verdict.passed else "bold red"
    header = Text(MESSAGES.get("verdict", lang, exercise=exercise.id, state=state,
                               elapsed=verdict.elapsed_s), style=style)
    rows = [Block(f"{result.name}: {result.detail}",
                  prefix=Text(" ✓ ", style="green") if result.passed else Text(" ✗ ", style="red"))
            for result in verdict.checks]
    return Group(header, *rows)


def after_check(verdict: Any, exercise: Any, lang: str) -> Any:
    key = "after-pass" if verdict.passed else "after-fail"
    return inline(MESSAGES.get(key, lang, exercise=exercise.id, file=exercise.file_name))


def hints_view(exercise: Any, shown: int, lang: str, first: int = 1) -> list[Any]:
    """Hints ``first``..``shown``, each a bold title and its Markdown."""
    from rich.text import Text

    total = len(exercise.hints)
    parts: list[Any] = []
    for number in range(first, shown + 1):
        parts.append(Text(MESSAGES.get("hint-title", lang, number=number, total=total, exercise=exercise.id),
                          style="bold"))
        parts.append(markdown(pick(exercise.hints[number - 1], lang)))
        parts.append(Text(""))
    return parts


def hint_footer(exercise: Any, shown: int, lang: str, in_workspace: bool) -> Any:
    if not in_workspace:
        return inline(MESSAGES.get("hint-no-ws", lang))
    if shown < len(exercise.hints):
        return inline(MESSAGES.get("hint-more", lang, exercise=exercise.id))
    return inline(MESSAGES.get("hint-last", lang))


def attempts(checks: int, hints: int, lang: str) -> str:
    """"3 checks, 1 hint" / "チェック 3 回、ヒント 1 回"."""
    separator = "、" if lang == "ja" else ", "
    return count(checks, "check", lang) + separator + count(hints, "hint", lang)


def progress_view(title: str, rows: list[dict[str, Any]], passed: int, lang: str) -> Any:
    """``conclab progress``: the title, a bar with k/N, one row per exercise whose title wraps under itself."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    filled = round(24 * passed / max(1, len(rows)))  # drawn in characters: it reads without colour too
    bar = Text("█" * filled, style="green") + Text("░" * (24 - filled), style="dim") + Text(f" {passed}/{len(rows)}")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, width=3)
    grid.add_column(no_wrap=True)
    grid.add_column()
    for row in rows:
        mark = Text("[✓]", style="green") if row["passed"] else Text("[ ]")
        detail = Text(row["title"])
        if row["attempts"] or row["hints_shown"]:  # an exercise not yet tried says nothing more
            detail.append(f"  ({attempts(row['attempts'], row['hints_shown'], lang)})", style="dim")
        grid.add_row(mark, Text(row["id"], style="cyan"), detail)
    return Group(Text(title, style="bold"), bar, grid)

