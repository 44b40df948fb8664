"""Checks of serve_concurrently: five real clients at once, served together.

The learner's server runs on a free loopback port; five clients, each in its
own thread, send a GET at the same moment. Every answer must be 200 with the
handler's body; the five answers must come in about one unit of work (at most
2.5 units, not 5); and the server's own log must show all five ``start``
lines before the first ``end``, which is what "served together" looks like
from inside.

The time and the log together tell the mistakes apart: one ``start`` at a time
is a server that handles one request at a time (``HTTPServer``, even when its
``serve_forever()`` runs in a thread of its own); five ``start`` lines but five
units of time is a threaded server whose requests take turns inside the
handler (a lock around the work). Which one it is, is read from the
learner's file, so the message says what to change.

A server with ``socketserver.ForkingMixIn`` (a process per request) also
serves concurrently and is accepted on POSIX; the statement says so.
"""

from __future__ import annotations

import ast
import http.client
import re
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from conclab.curriculum.exercises._spec import ExerciseSpec
from conclab.curriculum.exercises._support import calls_in
from conclab.exercises import (
    CheckContext,
    ServedProgram,
    describe_failure,
    describe_stacks,
    free_port,
)
from conclab.i18n import Messages

CLIENTS = 5
WORK_S = 0.3        # the starter's WORK_S: one unit of work
MAX_UNITS = 2.5     # together is about 1 unit; one at a time is 5
TURNS_UNITS = 3.5   # with every 'start' first, this long means they took turns, not a slow machine
READY_S = 5.0       # how long the server may take to listen
CLIENT_TIMEOUT_S = 5.0
LOG_WAIT_S = 1.0    # an 'end' line is printed after the answer is sent: give it a moment
SHOWN_LOG_LINES = 10

THREADED_NAMES = {"ThreadingHTTPServer", "ThreadingMixIn", "ThreadingTCPServer",
                  "ForkingMixIn", "ForkingHTTPServer", "ForkingTCPServer"}
_EVENT = re.compile(r"(start|end)\s+(/client-\d+)", re.IGNORECASE)
LOCK_CALLS = {"Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition"}

