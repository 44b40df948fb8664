"""Lab ``lock``: threading.Lock around the whole copy-work-write, acquire/release and ``with``."""

from __future__ import annotations

import time
from typing import Any
from unittest import mock

from conclab.curriculum.lessons.lock import example
from conclab.lab import Claim, Lab, LabContext, Measured

FORMS = (("acquire_release", "/acquire-release"), ("with", "/with"))
#: Each form's span on the timeline.
SPANS = {"acquire_release": {"ja": "acquire()/release()"}, "with": {"ja": "with 文"}}


def burst(ctx: LabContext, url: str, key: str, clients: int) -> dict[str, Any]:
    """``clients`` requests at once to one form; what was counted, when the ends came."""
    ends: list[float] = []

    def log(line: str) -> None:
        if line.startswith("end"):
            ends.append(time.perf_counter())
        ctx.log(f"[{key}] {line}")

    example.count = 0
    with mock.patch.object(example, "log", log), ctx.measure(key, label=SPANS[key]):
        answers = example.fetch_together(url, clients)
    ends.sort()
    gaps = [later - earlier for earlier, later in zip(ends, ends[1:], strict=False)]
    return {"counted": example.count, "answers": answers,
            "min_gap_s": min(gaps) if gaps else 0.0}


def run(ctx: LabContext) -> None:
    m = ctx.measured
    work = ctx.pick(0.1, 0.03)
    clients = int(ctx.pick(8, 5))
    m["work_s"], m["clients"] = work, clients
    m["serial_s"] = clients * work
    rows = []
    with mock.patch.object(example, "WORK_SECONDS", work), \
            ctx.trace(example, work={"en": "work (lock held)", "ja": "work（ロック保持中）"}):
        server = example.start_server()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            for key, path in FORMS:
                result = burst(ctx, base + path, key, clients)
                expected = [f"count: {i}" for i in range(1, clients + 1)]
                m[f"{key}_counted"] = result["counted"]
                m[f"{key}_answers_distinct"] = sorted(result["answers"], key=_count) == expected
                m[f"{key}_min_gap_s"] = result["min_gap_s"]
                rows.append([path, clients, result["counted"], m[f"{key}_s"], m["serial_s"],
                             result["min_gap_s"]])
            example.count = 0
            with mock.patch.object(example, "log", lambda line: ctx.log(f"[failure] {line}")):
                m["fail_answer"] = example.fetch(base + "/with/fail")
                m["lock_held_after_failure"] = example.lock.locked()
                m["after_failure_answer"] = example.fetch(base + "/with")
        finally:
            server.shutdown()
            server.server_close()
            if example.lock.locked():  # never leave the example's lock held for the next run
                example.lock.release()
    ctx.table(
        {"en": f"{clients} requests at once, {work:.2f} s of work each, the lock around all of it",
         "ja": f"同時に {clients} リクエスト、処理は各 {work:.2f} 秒、その全体をロック"},
        [{"en": "form", "ja": "書き方"}, {"en": "sent", "ja": "送信"},
         {"en": "counted", "ja": "カウント"}, {"en": "took (s)", "ja": "所要（秒）"},
         {"en": "clients x work (s)", "ja": "件数 x 処理（秒）"},
         {"en": "shortest gap between two ends (s)", "ja": "終了どうしの最短間隔（秒）"}],
        rows,
    )
    ctx.note({"en": "GET /with/fail answered {0!r}; afterwards the lock was {1}, and GET /with answered {2!r}.",
              "ja": "GET /with/fail の応答は {0!r} でした。そのあとロックは{1}、GET /with の応答は {2!r} でした。"},
             m["fail_answer"],
             ctx.text({"en": "still held", "ja": "取られたままで"}) if m["lock_held_after_failure"]
             else ctx.text({"en": "free", "ja": "解放されていて"}),
             m["after_failure_answer"])


def _count(answer: str) -> int:
    tail = answer.rpartition(" ")[2]
    return int(tail) if tail.isdigit() else -1


def exact(m: Measured) -> bool:
    return all(m[f"{key}_counted"] == m["clients"] and m[f"{key}_answers_distinct"]
               for key, _ in FORMS)


def serialised(m: Measured) -> bool:
    return all(m[f"{key}_s"] >= 0.9 * m["serial_s"] for key, _ in FORMS)


