"""``conclab trace SCRIPT.py [ARGS...]``: draw what the learner's own script ran, and when."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from conclab.cli._common import Seconds, lang_option, make_console, print_json, resolve_lang
from conclab.cli._help import LocalizedCommand
from conclab.errors import ConclabError
from conclab.i18n import Messages

if TYPE_CHECKING:
    from conclab.timeline import ScriptTrace

MESSAGES = Messages({
    "crashed": {
        "en": "{script} exited with status {code} (its traceback is above); "
              "the timeline shows what ran until then",
        "ja": "{script} は終了ステータス {code} で終わりました（トレースバックは上にあります）。"
              "タイムラインはそこまでに動いたものです",
    },
    "timed-out": {
        "en": "{script} was stopped after {limit:g} s (its threads' stacks are above); "
              "if it needs longer, raise --timeout",
        "ja": "{script} は {limit:g} 秒で停止しました（各スレッドのスタックは上にあります）。"
              "もっと時間が必要なら --timeout を増やしてください",
    },
    "no-trace": {
        "en": "{script} ended before VizTracer could save a trace (exit status {code})",
        "ja": "VizTracer がトレースを保存する前に {script} が終了しました（終了ステータス {code}）",
    },
    "recording": {"en": "Recording {script} (its output follows; stopped after {limit:g} s) ...",
                  "ja": "{script} を記録しています（出力はこのあとに続きます。{limit:g} 秒で停止）..."},
    "wrote": {"en": "wrote {path}", "ja": "{path} に書き出しました"},
})


TRACE_HELP = Messages({
    "short": {"en": "Draw what your own script ran, and when.",
              "ja": "自分のスクリプトが何をいつ実行したかを描きます。"},
    "help": {"en": "Run your own SCRIPT under VizTracer and draw its threads, processes and asyncio tasks.\n\n"
                   "Only your functions (files in the script's folder) and the sleeps, lock\nwaits, joins and I/O "
                   "waits inside them are drawn. Options of conclab go\nanywhere; put '--' before arguments of "
                   "your script that look like them.",
             "ja": "自分の SCRIPT を VizTracer の下で実行し、そのスレッド、プロセス、asyncio "
                   "のタスクを描きます。\n\n"
                   "描くのは自分の関数（スクリプトと同じフォルダーのファイル）と、その中の sleep、ロック待ち、"
                   "join、I/O 待ちだけです。conclab のオプションはどこに置いても構いません。conclab "
                   "のオプションと紛らわしいスクリプトの引数には、前に -- を置いてください。"},
    "--html": {"en": "Also write the timeline as a self-contained HTML page.",
               "ja": "タイムラインを、単体で開ける HTML ページとしても書き出します。"},
    "--trace": {"en": "Also write Chrome trace-event JSON (opens in Perfetto).",
                "ja": "Chrome のトレースイベント JSON としても書き出します（Perfetto で開けます）"
                      "。"},
    "--timeout": {"en": "Stop the script after this many seconds.",
                  "ja": "この秒数が過ぎたらスクリプトを止めます。"},
    "--min-wait": {"en": "Hide sleeps and waits shorter than this many milliseconds.",
                   "ja": "これより短い（ミリ秒）sleep と待ちは描きません。"},
    "--json": {"en": "Print one JSON object (script, exit status, lanes, spans) instead of the chart.",
               "ja": "図の代わりに JSON オブジェクトを 1 つ出力します（スクリプト、終了状態、レーン、スパン）"
                     "。"},
})


@click.command("trace", cls=LocalizedCommand, texts=TRACE_HELP, context_settings={"ignore_unknown_options": True})
@click.argument("script", type=click.Path(dir_okay=True))
@click.argument("script_args", nargs=-1, type=click.UNPROCESSED, metavar="[ARGS]...")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None)
@click.option("--trace", "trace_path", type=click.Path(dir_okay=False), default=None)
@click.option("--timeout", "limit_s", type=Seconds(), default=60.0,
              metavar="SECONDS",
              show_default=True)
@click.option("--min-wait", "min_wait_ms", type=click.FloatRange(min=0), default=1.0, metavar="MS",
              show_default=True)
@click.option("--json", "as_json", is_flag=True)
@lang_option
def trace_command(script: str, script_args: tuple[str, ...], html_path: str | None,
                  trace_path: str | None, limit_s: float, min_wait_ms: float, as_json: bool,
                  lang: str | None) -> None:
    """Run your own SCRIPT under VizTracer and draw its threads, processes and asyncio tasks.

    Only your functions (files in the script's folder) and the sleeps, lock
    waits, joins and I/O waits inside them are drawn. Options of conclab go
    anywhere; put '--' before arguments of your script that look like them.
    """
    from conclab.timeline import check_writable, problem_line, trace_script

    lang = resolve_lang(lang)
    for path in (html_path, trace_path):
        if path:
            check_writable(path)
    min_wait_s = min_wait_ms / 1000
    if not as_json:
        make_console().print(MESSAGES.get("recording", lang, script=Path(script).name, limit=limit_s), style="dim")
    result = trace_script(script, script_args, limit_s=limit_s, min_wait_s=min_wait_s,
                          on_output=None if as_json else (lambda line: click.echo(line, nl=False)))
    name = result.script.name
    problem = problem_line(result, lang)
    if problem and not as_json:
        click.echo(problem, err=True)
        click.echo(result.stderr.rstrip("\n"), err=True)
    elif result.stderr and not as_json:
        click.echo(result.stderr.rstrip("\n"), err=True)
    if result.conversion is None:
        raise ConclabError(MESSAGES.get("no-trace", "en", script=name, code=result.returncode),
                           ja=MESSAGES.get("no-trace", "ja", script=name, code=result.returncode))
    _write_files(result, lang, min_wait_s, html_path, trace_path)
    if as_json:
        print_json(_as_json(result))
    else:
        _print_chart(result, lang, min_wait_s, (html_path, trace_path))
    if result.timed_out:
        raise ConclabError(MESSAGES.get("timed-out", "en", script=name, limit=limit_s),
                           ja=MESSAGES.get("timed-out", "ja", script=name, limit=limit_s))
    if result.crashed:
        raise ConclabError(MESSAGES.get("crashed", "en", script=name, code=result.returncode),
                           ja=MESSAGES.get("crashed", "ja", script=name, code=result.returncode))


def _write_files(result: ScriptTrace, lang: str, min_wait_s: float, html_path: str | None,
                 trace_path: str | None) -> None:
    from conclab.timeline import PerfettoTrace, ScriptTracePage

    if trace_path and result.conversion is not None:
        PerfettoTrace(result.spans, result.conversion.process_names).save(trace_path)
    if html_path:
        ScriptTracePage(result, lang, min_wait_s).save(html_path)


def _as_json(result: ScriptTrace) -> dict[str, Any]:
    from conclab.timeline import Layout

    layout = Layout.from_spans(result.spans)
    return {
        "script": str(result.script), "args": list(result.args),
        "returncode": result.returncode, "timed_out": result.timed_out,
        "elapsed_s": round(result.elapsed_s, 4), "stdout": result.stdout, "stderr": result.stderr,
        "lanes": [{"lane": layout.lane_title(lane), "kind": lane.kind, "pid": lane.pid}
                  for lane in layout.lanes],
        "spans": [span.to_json() for span in result.spans],
    }


def _print_chart(result: ScriptTrace, lang: str, min_wait_s: float,
                 written: tuple[str | None, ...]) -> None:
    from conclab.timeline import TerminalTimeline, chart_title, summary_lines

    console = make_console()
    console.print(TerminalTimeline(result.spans, width=console.width, title=chart_title(result, lang)))
    for line in summary_lines(result, lang, min_wait_s):
        console.print(line, style="dim")
    for path in written:
        if path:
            console.print(MESSAGES.get("wrote", lang, path=path), style="dim")
