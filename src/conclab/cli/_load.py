"""``conclab load URL -c C -n N``: send load to a local server and print what was measured."""

from __future__ import annotations

import click

from conclab.cli._common import Seconds, lang_option, print_json, resolve_lang
from conclab.cli._help import LocalizedCommand
from conclab.i18n import Messages
from conclab.services import LoadReport, run_load

MESSAGES = Messages({
    "head": {
        "en": "GET {url}: {requests} requests, {concurrency} in flight",
        "ja": "GET {url}: {requests} 件のリクエストを同時 {concurrency} 件で送信",
    },
    "outcome": {
        "en": "  ok {ok}, errors {errors}",
        "ja": "  成功 {ok} 件、エラー {errors} 件",
    },
    "error_kinds": {
        "en": "  errors by kind: {kinds}",
        "ja": "  エラーの内訳: {kinds}",
    },
    "time": {
        "en": "  time {duration:.2f} s, throughput {rps:.1f} requests/s",
        "ja": "  所要時間 {duration:.2f} 秒、スループット {rps:.1f} 件/秒",
    },
    "latency": {
        "en": "  latency  p50 {p50}  p90 {p90}  p99 {p99}  max {max}",
        "ja": "  レイテンシ  p50 {p50}  p90 {p90}  p99 {p99}  最大 {max}",
    },
    "counter": {
        "en": "  counter: sent {sent}, counted {counted}, lost {lost} (GET /count: {after}, pid {pid})",
        "ja": "  カウンター: 送信 {sent} 件、カウント {counted} 件、失われた更新 {lost} 件 "
              "(GET /count: {after}、pid {pid})",
    },
    "per_process": {
        "en": "  counter: sent {sent}; GET /count still says {after} (pid {pid}): a forking server "
              "counts in each child process, and a child's count ends with it. Nothing was lost; "
              "processes share no memory (use --mode threading to see one shared count)",
        "ja": "  カウンター: 送信 {sent} 件。GET /count は {after} のまま (pid {pid}): フォークするサーバーは"
              "子プロセスごとに数え、その数は子とともに消えます。失われたのではなく、プロセスはメモリを"
              "共有しません（共有カウントを見るには --mode threading）",
    },
    "no_counter": {
        "en": "  counter: none (the server has no GET /count)",
        "ja": "  カウンター: なし（このサーバーには GET /count がありません）",
    },
})


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.1f} ms"


def render_report(report: LoadReport, lang: str) -> list[str]:
    """The report as text lines (also used by the benchmark script's reader)."""
    lines = [
        MESSAGES.get("head", lang, url=report.url, requests=report.requests,
                     concurrency=report.concurrency),
        MESSAGES.get("outcome", lang, ok=report.ok, errors=report.errors),
    ]
    if report.error_kinds:
        kinds = ", ".join(f"{kind} x{n}" for kind, n in sorted(report.error_kinds.items()))
        lines.append(MESSAGES.get("error_kinds", lang, kinds=kinds))
    lines.append(MESSAGES.get("time", lang, duration=report.duration_s, rps=report.throughput_rps))
    summary = report.latency_summary()
    lines.append(MESSAGES.get("latency", lang, **{key: _ms(value) for key, value in summary.items()}))
    if report.counter is None:
        lines.append(MESSAGES.get("no_counter", lang))
    elif report.counter.per_process:
        lines.append(MESSAGES.get("per_process", lang, sent=report.ok, after=report.counter.after,
                                  pid=report.counter.pid))
    else:
        lines.append(MESSAGES.get("counter", lang, sent=report.ok, counted=report.counter.counted,
                                  lost=report.lost, after=report.counter.after,
                                  pid=report.counter.pid))
    return lines


LOAD_HELP = Messages({
    "short": {"en": "Send load to a local server and print the figures.",
              "ja": "ローカルのサーバーに負荷をかけ、測った値を表示します。"},
    "help": {"en": "Send REQUESTS GETs to URL with CONCURRENCY in flight; print latency percentiles,\nerrors, throughput "
                   "and, for the counter server, the count against the requests sent.\n\n"
                   "Only 127.0.0.1, ::1 and localhost are accepted unless --allow-remote is given;\nthe check reads "
                   "the URL and sends nothing when it refuses.",
             "ja": "URL に GET を REQUESTS 回、同時に CONCURRENCY 件ずつ送り、レイテンシのパーセンタイル、"
                   "エラー、スループットを表示します。counter サーバーなら、送ったリクエスト数とカウントも比べます。"
                   "\n\n"
                   "--allow-remote を付けない限り、受け付けるのは 127.0.0.1、::1、localhost "
                   "だけです。断るときは URL を読むだけで、何も送りません。"},
    "--concurrency": {"en": "Requests in flight at every moment.",
                      "ja": "常に送信中にしておくリクエストの数。"},
    "--requests": {"en": "Requests to send in all.",
                   "ja": "送るリクエストの総数。"},
    "--timeout": {"en": "Seconds to wait for each answer.",
                  "ja": "各応答を待つ秒数。"},
    "--json": {"en": "Print one JSON object.",
               "ja": "JSON オブジェクトを 1 つ出力します。"},
    "--allow-remote": {"en": "Allow a target that is not this machine's loopback (only servers you own).",
                       "ja": "このマシンのループバック以外の宛先も許可します（自分のサーバーだけにしてください）。"},
})


@click.command("load", cls=LocalizedCommand, texts=LOAD_HELP)
@click.argument("url")
@click.option("-c", "--concurrency", type=int, default=10, show_default=True)
@click.option("-n", "--requests", "requests", type=int, default=100, show_default=True)
@click.option("--timeout", type=Seconds(), default=30.0, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--allow-remote", is_flag=True)
@lang_option
def load(url: str, concurrency: int, requests: int, timeout: float, as_json: bool,
         allow_remote: bool, lang: str | None) -> None:
    """Send REQUESTS GETs to URL with CONCURRENCY in flight; print latency percentiles,
    errors, throughput and, for the counter server, the count against the requests sent.

    Only 127.0.0.1, ::1 and localhost are accepted unless --allow-remote is given;
    the check reads the URL and sends nothing when it refuses.
    """
    language = resolve_lang(lang)
    report = run_load(url, concurrency, requests, timeout=timeout, allow_remote=allow_remote,
                      lang=language)
    if as_json:
        print_json(report.to_json())
        return
    for line in render_report(report, language):
        click.echo(line)
