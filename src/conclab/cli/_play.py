"""``conclab play [LEVEL] [--list]``: be the scheduler and break real Python code."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import click

from conclab.cli._common import lang_option, make_console, resolve_lang
from conclab.cli._help import LocalizedCommand
from conclab.errors import ConclabError
from conclab.i18n import Messages

MESSAGES = Messages({
    "no-workspace": {"en": "(progress is kept in an exercises workspace: 'conclab exercises init')",
                     "ja": "（進み具合は演習のワークスペースに保存されます: 'conclab exercises init'）"},
    "all-won": {"en": "Every level is cleared. Replay one with 'conclab play LEVEL'.",
                "ja": "すべてのレベルをクリアしました。'conclab play LEVEL' でもう一度遊べます。"},
    "summary": {"en": "Play the scheduler: {won}/{total} levels cleared ('conclab play --list')",
                "ja": "スケジューラーになって遊ぶ: {total} レベル中 {won} クリア（'conclab play --list'）"},
})


def _store(directory: str | None) -> Any:
    """The workspace's progress store, or None when there is no workspace here."""
    from conclab.exercises import Workspace

    try:
        return Workspace.find(explicit=Path(directory) if directory else None).progress
    except ConclabError:
        if directory:
            raise
        return None


def _won_levels(store: Any) -> dict[str, Any]:
    if store is None:
        return {}
    return {name: entry for name, entry in store.load().levels.items() if entry.won}


def play_summary(lang: str, directory: str | None = None) -> str | None:
    """One line for the home screen and the report: levels cleared (None without a workspace)."""
    from conclab.curriculum import levels

    try:
        store = _store(directory)
    except (ConclabError, OSError):
        return None
    if store is None:
        return None
    won = _won_levels(store)
    names = levels.level_names()
    return MESSAGES.get("summary", lang, won=sum(name in won for name in names), total=len(names))


def _print_list(lang: str, store: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    from conclab.curriculum import levels
    from conclab.play import MESSAGES as PLAY

    console = make_console()
    won = _won_levels(store)
    names = levels.level_names()
    console.print(PLAY.get("list-title", lang, won=sum(n in won for n in names), total=len(names)),
                  style="bold")
    number = 0
    for act_number, act in enumerate(levels.ACTS, start=1):
        console.print(PLAY.get("act", lang, n=act_number, title=act.title.get(lang, act.title["en"])),
                      style="bold")
        table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1))
        for width in (3, 1, 20, 26):
            table.add_column(min_width=width)
        table.add_column()
        for name in act.levels:
            number += 1
            level = levels.load(name)
            entry = won.get(name)
            mark = Text("✓", style="green") if entry else Text("·", style="dim")
            notes = []
            if entry is not None and entry.best_moves is not None:
                notes.append(PLAY.get("list-best", lang, n=entry.best_moves))
            if level.correct:
                notes.append(PLAY.get("list-correct", lang))
            table.add_row(f"{number:>3}", mark, Text(name, style="cyan"), level.text("title", lang),
                          Text(" · ".join(notes), style="dim"))
        console.print(table)
    if store is None:
        console.print(MESSAGES.get("no-workspace", lang), style="dim")


def _record(store: Any) -> Any:
    """A callback for the key loop: save each run played to the end, once."""
    recorded: set[int] = set()

    def after(screen: Any) -> None:
        position = screen.game.position
        if store is None or not position.finished or id(position) in recorded:
            return
        recorded.add(id(position))
        won = screen.game.won or (screen.game.level.correct and screen.cleared)
        store.record_level(screen.game.level.name, won, len(screen.game.moves))

    return after


PLAY_HELP = Messages({
    "short": {"en": "Be the scheduler and break real Python code.",
              "ja": "スケジューラーになって、本物の Python コードを壊します。"},
    "help": {"en": "Play the scheduler: pick which thread runs next until the real program breaks.\n\n"
                   "Keys: a thread's number runs it one step, u undoes, r restarts, h hints,\n? explains the keys, "
                   "q quits. Without LEVEL, the first level not yet cleared.",
             "ja": "スケジューラーになって遊びます: 本物のプログラムが壊れるまで、次に動くスレッドを選びます。\n\n"
                   "キー: スレッドの番号でそのスレッドを 1 ステップ進めます。u で戻し、r でやり直し、h でヒント、"
                   "? でキーの説明、q で終了です。LEVEL を省くと、まだクリアしていない最初のレベルを遊びます。"},
    "--list": {"en": "List the levels with your progress.",
               "ja": "レベルを進み具合と一緒に一覧表示します。"},
    "--dir": {"en": "The exercises workspace that keeps your progress (default: here or above).",
              "ja": "進み具合を保存する演習のワークスペース（既定: 今のフォルダーかその上）。"},
})


@click.command("play", cls=LocalizedCommand, texts=PLAY_HELP)
@click.argument("level", required=False)
@click.option("--list", "list_levels", is_flag=True)
@click.option("--dir", "directory", type=click.Path(file_okay=False), default=None)
@lang_option
def play_command(level: str | None, list_levels: bool, directory: str | None, lang: str | None) -> None:
    """Play the scheduler: pick which thread runs next until the real program breaks.

    Keys: a thread's number runs it one step, u undoes, r restarts, h hints,
    ? explains the keys, q quits. Without LEVEL, the first level not yet cleared.
    """
    from conclab.curriculum import levels
    from conclab.play import Game, Screen, play, stdin_keys

    lang = resolve_lang(lang)
    store = _store(directory)
    if list_levels:
        _print_list(lang, store)
        return
    names = levels.level_names()
    if level is None:
        won = _won_levels(store)
        remaining = [name for name in names if name not in won]
        if not remaining:
            click.echo(MESSAGES.get("all-won", lang))
            return
        level = remaining[0]
    chosen = levels.load(level)
    console = make_console()
    tty = sys.stdin.isatty() and sys.stdout.isatty()
    mode, keys = stdin_keys()
    with mode if tty else contextlib.nullcontext():
        while True:
            screen = Screen(Game(chosen, lang), names.index(chosen.name) + 1, len(names), lang)
            outcome = play(screen, keys, console, clear=tty, after=_record(store))
            if outcome != "next" or names.index(chosen.name) + 1 >= len(names):
                break
            chosen = levels.load(names[names.index(chosen.name) + 1])