MESSAGES = Messages({
    "answers-name": {"en": "{clients} clients at once: every answer", "ja": "同時に {clients} クライアント: すべての応答"},
    "answers-ok": {"en": "all {clients} clients got 200 and 'done <path>'",
                   "ja": "{clients} クライアントすべてが 200 と 'done <パス>' を受け取りました"},
    "no-answer": {"en": "{failed} of {clients} clients got no answer:", "ja": "{clients} クライアント中 {failed} 件に応答がありませんでした:"},
    "no-answer-line": {"en": "  GET {path}: {reason}", "ja": "  GET {path}: {reason}"},
    "bad-answer": {"en": "GET {path} answered {status} {body!r}; expected 200 'done {path}'. Keep the handler "
                         "as it is: change only how the server serves requests",
                   "ja": "GET {path} の応答が {status} {body!r} でした。期待したのは 200 'done {path}' です。"
                         "ハンドラーはそのまま残し、サーバーがリクエストを処理する方法だけを変えてください"},
    "stuck": {"en": "Where each thread of the server was waiting:", "ja": "サーバーの各スレッドが待っていた場所:"},
    "not-listening": {"en": "the server did not accept connections on port {port} within {limit:g} s "
                            "(it must listen on the port given as its first argument)",
                      "ja": "サーバーが {limit:g} 秒以内にポート {port} で接続を受け付けませんでした"
                            "（最初の引数で渡されたポートで待ち受ける必要があります）"},
    "together-name": {"en": "{clients} clients served together", "ja": "{clients} クライアントを同時に処理"},
    "timing": {"en": "{clients} requests of {work:g} s of work each were all answered in {elapsed:.2f} s "
                     "(about {units:.1f} units of work; served together it is about 1, one at a time {clients})",
               "ja": "処理に {work:g} 秒かかるリクエスト {clients} 件の応答が、すべて {elapsed:.2f} 秒で"
                     "返ってきました（処理およそ {units:.1f} 回分。同時に処理すれば約 1 回分、1 つずつなら "
                     "{clients} 回分です）"},
    "together-ok": {"en": "{timing}, and the log shows all {clients} 'start' lines before the first 'end': "
                          "served concurrently",
                    "ja": "{timing}。ログでも {clients} 個の 'start' がすべて最初の 'end' より前に出ています。"
                          "並行に処理されています"},
    "sentence": {"en": "{text}.", "ja": "{text}。"},
    "one-at-a-time": {"en": "The requests were served one at a time: in the log each 'start' comes after the "
                            "previous 'end'. http.server.HTTPServer handles one request at a time, in the thread "
                            "that accepts them, so every client waits for the ones before it. Each request needs a "
                            "thread of its own (the handler can stay as it is).",
                      "ja": "リクエストが 1 つずつ順番に処理されました。ログでは、どの 'start' も 1 つ前の 'end' の"
                            "あとに出ています。http.server.HTTPServer は、接続を受け付けるスレッドの中でリクエストを"
                            " 1 つずつ処理するので、どのクライアントも前のクライアントを待たされます。リクエスト一つひとつに"
                            "スレッドが必要です（ハンドラーはそのままで構いません）。"},
    "thread-for-server": {"en": "The requests were served one at a time: in the log each 'start' comes after the "
                                "previous 'end'. Running serve_forever() in a thread of its own moves the whole "
                                "server to that one thread: HTTPServer still handles every request in it, one "
                                "after the other. It is not the server that needs a thread, it is each request: "
                                "use http.server.ThreadingHTTPServer, which starts a new thread for every "
                                "request.",
                          "ja": "リクエストが 1 つずつ順番に処理されました。ログでは、どの 'start' も 1 つ前の 'end' "
                                "のあとに出ています。serve_forever() を別スレッドで動かしても、サーバー全体がその"
                                " 1 つのスレッドに移るだけです。HTTPServer はそのスレッドの中で、やはりリクエストを"
                                " 1 つずつ処理します。スレッドが必要なのはサーバーではなく、リクエスト一つひとつです。"
                                "リクエストごとに新しいスレッドを起動する http.server.ThreadingHTTPServer を"
                                "使ってください。"},
    "threaded-serial": {"en": "The requests were served one at a time although the server class starts a thread "
                              "per request: in the log each 'start' comes after the previous 'end', so each "
                              "request waited before its handler even logged 'start'. Something shared makes "
                              "them take turns, such as a lock held around the whole handler. The handler "
                              "touches no shared data: let every request run it at the same time.",
                        "ja": "サーバーのクラスはリクエストごとにスレッドを起動していますが、リクエストは 1 つずつ"
                              "処理されました。ログでは、どの 'start' も 1 つ前の 'end' のあとに出ていて、ハンドラーが "
                              "'start' を出す前から待たされています。ハンドラー全体を囲むロックのような、共有された"
                              "何かが順番待ちを生んでいます。このハンドラーは共有データに触れないので、すべての"
                              "リクエストが同時に実行できるようにしてください。"},
    "inside-turns": {"en": "All {clients} requests started at once (every 'start' before the first 'end'), but "
                           "they took turns inside the handler, so the last client still waited for the work of "
                           "all the others. {cause}",
                     "ja": "{clients} 件のリクエストは同時に始まりました（どの 'start' も最初の 'end' より前）が、"
                           "ハンドラーの中で順番待ちをしたため、最後のクライアントはほかのすべての処理を待たされ"
                           "ました。{cause}"},
    "cause-lock": {"en": "A lock shared by every request and held around the work lets only one request work at "
                         "a time. The work touches no shared data, so it needs no lock: remove it (a lock is for "
                         "the few lines that change shared data, held briefly).",
                   "ja": "すべてのリクエストで共有するロックを処理の周りで持つと、処理できるのは一度に 1 つの"
                         "リクエストだけになります。この処理は共有データに触れないので、ロックは要りません。"
                         "外してください（ロックは共有データを書き換える数行のために、短い間だけ持つものです）。"},
    "cause-other": {"en": "Something every request shares (a lock, a single worker, a queue) lets only one of "
                          "them work at a time; the work touches no shared data, so let them all run it at once.",
                    "ja": "すべてのリクエストが共有している何か（ロック、1 つだけのワーカー、キューなど）のせいで、"
                          "一度に 1 つのリクエストしか処理できていません。この処理は共有データに触れないので、"
                          "全部を同時に実行させてください。"},
    "at-most": {"en": "Only {started} of the {clients} requests had started when the first one ended: at most "
                      "{started} were served at once, and the others waited. Every request needs its own "
                      "thread: http.server.ThreadingHTTPServer starts one per request, however many arrive.",
                "ja": "最初のリクエストが終わった時点で、{clients} 件中 {started} 件しか始まっていませんでした。"
                      "同時に処理されたのは最大 {started} 件で、残りは待たされています。リクエストには 1 つずつ"
                      "スレッドが必要です。http.server.ThreadingHTTPServer なら、何件届いてもリクエストごとに"
                      "スレッドを起動します。"},
    "slow": {"en": "All {clients} requests started at once, but the answers took too long (at most {limit:.2f} s "
                   "is about one unit of work with a wide margin): some of them waited for others. If this "
                   "machine is very busy, check again.",
             "ja": "{clients} 件のリクエストは同時に始まりましたが、応答に時間がかかりすぎました（処理 1 回分に"
                   "十分な余裕を見て、上限は {limit:.2f} 秒です）。一部のリクエストがほかを待たされています。"
                   "マシンがとても混んでいる場合は、もう一度チェックしてください。"},
    "too-fast": {"en": "The answers came faster than one unit of work ({work:g} s), so the handler no longer "
                       "works: keep its time.sleep(WORK_S) with WORK_S = {work:g}; the check measures how the "
                       "server serves slow requests.",
                 "ja": "応答が処理 1 回分（{work:g} 秒）より速く返ってきました。ハンドラーが処理をしていません。"
                       "time.sleep(WORK_S) と WORK_S = {work:g} はそのまま残してください。このチェックは、"
                       "時間のかかるリクエストをサーバーがどうさばくかを測ります。"},
    "log-missing": {"en": "The server's output should have a 'start <path>' and an 'end <path>' line for each of "
                          "the {clients} requests, but it had {starts} 'start' and {ends} 'end' line(s). Keep "
                          "the handler's log() calls: the log is how the check sees the requests overlap.",
                    "ja": "サーバーの出力には、{clients} 件のリクエストそれぞれについて 'start <パス>' と "
                          "'end <パス>' の行が必要ですが、'start' が {starts} 行、'end' が {ends} 行しか"
                          "ありませんでした。ハンドラーの log() 呼び出しは残してください。リクエストが重なって"
                          "処理されたかどうかを、チェックはこのログで確かめます。"},
    "log-head": {"en": "The server's log:", "ja": "サーバーのログ:"},
})


