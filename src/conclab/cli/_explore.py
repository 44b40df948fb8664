"""``conclab explore``: find races and deadlocks in a scenario by controlling the schedule."""

from __future__ import annotations

import re
import sys
from typing import Any

import click

from conclab._interrupt import Terminated
from conclab._process import reaping_children
from conclab.cli._common import Seconds, lang_option, make_console, print_json, resolve_lang
from conclab.cli._help import LocalizedCommand
from conclab.errors import ConclabError
from conclab.i18n import Messages

MESSAGES = Messages({
    "list-title": {"en": "Built-in scenarios (conclab explore NAME):",
                   "ja": "組み込みシナリオ（conclab explore 名前 で実行）:"},
    "expect-bug": {"en": "bug", "ja": "バグあり"},
    "expect-none": {"en": "fixed", "ja": "修正版"},
    "fixes": {"en": " (fixes {name})", "ja": "（{name} の修正版）"},
    "need-scenario": {"en": "give a scenario file or a built-in name, for example 'conclab explore lost-update'; "
                            "see 'conclab explore --list'",
                      "ja": "シナリオファイルか組み込み名を指定してください（例: conclab explore lost-update）。"
                            "一覧は conclab explore --list"},
    "threads": {"en": "Threads: {threads}", "ja": "スレッド: {threads}"},
    "tasks": {"en": "Tasks: {threads}", "ja": "タスク: {threads}"},
    "final": {"en": "Final state: {state}", "ja": "最終状態: {state}"},
    "replay": {"en": "Replay it: conclab explore {scenario} --replay {schedule}",
               "ja": "再生するには: conclab explore {scenario} --replay {schedule}"},
    "switches": {"en": "{n} context switches", "ja": "コンテキストスイッチ {n} 回"},
    "play-intro": {
        "en": "You are the scheduler. At each step pick the thread that runs next "
              "(Enter keeps the current one, q quits). Try to break the code.",
        "ja": "あなたがスケジューラーです。各ステップで次に動かすスレッドを選んでください "
              "（Enter で今のスレッドを続行、q で終了）。コードを壊してみましょう。"},
    "play-choice": {"en": "Choice {n}: who runs next?", "ja": "選択 {n}: 次に動かすのは?"},
    "play-shared": {"en": "Shared state: {state}", "ja": "共有状態: {state}"},
    "play-prompt": {"en": "thread [{options}] (Enter = T{default}, q = quit)",
                    "ja": "スレッド [{options}]（Enter = T{default}、q = 終了）"},
    "play-bad": {"en": "'{answer}' is not a thread that can run now; type one of {options}",
                 "ja": "'{answer}' は今動かせるスレッドではありません。{options} のどれかを入力してください"},
    "play-next": {"en": "next: {op}", "ja": "次: {op}"},
    "play-broke": {"en": "You broke it!", "ja": "壊せました!"},
    "play-held": {"en": "No bug this time: check() passed. Try another order.",
                  "ja": "今回はバグなし: check() は成功しました。別の順番を試してみましょう。"},
    "play-stopped": {"en": "Stopped.", "ja": "中断しました。"},
    "exited": {"en": "finding: the scenario called sys.exit({code}) (at module level, in setup(), a thread "
                     "or check()); a scenario reports a violation by raising AssertionError instead",
               "ja": "発見: シナリオが sys.exit({code}) を呼びました（モジュールの最上位、setup()、スレッド、"
                     "check() のどこか）。違反は AssertionError を送出して報告してください"},
    "progress": {"en": "exploring: {count} schedules, {seconds} s (Ctrl-C stops)",
                 "ja": "探索中: スケジュール {count} 通り、{seconds} 秒（Ctrl-C で中断）"},
    "status-runnable": {"en": "runnable", "ja": "実行可能"},
    "status-blocked": {"en": "blocked", "ja": "待機中"},
    "status-done": {"en": "done", "ja": "終了"},
    "status-not started": {"en": "not started", "ja": "未開始"},
})

MAX_ROWS = 60
_SCHEDULE_COUNTS = re.compile(r"(\d+)(?:x(\d+))?")