def one_at_a_time(m: Measured) -> bool:
    return all(m[f"{key}_min_gap_s"] >= 0.7 * m["work_s"] for key, _ in FORMS)


def released_on_error(m: Measured) -> bool:
    return (not m["lock_held_after_failure"] and m["fail_answer"].startswith("error")
            and m["after_failure_answer"] == "count: 1")


LAB = Lab(
    id="lock",
    chapter="locks",
    order=2,
    title={"en": "threading.Lock: acquire/release, then with; exact counts at a price",
           "ja": "threading.Lock: acquire/release から with へ。正確なカウントとその代償"},
    summary={"en": "A Lock around copy-work-write counts every request, but the slow work runs one request at a time.",
             "ja": "コピーから書き戻しまでを Lock で囲むと全リクエストが数えられるが、遅い処理が 1 つずつしか進まなくなる。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("exact",
              {"en": "Both forms counted all {clients} requests ({acquire_release_counted} and {with_counted}), each answer a different number.",
               "ja": "どちらの書き方でも {clients} 件すべてが数えられました（{acquire_release_counted} 件と {with_counted} 件）。応答の数字もすべて異なります。"},
              exact, uses=("clients", "acquire_release_counted", "with_counted"), sensitive_to=(),
              not_held={"en": "Not every request was counted exactly once: {acquire_release_counted} and {with_counted} of {clients}, or two answers were the same number.",
                        "ja": "すべてのリクエストがちょうど 1 回ずつ数えられたわけではありません。{clients} 件中 {acquire_release_counted} 件と {with_counted} 件、あるいは同じ数字の応答がありました。"}),
        Claim("work-serialises",
              {"en": "The price: {clients} requests took {acquire_release_s:.2f} s and {with_s:.2f} s, about {clients} x the work ({serial_s:.2f} s).",
               "ja": "代償: {clients} 件に {acquire_release_s:.2f} 秒と {with_s:.2f} 秒かかりました。処理時間の約 {clients} 倍（{serial_s:.2f} 秒）です。"},
              serialised, uses=("acquire_release_s", "with_s", "serial_s", "clients"),
              not_held={"en": "{clients} requests took {acquire_release_s:.2f} s and {with_s:.2f} s: less than {clients} x the work ({serial_s:.2f} s), so the work did not run one at a time.",
                        "ja": "{clients} 件にかかったのは {acquire_release_s:.2f} 秒と {with_s:.2f} 秒で、処理時間の {clients} 倍（{serial_s:.2f} 秒）より短くなりました。処理は 1 件ずつにはなっていませんでした。"}),
        Claim("one-at-a-time",
              {"en": "The requests ended one work apart (shortest gaps {acquire_release_min_gap_s:.3f} s and {with_min_gap_s:.3f} s for {work_s:.2f} s of work).",
               "ja": "リクエストは処理 1 回分ずつ間をあけて終わりました（最短の間隔は {acquire_release_min_gap_s:.3f} 秒と {with_min_gap_s:.3f} 秒、処理は {work_s:.2f} 秒）。"},
              one_at_a_time, uses=("acquire_release_min_gap_s", "with_min_gap_s", "work_s"),
              not_held={"en": "Two requests ended closer together than one unit of work (shortest gaps {acquire_release_min_gap_s:.3f} s and {with_min_gap_s:.3f} s for {work_s:.2f} s of work).",
                        "ja": "処理 1 回分より短い間隔で終わったリクエストがありました（最短の間隔は {acquire_release_min_gap_s:.3f} 秒と {with_min_gap_s:.3f} 秒、処理は {work_s:.2f} 秒）。"}),
        Claim("released-on-error",
              {"en": "When the work raised inside `with lock:`, the lock was released anyway and the next request was served.",
               "ja": "`with lock:` の中で処理が例外を出しても、ロックは解放され、次のリクエストも処理されました。"},
              released_on_error, uses=("lock_held_after_failure", "fail_answer", "after_failure_answer"),
              sensitive_to=(),
              not_held={"en": "When the work raised inside `with lock:`, the lock stayed held or the next request was not served.",
                        "ja": "`with lock:` の中で処理が例外を出したとき、ロックが解放されなかったか、次のリクエストが処理されませんでした。"}),
    ),
)
