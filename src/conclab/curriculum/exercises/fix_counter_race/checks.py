"""Checks of fix_counter_race: no lost update, shown two ways.

1. The explorer runs ``count_request()`` from two threads, one bytecode at a
   time, over every schedule with up to two preemptions (then more by pct), so
   a lost update is found every time, with the steps that lose it.
2. The learner's server runs for real on a free loopback port and gets 20
   requests at once; the count must go up by exactly the number answered.

Which mistake it is (a Lock made per call, a lock around part of the work, a
hand-made flag) is read from the learner's function, so the message says what
to change.
"""

from __future__ import annotations

import ast
import threading

from conclab.curriculum.exercises._spec import ExerciseSpec
from conclab.curriculum.exercises._support import (
    calls_in,
    exploration_detail,
    require_functions,
)
from conclab.exercises import CheckContext, ExploreRun, describe_failure, describe_stacks, free_port
from conclab.i18n import Messages

SCHEDULES = 300
SEED = 0
CLIENTS = 20

HARNESS = '''
from conclab.explore import Bilingual as _conclab_Bilingual


def _conclab_request():
    count_request()


THREADS = [_conclab_request, _conclab_request]


def check():
    assert count == 2, _conclab_Bilingual(
        f"two requests, but count = {count}",
        ja=f"リクエストは 2 件なのに count = {count} です")
'''

MESSAGES = Messages({
    "explore-name": {"en": "two requests at once (explorer)", "ja": "同時に 2 リクエスト（インターリーブ探索）"},
    "explore-ok": {"en": "count_request() from two threads counted both requests in all {n} schedules explored "
                         "(every schedule with up to 2 preemptions, then more at random): none lost",
                   "ja": "2 つのスレッドから count_request() を呼び、探索した {n} 通りのスケジュールすべてで"
                         "両方のリクエストが数えられました（プリエンプション 2 回までの全スケジュールと、追加のランダムな"
                         "スケジュール）"},
    "lost-unlocked": {"en": "an update was lost: both threads copied the same count before either wrote it back, "
                            "so two requests were counted as one. Copy, work and write back must be one critical "
                            "section: hold one threading.Lock, shared by every thread, from the copy to the write back.",
                      "ja": "更新が失われました。どちらかが書き戻す前に、両方のスレッドが同じ値をコピーしたため、"
                            "2 つのリクエストが 1 つとして数えられています。コピー・処理・書き戻しを 1 つの"
                            "クリティカルセクションにし、すべてのスレッドで共有する threading.Lock を、コピーから"
                            "書き戻しまで持ち続けてください。"},
    "lost-per-call": {"en": "an update was lost although count_request() takes a lock: it creates a new Lock on "
                            "every call, so each request locks its own lock and nothing is shared. Create the lock "
                            "once, at module level next to count, and use that one in count_request().",
                      "ja": "count_request() はロックを取っていますが、更新が失われました。呼び出すたびに新しい Lock を"
                            "作っているため、リクエストごとに別々のロックを取っていて、何も共有されていません。"
                            "ロックはモジュールの最上位、count の隣で一度だけ作り、count_request() ではそれを使って"
                            "ください。"},
    "lost-partial": {"en": "an update was lost although count_request() takes a lock: the lock covers only part "
                           "of it, so another thread copied the count before this one wrote it back. Hold the lock "
                           "from the copy to the write back (the work in between included).",
                     "ja": "count_request() はロックを取っていますが、更新が失われました。ロックが一部しか囲んで"
                           "いないため、このスレッドが書き戻す前に別のスレッドがコピーしています。ロックは"
                           "コピーから書き戻しまで（間の処理も含めて）持ち続けてください。"},
    "lost-flag": {"en": "an update was lost: both threads got past your flag. A flag you test and then set "
                        "yourself is not a lock: the test and the set are two steps, and the other thread can run "
                        "in between. Use threading.Lock, whose acquire() tests and takes in one step.",
                  "ja": "更新が失われました。両方のスレッドがフラグを通り抜けています。自分で調べてから立てる"
                        "フラグはロックではありません。調べる操作と立てる操作が別の 2 ステップなので、その間に"
                        "もう一方のスレッドが動けます。調べて取るを 1 ステップで行う threading.Lock を使って"
                        "ください。"},
    "other-finding": {"en": "two requests at once went wrong:", "ja": "同時に 2 リクエストを処理すると問題が起きました:"},
    "load-name": {"en": "{clients} real requests at once", "ja": "実際に {clients} リクエストを同時に送信"},
    "load-ok": {"en": "{ok} requests answered, and the count went up by {counted}: none lost",
                "ja": "{ok} 件のリクエストに応答し、カウントも {counted} 増えました。失われた更新はありません"},
    "load-lost": {"en": "{ok} requests answered, but the count went up by only {counted}: {lost} lost updates "
                        "under real load",
                  "ja": "{ok} 件のリクエストに応答しましたが、カウントは {counted} しか増えていません。"
                        "実際の負荷で {lost} 件の更新が失われました"},
    "load-errors": {"en": "only {ok} of {clients} requests were answered ({errors}); every request must get an answer",
                    "ja": "{clients} 件中 {ok} 件しか応答がありませんでした（{errors}）。すべてのリクエストに"
                          "応答が必要です"},
    "load-no-count": {"en": "GET /count did not answer {{\"count\": N}}, so the count could not be read; keep the "
                            "starter's do_GET",
                      "ja": "GET /count が {{\"count\": N}} を返さないため、カウントを読めませんでした。スターターの "
                            "do_GET をそのまま残してください"},
    "not-listening": {"en": "the server did not accept connections on port {port} within {limit:g} s "
                            "(it must listen on the port given as its first argument)",
                      "ja": "サーバーが {limit:g} 秒以内にポート {port} で接続を受け付けませんでした"
                            "（最初の引数で渡されたポートで待ち受ける必要があります）"},
    "stuck": {"en": "Where each thread of the server was waiting:", "ja": "サーバーの各スレッドが待っていた場所:"},
})