@dataclass
class Answer:
    """What one client got: a status and body, or the reason there was no answer."""

    path: str
    status: int | None = None
    body: str = ""
    error: str | None = None
    finished: float = 0.0


def _get(opener: urllib.request.OpenerDirector, url: str, answer: Answer) -> None:
    try:
        with opener.open(url, timeout=CLIENT_TIMEOUT_S) as response:
            answer.status = response.status
            answer.body = response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        answer.status = error.code
        answer.body = error.read().decode("utf-8", errors="replace")
    except urllib.error.URLError as error:
        answer.error = str(error.reason)
    except (OSError, http.client.HTTPException) as error:
        answer.error = "timed out" if isinstance(error, TimeoutError) else f"{type(error).__name__}: {error}"
    answer.finished = time.perf_counter()


def fire(base_url: str) -> tuple[list[Answer], float]:
    """GET ``/client-1`` .. ``/client-5`` from five threads released together; the time to the last answer."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never a proxy
    answers = [Answer(f"/client-{i}") for i in range(1, CLIENTS + 1)]
    together = threading.Barrier(CLIENTS + 1)

    def client(answer: Answer) -> None:
        together.wait()
        _get(opener, base_url + answer.path, answer)

    threads = [threading.Thread(target=client, args=(answer,), name=f"client{answer.path}") for answer in answers]
    for thread in threads:
        thread.start()
    together.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return answers, max(answer.finished for answer in answers) - started


def log_events(lines: list[str], paths: set[str]) -> list[tuple[str, str]]:
    """``('start', '/client-2')``, ... from the server's lines, in order; other lines are ignored.

    Searched anywhere in a line: print() writes the text and the newline
    separately, so two threads printing at once can share one line
    (``start /client-1start /client-5``).
    """
    events = []
    for line in lines:
        for match in _EVENT.finditer(line):
            if match.group(2) in paths:
                events.append((match.group(1).lower(), match.group(2)))
    return events


def started_before_first_end(events: list[tuple[str, str]]) -> int:
    count = 0
    for kind, _ in events:
        if kind == "end":
            break
        count += 1
    return count


def _wait_for_ends(served: ServedProgram, paths: set[str]) -> None:
    deadline = time.perf_counter() + LOG_WAIT_S
    while time.perf_counter() < deadline:
        events = log_events([text for _, text in list(served.run.lines)], paths)
        if sum(1 for kind, _ in events if kind == "end") >= len(paths):
            return
        time.sleep(0.02)


def _source_names(ctx: CheckContext) -> tuple[set[str], list[str]]:
    """Every name and attribute the learner's file uses, and what it calls."""
    try:
        tree = ast.parse(ctx.path.read_text(encoding="utf-8"))
    except (SyntaxError, ValueError, OSError):
        return set(), []
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    return names, calls_in(tree)


