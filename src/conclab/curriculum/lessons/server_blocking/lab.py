"""Lab ``server-blocking``: k clients at once against a single-threaded and a threading server."""

from __future__ import annotations

import http.server
from unittest import mock

from conclab.curriculum.lessons.server_blocking import example
from conclab.lab import Claim, Lab, LabContext, Measured

CLIENTS = 3


def starts_before_first_end(lines: list[str]) -> int:
    """How many requests had started before the first one ended (read off the server log)."""
    started = 0
    for line in lines:
        if line.startswith("end"):
            break
        if line.startswith("start"):
            started += 1
    return started


#: Each server's span on the timeline.
SPANS = {"single": {"ja": "シングルスレッド"}, "threading": {"ja": "スレッド版"}}


def serve_and_call(ctx: LabContext, server_class: type, label: str) -> list[str]:
    lines: list[str] = []

    def log(line: str) -> None:
        lines.append(line)
        ctx.log(f"[{label}] {line}")

    server = example.start_server(server_class)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with mock.patch.object(example, "log", log), ctx.measure(label, label=SPANS[label]):
            example.call_together(url, CLIENTS)
    finally:
        server.shutdown()
        server.server_close()
    return lines


def run(ctx: LabContext) -> None:
    m = ctx.measured
    work = ctx.pick(0.4, 0.06)
    m["work_s"] = work
    m["clients"] = CLIENTS
    m["single_expected_s"] = CLIENTS * work
    with mock.patch.object(example.WorkHandler, "work_seconds", work), \
            ctx.trace(example.WorkHandler, do_GET="handle {0.path}"), \
            ctx.trace(example, fetch="GET"):
        single = serve_and_call(ctx, http.server.HTTPServer, "single")
        threaded = serve_and_call(ctx, http.server.ThreadingHTTPServer, "threading")
    m["single_started_together"] = starts_before_first_end(single)
    m["threaded_started_together"] = starts_before_first_end(threaded)
    title = {"en": "{0} clients at once, {1:.2f} s of work per request",
             "ja": "クライアント {0} 個が同時にアクセス、1 リクエストの処理に {1:.2f} 秒"}
    ctx.table(
        {lang: text.format(CLIENTS, work) for lang, text in title.items()},
        [{"en": "server", "ja": "サーバー"}, {"en": "took (s)", "ja": "所要（秒）"},
         {"en": "started before the first ended", "ja": "最初の終了までに開始した数"}],
        [["HTTPServer", m["single_s"], m["single_started_together"]],
         ["ThreadingHTTPServer", m["threading_s"], m["threaded_started_together"]]],
    )


def single_takes_k(m: Measured) -> bool:
    expected = m["clients"] * m["work_s"]
    return 0.95 * expected <= m["single_s"] <= 1.5 * expected + 0.1


def threaded_takes_one(m: Measured) -> bool:
    work, k = m["work_s"], m["clients"]
    return 0.95 * work <= m["threading_s"] <= min(1.6 * work + 0.1, (k + 1) * work / 2)


LAB = Lab(
    id="server-blocking",
    chapter="web-server",
    order=1,
    title={"en": "One request at a time, then many: HTTPServer vs ThreadingHTTPServer",
           "ja": "一度に 1 つ、そして同時に: HTTPServer と ThreadingHTTPServer"},
    summary={"en": "k clients wait k units on a single-threaded server, about one on a threading one.",
             "ja": "シングルスレッドのサーバーでは k 個のクライアントが k 倍待ち、スレッド版ではほぼ 1 倍で済む。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("single-serialises",
              {"en": "The single-threaded server started one request at a time (the log shows {single_started_together} 'start' before the first 'end').",
               "ja": "シングルスレッドのサーバーは一度に 1 件ずつ処理しました（最初の end より前の start は {single_started_together} 件）。"},
              lambda m: m["single_started_together"] == 1, uses=("single_started_together",),
              sensitive_to=(),
              not_held={"en": "The single-threaded server's log shows {single_started_together} 'start' lines before the first 'end': not one at a time.",
                        "ja": "シングルスレッドのサーバーのログでは、最初の end より前の start が {single_started_together} 件で、1 件ずつにはなっていませんでした。"}),
        Claim("single-takes-k",
              {"en": "Single-threaded, {clients} clients took {single_s:.2f} s: about {clients} x the work ({single_expected_s:.2f} s).",
               "ja": "シングルスレッドでは、{clients} 個のクライアントに {single_s:.2f} 秒かかりました。処理時間の約 {clients} 倍（{single_expected_s:.2f} 秒）です。"},
              single_takes_k, uses=("single_s", "clients", "work_s"),
              not_held={"en": "Single-threaded, {clients} clients took {single_s:.2f} s: not about {clients} x the work ({single_expected_s:.2f} s).",
                        "ja": "シングルスレッドでは、{clients} 個のクライアントに {single_s:.2f} 秒かかりました。処理時間の約 {clients} 倍（{single_expected_s:.2f} 秒）からは外れました。"}),
        Claim("threaded-overlaps",
              {"en": "The threading server started all {threaded_started_together} requests before the first one ended.",
               "ja": "スレッド版のサーバーは、最初のリクエストが終わる前に {threaded_started_together} 件すべてを開始しました。"},
              lambda m: m["threaded_started_together"] == m["clients"],
              uses=("threaded_started_together", "clients"),
              not_held={"en": "The threading server started {threaded_started_together} requests before the first one ended: not all of them.",
                        "ja": "スレッド版のサーバーが最初のリクエストの終了前に開始したのは {threaded_started_together} 件で、全部ではありませんでした。"}),
        Claim("threaded-takes-one",
              {"en": "With threads they took {threading_s:.2f} s: about one unit of work ({work_s:.2f} s).",
               "ja": "スレッド版では {threading_s:.2f} 秒でした。処理 1 回分（{work_s:.2f} 秒）とほぼ同じです。"},
              threaded_takes_one, uses=("threading_s", "work_s", "clients"),
              not_held={"en": "With threads they took {threading_s:.2f} s: not about one unit of work ({work_s:.2f} s).",
                        "ja": "スレッド版では {threading_s:.2f} 秒でした。処理 1 回分（{work_s:.2f} 秒）からは外れました。"}),
    ),
)