def _mistake(ctx: CheckContext) -> str:
    """Which kind of mistake count_request() shows, read from its code."""
    function = ctx.source.top_level_functions().get("count_request")
    if function is None:
        return "lost-unlocked"
    calls = calls_in(function)
    if any(name in ("Lock", "RLock", "Semaphore", "BoundedSemaphore") for name in calls):
        return "lost-per-call"
    locks = any(isinstance(node, (ast.With, ast.AsyncWith)) for node in ast.walk(function)) or "acquire" in calls
    if locks:
        return "lost-partial"
    if any(isinstance(node, ast.While) for node in ast.walk(function)):
        return "lost-flag"
    return "lost-unlocked"


def _explorer_result(ctx: CheckContext, outcome: ExploreRun) -> None:
    name = ctx.message(MESSAGES, "explore-name")
    if outcome.ok:
        ctx.add(name, True, ctx.message(MESSAGES, "explore-ok", n=outcome.schedules))
        return
    key = _mistake(ctx) if outcome.kind == "assertion" else "other-finding"
    ctx.add(name, False, exploration_detail(ctx, outcome, ctx.message(MESSAGES, key)))


def _load(ctx: CheckContext) -> None:
    from conclab.services import run_load

    name = ctx.message(MESSAGES, "load-name", clients=CLIENTS)
    port = free_port()
    report = None
    waiting: list[str] = []
    stuck: list[str] = []
    with ctx.serve([str(port)], port=port, ready_s=5.0) as served:
        if served.ready:
            report = run_load(served.url + "/hit", concurrency=CLIENTS, requests=CLIENTS, timeout=3.0,
                              lang=ctx.lang)
            stuck = describe_stacks(served.stacks(), served.run.script, ctx.lang) if report.errors else []
        elif not served.exited:
            waiting = describe_stacks(served.stacks(), served.run.script, ctx.lang)
    if report is None:
        if served.exited:  # described after the block, which is when the program's output is read
            ctx.add(name, False, describe_failure(served.run, ctx.lang))
        else:
            ctx.add(name, False, "\n".join([ctx.message(MESSAGES, "not-listening", port=port, limit=5.0),
                                            *waiting]))
        return
    if report.errors:
        errors = ", ".join(f"{kind} x{n}" for kind, n in sorted(report.error_kinds.items()))
        lines = [ctx.message(MESSAGES, "load-errors", ok=report.ok, clients=CLIENTS, errors=errors)]
        if stuck:
            lines += [ctx.message(MESSAGES, "stuck"), *stuck]
        ctx.add(name, False, "\n".join(lines))
        return
    if report.counter is None:
        ctx.add(name, False, ctx.message(MESSAGES, "load-no-count"))
        return
    counted = report.counter.counted
    lost = report.ok - counted
    ctx.add(name, lost == 0, ctx.message(MESSAGES, "load-ok" if lost == 0 else "load-lost", ok=report.ok,
                                         counted=counted, lost=lost))


def check(ctx: CheckContext) -> None:
    """Explore two concurrent calls (in a subprocess) while the real server takes 20 requests at once."""
    if not require_functions(ctx, ["count_request"]):
        return
    explored: list[ExploreRun] = []
    explorer = threading.Thread(target=lambda: explored.append(
        ctx.explore(HARNESS, schedules=SCHEDULES, seed=SEED)), name="explorer")
    explorer.start()
    try:
        load_results_before = len(ctx.results)
        _load(ctx)
        load_results = ctx.results[load_results_before:]
        del ctx.results[load_results_before:]
    finally:
        explorer.join()
    _explorer_result(ctx, explored[0])
    ctx.results.extend(load_results)


EXERCISE = ExerciseSpec(
    chapter="races",
    order=10,
    title={"en": "Fix the counter server's race", "ja": "カウンターサーバーの競合状態を直す"},
    summary={"en": "a threading web server loses requests: make copy-work-write one critical section",
             "ja": "スレッド版 Web サーバーがリクエストを数え損ねる: コピー・処理・書き戻しを 1 つのクリティカルセクションに"},
    check=check,
    limit_s=10.0,
)