def _serial_key(ctx: CheckContext) -> str:
    """Why each request waited for the previous one, read from the learner's file."""
    names, calls = _source_names(ctx)
    if names & THREADED_NAMES:
        return "threaded-serial"
    if "Thread" in calls:
        return "thread-for-server"
    return "one-at-a-time"


def _log_excerpt(ctx: CheckContext, lines: list[str]) -> list[str]:
    shown = [line for line in lines if _EVENT.search(line)]
    if not shown:
        return []
    more = ["    ..."] if len(shown) > SHOWN_LOG_LINES else []
    return [ctx.message(MESSAGES, "log-head"), *("    " + line for line in shown[:SHOWN_LOG_LINES]), *more]


def _judge_together(ctx: CheckContext, lines: list[str], elapsed: float, paths: set[str]) -> None:
    name = ctx.message(MESSAGES, "together-name", clients=CLIENTS)
    events = log_events(lines, paths)
    starts = len({path for kind, path in events if kind == "start"})
    ends = len({path for kind, path in events if kind == "end"})
    limit = MAX_UNITS * WORK_S
    timing = ctx.message(MESSAGES, "timing", clients=CLIENTS, work=WORK_S, elapsed=elapsed,
                         units=elapsed / WORK_S)
    excerpt = _log_excerpt(ctx, lines)
    started = started_before_first_end(events)
    if starts < CLIENTS or ends < CLIENTS:
        verdict = ctx.message(MESSAGES, "log-missing", clients=CLIENTS, starts=starts, ends=ends)
    elif elapsed < 0.9 * WORK_S:
        verdict = ctx.message(MESSAGES, "too-fast", work=WORK_S)
    elif started >= CLIENTS and elapsed <= limit:
        ctx.add(name, True, ctx.message(MESSAGES, "together-ok", timing=timing, clients=CLIENTS))
        return
    elif started >= CLIENTS:
        lock = bool(set(_source_names(ctx)[1]) & LOCK_CALLS)
        if elapsed >= TURNS_UNITS * WORK_S:  # far past one unit: the requests took turns
            cause = ctx.message(MESSAGES, "cause-lock" if lock else "cause-other")
            verdict = ctx.message(MESSAGES, "inside-turns", clients=CLIENTS, cause=cause)
        else:
            verdict = ctx.message(MESSAGES, "slow", clients=CLIENTS, limit=limit)
    elif started <= 1:
        verdict = ctx.message(MESSAGES, _serial_key(ctx))
    else:
        verdict = ctx.message(MESSAGES, "at-most", clients=CLIENTS, started=started)
    ctx.add(name, False, "\n".join([ctx.message(MESSAGES, "sentence", text=timing), verdict, *excerpt]))


