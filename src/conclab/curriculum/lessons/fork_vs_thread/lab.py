"""Lab ``fork-vs-thread``: a class-attribute counter under threads and under fork.

Requests go one after another, so no two overlap: whatever the counts show is
about *where the memory is*, not about a race.
"""

from __future__ import annotations

import http.server
import os
from typing import Any

from conclab.curriculum.lessons.fork_vs_thread import example
from conclab.lab import Claim, Lab, LabContext, Measured

REQUESTS = 3


#: Each server's span on the timeline.
SPANS = {"threading": {"ja": "スレッド版"}, "forking": {"ja": "fork 版"}}


def serve(ctx: LabContext, server_class: type, label: str) -> dict[str, Any]:
    """Send REQUESTS requests one after another; the answers, ``/count`` and the parent's count."""
    example.CountingHandler.count = 0
    server = example.start_server(server_class)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with ctx.measure(label, label=SPANS[label]):
            answers = example.one_after_another(url, REQUESTS)
            asked = example.fetch(f"{url}/count")
    finally:
        server.shutdown()
        server.server_close()  # forking: waits for every child
    return {"answers": answers, "asked": asked, "parent_count": example.CountingHandler.count}


def run(ctx: LabContext) -> None:
    m = ctx.measured
    parent = os.getpid()
    m["requests"] = REQUESTS
    m["parent_pid"] = parent
    with ctx.trace(example.CountingHandler, do_GET="handle {0.path}"):
        threads = serve(ctx, http.server.ThreadingHTTPServer, "threading")
        if hasattr(os, "fork"):
            forks = serve(ctx, example.ForkingServer, "forking")
        else:
            ctx.note({"en": "This platform has no fork: only the threading half ran.",
                      "ja": "この環境には fork がないため、スレッドの側だけを実行しました。"})
            return
    m["thread_answers"] = [a["count"] for a in threads["answers"]]
    m["thread_pids"] = sorted({a["pid"] for a in threads["answers"]})
    m["thread_parent_count"] = threads["parent_count"]
    m["thread_asked"] = threads["asked"]["count"]
    m["fork_answers"] = [a["count"] for a in forks["answers"]]
    m["fork_pids"] = sorted({a["pid"] for a in forks["answers"]} | {forks["asked"]["pid"]})
    m["fork_parent_count"] = forks["parent_count"]
    m["fork_asked"] = forks["asked"]["count"]
    m["fork_processes"] = len(m["fork_pids"])

    def rows(label: str, served: dict[str, Any]) -> list[list[Any]]:
        out: list[list[Any]] = []
        for i, answer in enumerate(served["answers"], 1):
            who = ctx.text({"en": "this process", "ja": "このプロセス"}) if answer["pid"] == parent \
                else ctx.text({"en": "child {0}", "ja": "子プロセス {0}"}, answer["pid"])
            out.append([label, f"/request-{i}", answer["count"], who])
        asked = served["asked"]
        who = ctx.text({"en": "this process", "ja": "このプロセス"}) if asked["pid"] == parent \
            else ctx.text({"en": "child {0}", "ja": "子プロセス {0}"}, asked["pid"])
        out.append([label, "/count", asked["count"], who])
        out.append([label, ctx.text({"en": "(the parent's variable)", "ja": "（親プロセスの変数）"}),
                    served["parent_count"], ctx.text({"en": "this process", "ja": "このプロセス"})])
        return out

    ctx.table(
        {"en": f"{REQUESTS} requests one after another; this lab runs as pid {parent}",
         "ja": f"{REQUESTS} 件のリクエストを 1 つずつ順に送信。このラボのプロセスは pid {parent}"},
        [{"en": "server", "ja": "サーバー"}, {"en": "request", "ja": "リクエスト"},
         {"en": "count", "ja": "カウント"}, {"en": "handled by", "ja": "処理したプロセス"}],
        rows(ctx.label("threading", SPANS["threading"]), threads)
        + rows(ctx.label("forking", SPANS["forking"]), forks),
    )


def threads_share(m: Measured) -> bool:
    return (m["thread_answers"] == list(range(1, m["requests"] + 1))
            and m["thread_parent_count"] == m["requests"] == m["thread_asked"]
            and m["thread_pids"] == [m["parent_pid"]])


def children_copy(m: Measured) -> bool:
    return (m["fork_answers"] == [1] * m["requests"]
            and m["fork_processes"] == m["requests"] + 1
            and m["parent_pid"] not in m["fork_pids"])


LAB = Lab(
    id="fork-vs-thread",
    chapter="races",
    order=2,
    title={"en": "Where does the count live? The same counter under threads and under fork",
           "ja": "カウントはどこにあるのか: スレッドと fork で同じカウンターを動かす"},
    summary={"en": "Threads add to one shared count; each forked child adds to its own copy and the parent's never moves.",
             "ja": "スレッドは 1 つのカウントを共有する。fork した子プロセスは自分のコピーに足すだけで、親のカウントは動かない。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("threads-share",
              {"en": "Threads: the answers were {thread_answers}, and the lab's own variable ends at {thread_parent_count}: one count, shared.",
               "ja": "スレッド: 応答は {thread_answers} で、ラボのプロセスの変数も {thread_parent_count} になりました。カウントは 1 つで、共有されています。"},
              threads_share, uses=("thread_answers", "thread_parent_count", "thread_asked"),
              sensitive_to=(),
              not_held={"en": "Threads: the answers were {thread_answers} and the lab's own variable ended at {thread_parent_count}: not one shared count.",
                        "ja": "スレッド: 応答は {thread_answers}、ラボのプロセスの変数は {thread_parent_count} でした。1 つのカウントの共有にはなっていませんでした。"}),
        Claim("children-copy",
              {"en": "Fork: every request answered {fork_answers}, each from its own child process ({fork_processes} processes).",
               "ja": "fork: 応答は {fork_answers} でした。どのリクエストも別々の子プロセス（{fork_processes} 個）が答えました。"},
              children_copy, uses=("fork_answers", "fork_processes"), sensitive_to=(),
              not_held={"en": "Fork: the answers were {fork_answers} from {fork_processes} processes: not every request answered from its own child.",
                        "ja": "fork: 応答は {fork_answers}、プロセスは {fork_processes} 個でした。どのリクエストも別々の子プロセスが答えた、とはなりませんでした。"}),
        Claim("parent-never-moves",
              {"en": "Fork: the parent's count stayed at {fork_parent_count}, and GET /count answered {fork_asked}.",
               "ja": "fork: 親プロセスのカウントは {fork_parent_count} のままで、GET /count の答えも {fork_asked} でした。"},
              lambda m: m["fork_parent_count"] == 0 and m["fork_asked"] == 0,
              uses=("fork_parent_count", "fork_asked"), sensitive_to=(),
              not_held={"en": "Fork: the parent's count was {fork_parent_count} and GET /count answered {fork_asked}: the parent's count moved.",
                        "ja": "fork: 親プロセスのカウントは {fork_parent_count}、GET /count の答えは {fork_asked} でした。親のカウントが動いています。"}),
    ),
)
