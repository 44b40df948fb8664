"""Lab ``web-race``: concurrent requests to a counting threading server lose updates.

The example server (copy, work, write back) is driven with 3 and then 20
requests at once; then conclab's own counter server runs the four counter
strategies side by side at the same concurrency, so the learner sees the bug
and the shape of every fix the next chapter builds by hand.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

from conclab.curriculum.lessons.web_race import example
from conclab.lab import Claim, Lab, LabContext, Measured
from conclab.services import COUNTERS, CounterServer, run_load
from conclab.timeline import Recorder, recording

FEW, MANY = 3, 20


def serve_and_count(ctx: LabContext, clients: int, keep_log: bool) -> tuple[int, list[str]]:
    """Send ``clients`` requests at once to a fresh example server; (counted, answers)."""

    def log(line: str) -> None:
        if keep_log:
            ctx.log(f"[{clients} clients] {line}")

    example.CountingHandler.count = 0
    server = example.start_server()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with mock.patch.object(example, "log", log), ctx.measure(f"example_{clients}", label={"ja": f"クライアント {clients} 個"}):
            answers = example.fetch_together(url, clients)
    finally:
        server.shutdown()
        server.server_close()
    return example.CountingHandler.count, [a.removeprefix("count: ") for a in answers]


def side_by_side(ctx: LabContext, work: float) -> list[dict[str, Any]]:
    """Each counter strategy of ``conclab serve counter`` under the same burst of requests.

    Its 80 handler threads would bury the example's timeline, so their spans
    go to a scratch recorder that is thrown away; the table carries the result.
    """
    rows = []
    scratch = Recorder()
    try:
        for strategy in COUNTERS:
            with recording(scratch), \
                    CounterServer(mode="threading", counter=strategy, work=work) as server:
                report = run_load(server.url, concurrency=MANY, requests=MANY)
                stats = server.stats()
            counted = report.counter.counted if report.counter else server.count
            rows.append({"strategy": strategy, "sent": report.ok, "counted": counted,
                         "lost": report.ok - counted, "took_s": report.duration_s,
                         "peak": stats["peak_in_critical"], "errors": report.errors})
    finally:
        scratch.close()
    return rows


def run(ctx: LabContext) -> None:
    m = ctx.measured
    work = ctx.pick(0.2, 0.05)
    m["work_s"] = work
    m["few"], m["many"] = FEW, MANY
    with mock.patch.object(example.CountingHandler, "work_seconds", work), \
            ctx.trace(example.CountingHandler, do_GET="handle {0.path}"):
        m["few_counted"], few_answers = serve_and_count(ctx, FEW, keep_log=True)
        m["many_counted"], many_answers = serve_and_count(ctx, MANY, keep_log=False)
    m["few_lost"] = FEW - m["few_counted"]
    m["many_lost"] = MANY - m["many_counted"]
    ctx.table(
        {"en": f"The example server, {work:.2f} s of work between copy and write back",
         "ja": f"例のサーバー: コピーから書き戻しまでの処理に {work:.2f} 秒"},
        [{"en": "requests sent at once", "ja": "同時に送ったリクエスト"},
         {"en": "counted", "ja": "数えられた数"}, {"en": "lost", "ja": "失われた数"},
         {"en": "answers (count each request saw)", "ja": "応答（各リクエストが受け取った数）"}],
        [[FEW, m["few_counted"], m["few_lost"], ", ".join(few_answers)],
         [MANY, m["many_counted"], m["many_lost"], _summarise(many_answers)]],
    )

    strategy_work = ctx.pick(0.05, 0.02)
    m["strategy_work_s"] = strategy_work
    rows = side_by_side(ctx, strategy_work)
    for row in rows:
        key = row["strategy"].replace("-", "_")
        m[f"{key}_counted"] = row["counted"]
        m[f"{key}_lost"] = row["lost"]
        m[f"{key}_s"] = row["took_s"]
        m[f"{key}_peak"] = row["peak"]
        m[f"{key}_errors"] = row["errors"]
    m["serial_s"] = MANY * strategy_work
    ctx.table(
        {"en": f"conclab serve counter --mode threading, {MANY} requests at once, --work {strategy_work}",
         "ja": f"conclab serve counter --mode threading、同時に {MANY} リクエスト、--work {strategy_work}"},
        [{"en": "--counter", "ja": "--counter"}, {"en": "sent", "ja": "送信"},
         {"en": "counted", "ja": "カウント"}, {"en": "lost", "ja": "損失"},
         {"en": "took (s)", "ja": "所要（秒）"},
         {"en": "most inside the critical section at once", "ja": "クリティカルセクション内の最大同時数"}],
        [[row["strategy"], row["sent"], row["counted"], row["lost"], row["took_s"], row["peak"]]
         for row in rows],
    )


def _summarise(answers: list[str]) -> str:
    """``1 x 12, 2 x 8`` style: which counts the 20 answers carried, and how often."""
    tally: dict[str, int] = {}
    for answer in answers:
        tally[answer] = tally.get(answer, 0) + 1
    return ", ".join(f"{value} x{times}" for value, times in sorted(tally.items(), key=_numeric))


def _numeric(item: tuple[str, int]) -> tuple[int, str]:
    value = item[0]
    return (int(value), value) if value.isdigit() else (1 << 30, value)


def lock_serialises(m: Measured) -> bool:
    return m["lock_s"] >= 0.9 * m["serial_s"]


def increment_overlaps(m: Measured) -> bool:
    return m["locked_increment_s"] <= max(0.5 * m["serial_s"], 4 * m["strategy_work_s"] + 0.2)


LAB = Lab(
    id="web-race",
    chapter="races",
    order=1,
    title={"en": "A web counter loses requests: lost updates under concurrent requests",
           "ja": "数え損なう Web カウンター: 同時リクエストで更新が失われる"},
    summary={"en": "3, then 20 requests at once to a threading counter: fewer counted than sent; four counters side by side.",
             "ja": "スレッドで処理するカウンターに 3 件、20 件を同時に送ると送った数より少なく数えられる。4 種のカウンターを比べる。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("few-lose",
              {"en": "{few} requests at once were counted as {few_counted}: {few_lost} lost.",
               "ja": "同時に送った {few} 件のリクエストは {few_counted} 件としか数えられませんでした（{few_lost} 件が消えました）。"},
              lambda m: m["few_counted"] < m["few"], uses=("few", "few_counted", "few_lost"),
              sensitive_to=("timing", "load"),
              not_held={"en": "{few} requests at once were counted as {few_counted}: none lost this time.",
                        "ja": "同時に送った {few} 件のリクエストは {few_counted} 件と数えられ、今回は消えませんでした。"}),
        Claim("many-lose",
              {"en": "{many} requests at once were counted as {many_counted}: {many_lost} lost.",
               "ja": "同時に送った {many} 件は {many_counted} 件として数えられました（{many_lost} 件が消えました）。"},
              lambda m: m["many_counted"] < m["many"], uses=("many", "many_counted", "many_lost"),
              sensitive_to=("timing", "load"),
              not_held={"en": "{many} requests at once were counted as {many_counted}: none lost this time.",
                        "ja": "同時に送った {many} 件は {many_counted} 件と数えられ、今回は消えませんでした。"}),
        Claim("unsafe-counter-loses",
              {"en": "conclab's unsafe counter lost {unsafe_lost} of {many} requests too.",
               "ja": "conclab の unsafe カウンターでも {many} 件中 {unsafe_lost} 件が消えました。"},
              lambda m: m["unsafe_lost"] > 0, uses=("unsafe_lost", "many"),
              sensitive_to=("timing", "load"),
              not_held={"en": "conclab's unsafe counter lost none of {many} requests this time.",
                        "ja": "conclab の unsafe カウンターでは、今回は {many} 件のうち消えたものはありませんでした。"}),
        Claim("locks-exact",
              {"en": "With lock and locked-increment every request was counted (lost {lock_lost} and {locked_increment_lost}).",
               "ja": "lock と locked-increment では、すべてのリクエストが数えられました（損失は {lock_lost} 件と {locked_increment_lost} 件）。"},
              lambda m: m["lock_lost"] == 0 and m["locked_increment_lost"] == 0
              and m["lock_errors"] == 0 and m["locked_increment_errors"] == 0
              and m["lock_peak"] == 1 and m["locked_increment_peak"] == 1,
              uses=("lock_lost", "locked_increment_lost", "lock_peak", "locked_increment_peak"),
              sensitive_to=(),
              not_held={"en": "With lock and locked-increment not every request was counted (lost {lock_lost} and {locked_increment_lost}).",
                        "ja": "lock と locked-increment でも、数えられないリクエストがありました（損失は {lock_lost} 件と {locked_increment_lost} 件）。"}),
        Claim("lock-serialises",
              {"en": "Locking the whole read-work-write took {lock_s:.2f} s: the {many} units of work ran one at a time ({serial_s:.2f} s).",
               "ja": "読み出しから書き戻しまで全体をロックすると {lock_s:.2f} 秒かかりました。{many} 回分の処理が 1 つずつ順に実行されました（{serial_s:.2f} 秒）。"},
              lock_serialises, uses=("lock_s", "serial_s", "many"),
              not_held={"en": "Locking the whole read-work-write took {lock_s:.2f} s: less than the {many} units of work one at a time ({serial_s:.2f} s).",
                        "ja": "読み出しから書き戻しまで全体をロックすると {lock_s:.2f} 秒でした。{many} 回分の処理を 1 つずつ実行した時間（{serial_s:.2f} 秒）より短くなりました。"}),
        Claim("increment-overlaps",
              {"en": "Locking only the increment took {locked_increment_s:.2f} s: the work still overlapped.",
               "ja": "インクリメントだけをロックすると {locked_increment_s:.2f} 秒で済みました。処理は重なったまま進みました。"},
              increment_overlaps, uses=("locked_increment_s", "serial_s", "strategy_work_s"),
              not_held={"en": "Locking only the increment took {locked_increment_s:.2f} s: too long for the work to have overlapped.",
                        "ja": "インクリメントだけをロックすると {locked_increment_s:.2f} 秒かかりました。処理が重なったにしては長すぎます。"}),
    ),
)