def _answers_result(ctx: CheckContext, answers: list[Answer]) -> None:
    """Record whether every client got 200 and the handler's body."""
    name = ctx.message(MESSAGES, "answers-name", clients=CLIENTS)
    for answer in answers:
        if answer.error is None and (answer.status != 200 or answer.body.strip() != f"done {answer.path}"):
            ctx.add(name, False, ctx.message(MESSAGES, "bad-answer", path=answer.path, status=answer.status,
                                             body=answer.body.strip()[:80]))
            return
    ctx.add(name, True, ctx.message(MESSAGES, "answers-ok", clients=CLIENTS))


def check(ctx: CheckContext) -> None:
    """Start the learner's server, send five GETs at once, judge the answers, the time and the log."""
    port = free_port()
    paths = {f"/client-{i}" for i in range(1, CLIENTS + 1)}
    answers: list[Answer] = []
    elapsed = 0.0
    stuck: list[str] = []
    ready_s = min(READY_S, ctx.limit_s)
    with ctx.serve([str(port)], port=port, ready_s=ready_s) as served:
        if served.ready:
            answers, elapsed = fire(served.url)
            if any(answer.error for answer in answers):
                stuck = describe_stacks(served.stacks(), served.run.script, ctx.lang)
            else:
                _wait_for_ends(served, paths)
        elif not served.exited:
            stuck = describe_stacks(served.stacks(), served.run.script, ctx.lang)
    name = ctx.message(MESSAGES, "answers-name", clients=CLIENTS)
    if not served.ready:
        if served.exited:
            ctx.add(name, False, describe_failure(served.run, ctx.lang))
        else:
            ctx.add(name, False, "\n".join([ctx.message(MESSAGES, "not-listening", port=port, limit=ready_s),
                                            *stuck]))
        return
    failed = [answer for answer in answers if answer.error]
    if failed:
        lines = [ctx.message(MESSAGES, "no-answer", failed=len(failed), clients=CLIENTS)]
        lines += [ctx.message(MESSAGES, "no-answer-line", path=a.path, reason=a.error) for a in failed]
        if served.exited and served.run.returncode not in (None, 0) and served.run.returncode > 0:
            lines.append(describe_failure(served.run, ctx.lang))
        if stuck:
            lines += [ctx.message(MESSAGES, "stuck"), *stuck]
        ctx.add(name, False, "\n".join(lines))
        return
    _answers_result(ctx, answers)
    lines = served.run.output_lines
    if not log_events(lines, paths):  # a learner who logs with the logging module writes to stderr
        lines = served.run.stderr.splitlines()
    _judge_together(ctx, lines, elapsed, paths)


EXERCISE = ExerciseSpec(
    chapter="web-server",
    order=10,
    title={"en": "Serve clients concurrently", "ja": "複数のクライアントを同時にさばく"},
    summary={"en": "an HTTPServer makes every client wait for the one before: serve them together with threads",
             "ja": "HTTPServer ではクライアントが前の人を待たされる: スレッドで同時にさばく"},
    check=check,
    limit_s=10.0,
)
