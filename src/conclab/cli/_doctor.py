"""``conclab doctor``: what this machine offers for the lessons."""

from __future__ import annotations

import os

import click
from rich.cells import cell_len

from conclab.cli._common import lang_option, make_console, print_json, resolve_lang
from conclab.cli._help import LocalizedCommand
from conclab.i18n import Messages
from conclab.machine import Machine, machine_facts, port_is_free

PORTS = (8000, 8080)

MESSAGES = Messages({
    "title": {"en": "conclab doctor: this machine", "ja": "conclab doctor: このマシンの情報"},
    "python": {"en": "Python", "ja": "Python"},
    "build": {"en": "build", "ja": "ビルド"},
    "free-threaded": {"en": "free-threaded", "ja": "フリースレッド版"},
    "standard": {"en": "standard (with the GIL)", "ja": "通常版（GIL あり）"},
    "gil": {"en": "GIL", "ja": "GIL"},
    "on": {"en": "on: one thread runs Python code at a time",
           "ja": "有効: Python コードを実行できるスレッドは同時に 1 つ"},
    "off": {"en": "off: threads run Python code in parallel",
            "ja": "無効: スレッドが Python コードを並列に実行できる"},
    "reenabled": {"en": "on again, although this build can run without it: {why}",
                  "ja": "このビルドは GIL なしで動けますが、再び有効になっています: {why}"},
    "why-env": {"en": "PYTHON_GIL=1 is set", "ja": "PYTHON_GIL=1 が設定されています"},
    "why-import": {"en": "a module imported so far (a C extension) does not declare that it runs without the GIL",
                   "ja": "ここまでに import したモジュール（C 拡張）が、GIL なしで動けると宣言していません"},
    "cores": {"en": "cores", "ja": "コア数"},
    "cores-value": {"en": "{cores} usable ({total} in the machine)", "ja": "使用可能 {cores}（マシン全体 {total}）"},
    "start": {"en": "start method", "ja": "起動方式"},
    "start-value": {"en": "{method} (available: {all})", "ja": "{method}（使えるもの: {all}）"},
    "locale": {"en": "locale", "ja": "ロケール"},
    "curl": {"en": "curl", "ja": "curl"},
    "missing": {"en": "not installed (the web lessons drive the servers themselves)",
                "ja": "未インストール（Web のレッスンは conclab 自身がサーバーにアクセスします）"},
    "ports": {"en": "ports", "ja": "ポート"},
    "free": {"en": "free", "ja": "空き"},
    "busy": {"en": "in use", "ja": "使用中"},
    "one-core": {"en": "Only one core: the parallelism claims will be reported as not applicable.",
                 "ja": "コアが 1 つだけなので、並列処理の主張は「対象外」として報告されます。"},
    "ready": {"en": "Ready. Start with: conclab run concepts", "ja": "準備完了です。まずは conclab run concepts から始めましょう。"},
})


def gil_reenabled(facts: Machine) -> bool:
    """A free-threaded build whose GIL is on: PYTHON_GIL=1, or an extension module turned it back on."""
    return facts.free_threaded and facts.gil_enabled


def gil_text(facts: Machine, lang: str) -> str:
    if not gil_reenabled(facts):
        return MESSAGES.get("on" if facts.gil_enabled else "off", lang)
    why = "why-env" if os.environ.get("PYTHON_GIL") == "1" else "why-import"
    return MESSAGES.get("reenabled", lang, why=MESSAGES.get(why, lang))


DOCTOR_HELP = Messages({
    "short": {"en": "Show the interpreter, GIL, cores and tools here.",
              "ja": "インタープリター、GIL、コア数、ツールを表示します。"},
    "help": {"en": "Show the interpreter, GIL state, cores, start method, locale and tools.",
             "ja": "インタープリター、GIL の状態、コア数、起動方式、ロケール、ツールを表示します。"},
    "--json": {"en": "Print one JSON object.",
               "ja": "JSON オブジェクトを 1 つ出力します。"},
})


@click.command("doctor", cls=LocalizedCommand, texts=DOCTOR_HELP)
@click.option("--json", "as_json", is_flag=True)
@lang_option
def doctor_command(as_json: bool, lang: str | None) -> None:
    """Show the interpreter, GIL state, cores, start method, locale and tools."""
    lang = resolve_lang(lang)
    facts = machine_facts()
    ports = {str(port): port_is_free(port) for port in PORTS}
    if as_json:
        print_json(facts.to_json() | {"ports_free": ports, "gil_reenabled": gil_reenabled(facts)})
        return
    msg = MESSAGES.get
    rows = [
        (msg("python", lang), f"{facts.implementation} {facts.python_version}  ({facts.executable})"),
        (msg("build", lang), msg("free-threaded" if facts.free_threaded else "standard", lang)),
        (msg("gil", lang), gil_text(facts, lang)),
        (msg("cores", lang), msg("cores-value", lang, cores=facts.cores, total=facts.cpu_count)),
        (msg("start", lang), msg("start-value", lang, method=facts.start_method,
                                 all=", ".join(facts.start_methods))),
        (msg("locale", lang), facts.locale),
        (msg("curl", lang), facts.curl or msg("missing", lang)),
        (msg("ports", lang), ", ".join(f"{p} {msg('free' if ok else 'busy', lang)}"
                                       for p, ok in ports.items())),
    ]
    console = make_console()
    console.print(msg("title", lang), style="bold")
    width = max(cell_len(name) for name, _ in rows) + 2
    for name, value in rows:
        padding = " " * (width - cell_len(name))  # Japanese characters take two columns
        console.print(f"  {name}{padding}{value}", highlight=False)
    if facts.cores < 2:
        console.print(msg("one-core", lang), style="yellow")
    console.print(msg("ready", lang))