def _check_replay(replay: str, step_limit: int) -> None:
    """Refuse at the door a schedule longer than any run can be (``0x1000000000`` would need 8 GB).

    A run makes at most one choice per step, so a schedule of more than
    ``--step-limit`` choices cannot be replayed; its parts are counted, not expanded.
    """
    text = replay.strip()
    text = text.split(":", 1)[1] if text.startswith("line:") else text
    choices = 0
    for part in text.split(","):
        match = _SCHEDULE_COUNTS.fullmatch(part.strip())
        if match:  # a malformed part is left to the explorer's own message
            choices += int(match.group(2) or 1)
    if choices > step_limit:
        raise ConclabError(f"the schedule {_short(replay)} has {choices} choices, more than the step limit "
                           f"of {step_limit} allows; replay the schedule printed with a finding, "
                           f"or raise --step-limit",
                           ja=f"スケジュール {_short(replay)} の選択は {choices} 回で、ステップ上限 {step_limit} を超えます。発見と一緒に表示されたスケジュールを再生するか、--step-limit を上げてください")


def _short(text: str, width: int = 40) -> str:
    return repr(text if len(text) <= width else text[:width] + "...")


def _exited(code: object, lang: str) -> ConclabError:
    """The scenario called ``sys.exit``: a finding (exit 1), not conclab's own exit with its code."""
    shown = code if isinstance(code, int) or code is None else repr(code)
    error = ConclabError(MESSAGES.get("exited", "en", code=shown),
                         ja=MESSAGES.get("exited", "ja", code=shown))
    error.exit_code = 1
    return error


def _state_text(state: dict[str, str]) -> str:
    return ", ".join(f"{key} = {value}" for key, value in state.items()) or "-"


