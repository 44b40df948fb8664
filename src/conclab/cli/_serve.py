"""``conclab serve counter|practice``: run a local server in the foreground until Ctrl-C.

A thin adapter: the servers live in :mod:`conclab.services`; this module
parses options, prints the address and the log, and turns SIGINT/SIGTERM
into a clean stop (children reaped, no traceback).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from typing import Any

import click

from conclab.cli._common import lang_option, resolve_lang
from conclab.cli._help import LocalizedGroup
from conclab.i18n import Messages
from conclab.services import (
    COUNTERS,
    LOOPBACK,
    MODES,
    BackgroundServer,
    CounterServer,
    LogEvent,
    is_loopback_host,
)
from conclab.services import PracticeServer as _PracticeServer
from conclab.services.counter import check_counter_options

MESSAGES = Messages({
    "counter_up": {
        "en": "counter server (mode {mode}, counter {counter}, work {work:g} s) listening on "
              "{url}/  (Ctrl-C to stop)",
        "ja": "カウンターサーバー（モード {mode}、カウンター {counter}、処理時間 {work:g} 秒） を "
              "{url}/ で起動しました（Ctrl-C で停止）",
    },
    "practice_up": {
        "en": "practice server listening on {url}/  (endpoints: {url}/ ; Ctrl-C to stop)",
        "ja": "練習用サーバーを {url}/ で起動しました（エンドポイント一覧: {url}/ 、Ctrl-C で停止）",
    },
    "counter_down": {
        "en": "stopped: handled {handled} requests; the count in this process is {count}",
        "ja": "停止しました: 処理したリクエストは {handled} 件、このプロセスのカウントは {count} です",
    },
    "practice_down": {
        "en": "stopped: served {served} requests, at most {peak} at once",
        "ja": "停止しました: 応答したリクエストは {served} 件、同時に処理した最大数は {peak} 件です",
    },
    "not_loopback": {
        "en": "note: --host {host} makes this server reachable from other machines on the network; "
              "use --host 127.0.0.1 to keep it on this machine",
        "ja": "注意: --host {host} を指定したため、このサーバーにはネットワーク上のほかのマシンからも"
              "接続できます。このマシンだけで使うなら --host 127.0.0.1 を指定してください",
    },
})

#: ``serve counter``'s default work: long enough to type three ``curl localhost:8000 &`` by hand
#: while the first request still works, as in the bootcamp hands-on (the labs pass their own).
MANUAL_WORK_S = 5.0


def warn_if_not_loopback(host: str, lang: str) -> None:
    """One line on stderr when the server will be reachable from other machines."""
    if not is_loopback_host(host):
        click.echo(MESSAGES.get("not_loopback", lang, host=host), err=True)


def serving_host(host: str | None, lang: str) -> str:
    """``--host`` as given (warned about unless loopback), else loopback, or 0.0.0.0 in conclab's container.

    Inside the container (``CONCLAB_CONTAINER`` set by its Dockerfile) only the
    ports published with ``-p`` reach the server, so the default says nothing.
    """
    if host is not None:
        warn_if_not_loopback(host, lang)
        return host
    return "0.0.0.0" if os.environ.get("CONCLAB_CONTAINER") else LOOPBACK


def _print_event(event: LogEvent) -> None:
    click.echo(event.line)


def run_until_signal(server: BackgroundServer, banner: Callable[[str], str]) -> None:
    """Start ``server``, print ``banner(url)``, serve until SIGINT or SIGTERM, then stop it.

    The signal handlers only set an event; the stop itself happens here, in
    the main thread, so a forking server waits for and reaps its children.
    """
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    previous: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, on_signal)
    try:
        server.start()  # a port in use raises here: one line, exit 2
        click.echo(banner(server.url))
        while not stop.wait(0.25):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


SERVE_HELP = Messages({
    "short": {"en": "Run a local server (counter or practice).",
              "ja": "ローカルのサーバー（counter か practice）を動かします。"},
    "help": {"en": "Run a local server (counter or practice) on 127.0.0.1 until Ctrl-C.",
             "ja": "ローカルのサーバー（counter か practice）を 127.0.0.1 で、Ctrl-C "
                   "を押すまで動かします。"},
})


@click.group("serve", cls=LocalizedGroup, texts=SERVE_HELP)
def serve() -> None:
    """Run a local server (counter or practice) on 127.0.0.1 until Ctrl-C."""


SERVE_COUNTER_HELP = Messages({
    "short": {"en": "A web server that counts its requests.",
              "ja": "リクエストを数える Web サーバーです。"},
    "help": {"en": "A web server that counts its requests (GET /count reads the count as JSON).\n\n"
                   "Each request logs start and end with the count before and after. Try\n'curl localhost:8000 "
                   "&' three times from another terminal (each request\nworks 5 s by default), then the other counters.",
             "ja": "リクエストを数える Web サーバーです（GET /count でカウントを JSON で読めます）"
                   "。\n\n"
                   "各リクエストは、開始と終了を前後のカウントと一緒にログに出します。別のターミナルから curl "
                   "localhost:8000 & を 3 回試してください（既定では各リクエストが 5 秒かかります）"
                   "。次に、ほかのカウンターも試してください。"},
    "--mode": {"en": "How requests are served: one at a time, a thread, a child process, or a task each.",
               "ja": "リクエストの処理のしかた: 1 つずつ、1 件ごとにスレッド、子プロセス、タスクのどれか。"},
    "--counter": {"en": "How the count is kept: unprotected, hand-made spin lock, Lock around everything, Lock around "
                        "the increment only.",
                  "ja": "カウントの保ち方: 保護なし、手作りのスピンロック、全体を Lock で囲む、インクリメントだけを "
                        "Lock で囲む。"},
    "--work": {"en": "Seconds each request works (sleeps) between reading and writing the count; the default leaves "
                     "time to fire three curls by hand.",
               "ja": "各リクエストがカウントを読んでから書くまでに働く（sleep する）秒数。既定値なら、手で curl "
                     "を 3 回打つ時間があります。"},
    "--port": {"en": "Port to listen on; 0 picks a free one (printed).",
               "ja": "待ち受けるポート。0 なら空いているポートを選びます（表示します）。"},
    "--host": {"en": "Address to listen on [default: 127.0.0.1; 0.0.0.0 in conclab's container].",
               "ja": "待ち受けるアドレス [既定値: 127.0.0.1。conclab のコンテナー内では 0.0.0.0]。"},
    "--spin-gap": {"en": "spinlock only: yield between the flag's test and set, so the flaw shows.",
                   "ja": "spinlock のときだけ: フラグを確かめてからセットするまでの間で譲り、欠陥が見えるようにします。"},
    "--quiet": {"en": "Do not print a log line per request.",
                "ja": "リクエストごとのログ行を出しません。"},
})


@serve.command("counter", texts=SERVE_COUNTER_HELP)
@click.option("--mode", default="threading", show_default=True, metavar="|".join(MODES))
@click.option("--counter", default="unsafe", show_default=True, metavar="|".join(COUNTERS))
@click.option("--work", type=float, default=MANUAL_WORK_S, show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--host", default=None)
@click.option("--spin-gap/--no-spin-gap", default=True, show_default=True)
@click.option("--quiet", is_flag=True)
@lang_option
def serve_counter(mode: str, counter: str, work: float, port: int, host: str | None, spin_gap: bool,
                  quiet: bool, lang: str | None) -> None:
    """A web server that counts its requests (GET /count reads the count as JSON).

    Each request logs start and end with the count before and after. Try
    'curl localhost:8000 &' three times from another terminal (each request
    works 5 s by default), then the other counters.
    """
    language = resolve_lang(lang)
    check_counter_options(mode, counter, work, language)
    host = serving_host(host, language)
    server = CounterServer(mode=mode, counter=counter, work=work, host=host, port=port,
                           on_log=None if quiet else _print_event, lang=language,
                           spin_gap=spin_gap)
    run_until_signal(server, lambda url: MESSAGES.get("counter_up", language, mode=mode,
                                                      counter=counter, work=work, url=url))
    stats = server.stats()
    click.echo(MESSAGES.get("counter_down", language, handled=stats["handled"],
                            count=stats["count"]))


SERVE_PRACTICE_HELP = Messages({
    "short": {"en": "A local stand-in for public echo services.",
              "ja": "公開のエコーサービスの代わりの練習用サーバーです。"},
    "help": {"en": "A local practice server standing in for public echo services.\n\n"
                   "Endpoints: /delay/N, /status/CODE, /html, /json, /xml, /robots.txt,\n/bytes/N, and /stats with "
                   "live in-flight gauges (POST /stats/reset).",
             "ja": "公開のエコーサービスの代わりになる、ローカルの練習用サーバーです。\n\n"
                   "エンドポイント: /delay/N、/status/CODE、/html、/json、/xml、"
                   "/robots.txt、/bytes/N、それに処理中の数をその場で示すゲージ付きの /stats（POST "
                   "/stats/reset）。"},
    "--port": {"en": "Port to listen on; 0 picks a free one (printed).",
               "ja": "待ち受けるポート。0 なら空いているポートを選びます（表示します）。"},
    "--host": {"en": "Address to listen on [default: 127.0.0.1; 0.0.0.0 in conclab's container].",
               "ja": "待ち受けるアドレス [既定値: 127.0.0.1。conclab のコンテナー内では 0.0.0.0]。"},
    "--quiet": {"en": "Do not print a log line per request.",
                "ja": "リクエストごとのログ行を出しません。"},
})


@serve.command("practice", texts=SERVE_PRACTICE_HELP)
@click.option("--port", type=int, default=8001, show_default=True)
@click.option("--host", default=None)
@click.option("--quiet", is_flag=True)
@lang_option
def serve_practice(port: int, host: str | None, quiet: bool, lang: str | None) -> None:
    """A local practice server standing in for public echo services.

    Endpoints: /delay/N, /status/CODE, /html, /json, /xml, /robots.txt,
    /bytes/N, and /stats with live in-flight gauges (POST /stats/reset).
    """
    language = resolve_lang(lang)
    host = serving_host(host, language)
    server = _PracticeServer(host=host, port=port, on_log=None if quiet else _print_event,
                             lang=language)
    run_until_signal(server, lambda url: MESSAGES.get("practice_up", language, url=url))
    stats = server.stats()
    click.echo(MESSAGES.get("practice_down", language, served=stats["served"],
                            peak=stats["peak_in_flight"]))