def _print_list(lang: str, as_json: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    from conclab import explore

    infos = [explore.builtin_info(name, lang) for name in explore.builtin_names()]
    if as_json:
        print_json({"scenarios": infos})
        return
    console = make_console()
    console.print(MESSAGES.get("list-title", lang), style="bold")
    width = max(len(info["name"]) for info in infos) + 4
    grid = Table.grid(padding=(0, 0))  # the summary wraps under itself, the names stay a column
    grid.add_column(no_wrap=True, width=width)
    grid.add_column()
    for info in infos:
        tag = MESSAGES.get("expect-none" if info["expect"] == "none" else "expect-bug", lang)
        extra = MESSAGES.get("fixes", lang, name=info["fixes"]) if info["fixes"] else ""
        grid.add_row(Text(f"  {info['name']}"), Text(f"[{tag}] {info['summary']}{extra}"))
    console.print(grid)


def _print_steps(console: Any, result: Any, lang: str) -> None:
    from conclab.explore import StepTable

    console.print(StepTable(result, lang, max_rows=MAX_ROWS, width=console.width))


def _print_result(result: Any, lang: str, scenario: str) -> None:
    console = make_console()
    key = "tasks" if result.kind_of_lanes == "task" else "threads"
    labels = ", ".join(f"T{index} = {label}" for index, label in enumerate(result.threads))
    finding = result.finding
    if finding is None and not result.steps:
        console.print(result.summary(lang), highlight=False, markup=False)
        return
    if finding is not None:
        console.print(result.summary(lang), style="bold red", highlight=False, markup=False)
        console.print(finding.message, highlight=False, markup=False)
    else:
        console.print(result.summary(lang), highlight=False, markup=False)
    console.print(MESSAGES.get(key, lang, threads=labels), highlight=False, markup=False)
    _print_steps(console, result, lang)
    console.print(MESSAGES.get("final", lang, state=_state_text(result.final_state)),
                  highlight=False, markup=False)
    schedule = finding.schedule if finding is not None else result.schedule
    if schedule is not None:
        if finding is not None:
            console.print(MESSAGES.get("switches", lang, n=finding.context_switches), highlight=False)
        console.print(MESSAGES.get("replay", lang, scenario=scenario, schedule=schedule or "''"),
                      highlight=False, markup=False)


def _print_timeline(result: Any) -> None:
    from conclab.timeline import TerminalTimeline

    spans = result.spans()
    if spans:
        make_console().print(TerminalTimeline(spans, width=make_console().width, lang=result.lang))


class _Progress:
    """The line a search that takes more than a second keeps up to date on a terminal (stderr).

    A fixed program with many threads can take ten seconds or more; without it
    the learner sees nothing and cannot tell a search from a hang. It is called
    in the process that explores (the forked child) and the command clears it.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.tty = sys.stderr.isatty()

    def __call__(self, started: int, seconds: float) -> None:
        if self.tty and seconds >= 1.0:
            line = MESSAGES.get("progress", self.lang, count=f"{started:,}", seconds=f"{seconds:.0f}")
            sys.stderr.write("\r" + line + "\x1b[K")
            sys.stderr.flush()

    def clear(self) -> None:
        if self.tty:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


class _Player:
    """The ``--interactive`` prompt: show every thread and the shared state, read a choice."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.autoplay = False

    def __call__(self, point: Any) -> int | None:
        from conclab.explore import Stop

        lang = self.lang
        if self.autoplay:
            return None
        click.echo("")
        click.echo(MESSAGES.get("play-choice", lang, n=point.index + 1))
        for view in point.threads:
            marker = ">" if view.index == point.current else " "
            status = MESSAGES.get(f"status-{view.status}", lang)
            line = f" {marker} {view.name} {view.label:<12} {status:<8} {view.location:<18} {view.source}"
            click.echo(line.rstrip())
            if view.next_op and view.status == "runnable":
                click.echo(f"      {MESSAGES.get('play-next', lang, op=view.next_op)}")
        click.echo(MESSAGES.get("play-shared", lang, state=_state_text(point.shared)))
        options = "/".join(str(t) for t in point.enabled)
        while True:
            try:
                answer = click.prompt(MESSAGES.get("play-prompt", lang, options=options, default=point.default),
                                      default="", show_default=False)
            except click.exceptions.Abort:
                self.autoplay = True   # input ended: let the run finish on the default schedule
                return None
            answer = answer.strip().lower()
            if answer in ("q", "quit", "exit"):
                raise Stop()
            if not answer:
                return None
            digits = answer[1:] if answer.startswith("t") else answer
            if digits.isdigit() and int(digits) in point.enabled:
                return int(digits)
            click.echo(MESSAGES.get("play-bad", lang, answer=answer, options=options))


EXPLORE_HELP = Messages({
    "short": {"en": "Find races and deadlocks by controlling the schedule.",
              "ja": "インターリーブ探索で競合状態とデッドロックを探します。"},
    "help": {"en": "Run SCENARIO (a file or a built-in name) under a controlled scheduler.\n\n"
                   "Exit code 1 when a race, deadlock or livelock is found, 0 when none was\nfound in the schedules "
                   "explored, 2 for bad input.",
             "ja": "SCENARIO（ファイル、または組み込みの名前）を、制御されたスケジューラーの下で実行します（インターリーブ探索）"
                   "。\n\n"
                   "競合状態、デッドロック、ライブロックが見つかれば終了コードは 1、探索したスケジュールで見つからなければ "
                   "0、入力が正しくなければ 2 です。"},
    "--list": {"en": "List the built-in scenarios.",
               "ja": "組み込みのシナリオを一覧表示します。"},
    "--strategy": {"en": "auto: dfs first, then dfs, pos, pct and random in turn.",
                   "ja": "auto: まず dfs、そのあと dfs、pos、pct、random を順に使います。"},
    "--schedules": {"en": "How many schedules to try at most. [default: 1000, and auto may go on for up to 5 s "
                          "to exhaust its preemption bound]",
                    "ja": "試すスケジュールの最大数。[既定値: 1000。auto はプリエンプションの上限内を調べ尽くすまで、"
                          "さらに最大 5 秒続けることがあります]"},
    "--seed": {"en": "Seed for random, pct and pos.",
               "ja": "random、pct、pos の乱数シード。"},
    "--preemptions": {"en": "Preemption bound for dfs.",
                      "ja": "dfs のプリエンプションの上限。"},
    "--replay": {"en": "Replay one schedule string (as printed with a finding) step by step.",
                 "ja": "スケジュール文字列（発見と一緒に表示されたもの）を 1 つ、1 ステップずつ再生します。"},
    "--granularity": {"en": "Scheduling points before each bytecode or each line.",
                      "ja": "スケジュールを切り替える位置: バイトコードごと（opcode）か、行ごと（line）。"},
    "--step-limit": {"en": "Steps per schedule before reporting a livelock or busy wait.",
                     "ja": "ライブロックやビジーウェイトとして報告するまでの、1 スケジュールあたりのステップ数。"},
    "--timeout": {"en": "Seconds a thread may stay in a real blocking call before it is reported.",
                  "ja": "スレッドが実際のブロッキング呼び出しに留まってよい秒数。超えると報告します。"},
    "--timeline": {"en": "Also draw the reported schedule as a timeline.",
                   "ja": "報告したスケジュールをタイムラインとしても描きます。"},
    "--interactive": {"en": "Play the scheduler: you pick who runs next.",
                      "ja": "スケジューラーになって遊びます: 次に動くスレッドをあなたが選びます。"},
    "--json": {"en": "Print one JSON object.",
               "ja": "JSON オブジェクトを 1 つ出力します。"},
})


@click.command("explore", cls=LocalizedCommand, texts=EXPLORE_HELP)
@click.argument("scenario", required=False)
@click.option("--list", "list_builtins", is_flag=True)
@click.option("--strategy", type=click.Choice(["auto", "random", "pct", "pos", "dfs"]), default="auto",
              show_default=True)
@click.option("--schedules", type=click.IntRange(min=1), default=None)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--preemptions", type=click.IntRange(min=0), default=2, show_default=True)
@click.option("--replay", metavar="SCHEDULE", default=None)
@click.option("--granularity", type=click.Choice(["opcode", "line"]), default="opcode", show_default=True)
@click.option("--step-limit", type=click.IntRange(min=10), default=10_000, show_default=True)
@click.option("--timeout", type=Seconds(0.05, minimum_allowed=True), default=2.0, show_default=True)
@click.option("--timeline", is_flag=True)
@click.option("--interactive", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
@lang_option
def explore_command(scenario: str | None, list_builtins: bool, strategy: str, schedules: int | None, seed: int,
                    preemptions: int, replay: str | None, granularity: str, step_limit: int,
                    timeout: float, timeline: bool, interactive: bool, as_json: bool,
                    lang: str | None) -> None:
    """Run SCENARIO (a file or a built-in name) under a controlled scheduler.

    Exit code 1 when a race, deadlock or livelock is found, 0 when none was
    found in the schedules explored, 2 for bad input.
    """
    from conclab import explore

    lang = resolve_lang(lang)
    if list_builtins:
        _print_list(lang, as_json)
        return
    if not scenario:
        raise ConclabError(MESSAGES.get("need-scenario", "en"),
                           ja=MESSAGES.get("need-scenario", "ja"))
    if interactive and (replay is not None or as_json):
        raise ConclabError("--interactive cannot be combined with --replay or --json; drop one of them",
                           ja="--interactive は --replay や --json と一緒に使えません。どちらかを外してください")
    if replay is not None:
        _check_replay(replay, step_limit)
    player = _Player(lang) if interactive else None
    if player is not None:
        make_console().print(MESSAGES.get("play-intro", lang), highlight=False, markup=False)
    try:
        with reaping_children():  # a scenario that starts processes leaves none behind the command
            options: dict[str, Any] = {
                "strategy": strategy, "schedules": schedules, "seed": seed, "preemptions": preemptions,
                "replay": replay, "granularity": granularity, "step_limit": step_limit, "lang": lang,
                "timeout": timeout}
            # A scenario that calls os._exit or crashes in C ends a forked child, not conclab;
            # the player talks to the learner, so it stays in this process.
            progress = _Progress(lang)
            try:
                result = (explore.run(scenario, interactive=player, **options) if player is not None
                          else explore.run_contained(scenario, progress=progress, **options))
            finally:
                progress.clear()
    except explore.Stop:
        click.echo(MESSAGES.get("play-stopped", lang))
        return
    except Terminated:
        raise
    except SystemExit as exc:
        raise _exited(exc.code, lang) from None
    if as_json:
        print_json(result.to_json())
    else:
        if player is not None:
            click.echo("")
            click.echo(MESSAGES.get("play-broke" if result.finding else "play-held", lang))
        _print_result(result, lang, scenario)
        if timeline:
            _print_timeline(result)
    if result.finding is not None:
        sys.exit(1)
