"""Lab ``critical-section``: lock only the increment; counts stay exact and the work overlaps again."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any
from unittest import mock

from conclab.curriculum.lessons.critical_section import example
from conclab.lab import Claim, Lab, LabContext, Measured

FORMS = (("whole", "/whole"), ("increment", "/increment"))
#: Each form's span on the timeline.
SPANS = {"whole": {"ja": "全体をロック"}, "increment": {"ja": "インクリメントだけロック"}}


class Gauge:
    """How many calls of a function run at once, at most: the overlap of the work."""

    def __init__(self, func: Callable[[], None]) -> None:
        self.func = func
        self.now = 0
        self.peak = 0
        self._lock = threading.Lock()

    def __call__(self) -> None:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        try:
            self.func()
        finally:
            with self._lock:
                self.now -= 1


def run(ctx: LabContext) -> None:
    m = ctx.measured
    work = ctx.pick(0.1, 0.03)
    clients = int(ctx.pick(8, 6))
    m["work_s"], m["clients"] = work, clients
    m["serial_s"] = clients * work
    rows: list[list[Any]] = []
    with mock.patch.object(example, "WORK_SECONDS", work):
        server = example.start_server()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            for key, path in FORMS:
                gauge = Gauge(example.work)
                example.count = 0
                with mock.patch.object(example, "work", gauge), ctx.trace(example, work="work"), \
                        ctx.measure(key, label=SPANS[key]):
                    answers = example.fetch_together(base + path, clients)
                expected = sorted(f"count: {i}" for i in range(1, clients + 1))
                m[f"{key}_counted"] = example.count
                m[f"{key}_answers_distinct"] = sorted(answers) == expected
                m[f"{key}_peak"] = gauge.peak
                rows.append([path, clients, example.count, gauge.peak, m[f"{key}_s"]])
        finally:
            server.shutdown()
            server.server_close()
    m["speedup"] = m["whole_s"] / m["increment_s"]
    ctx.table(
        {"en": f"{clients} requests at once, {work:.2f} s of work each",
         "ja": f"同時に {clients} リクエスト、処理は各 {work:.2f} 秒"},
        [{"en": "locked", "ja": "ロックする範囲"}, {"en": "sent", "ja": "送信"},
         {"en": "counted", "ja": "カウント"}, {"en": "most at work at once", "ja": "同時に処理中だった最大数"},
         {"en": "took (s)", "ja": "所要（秒）"}],
        [[ctx.text({"en": "copy, work, write back", "ja": "コピー、処理、書き戻し"}), *rows[0][1:]],
         [ctx.text({"en": "the increment only", "ja": "インクリメントだけ"}), *rows[1][1:]]],
    )


def exact(m: Measured) -> bool:
    return all(m[f"{key}_counted"] == m["clients"] and m[f"{key}_answers_distinct"]
               for key, _ in FORMS)


def overlap_restored(m: Measured) -> bool:
    return m["whole_peak"] == 1 and m["increment_peak"] >= max(2, m["clients"] // 2)


def fast_again(m: Measured) -> bool:
    return (m["whole_s"] >= 0.9 * m["serial_s"]
            and m["increment_s"] <= max(0.5 * m["serial_s"], 3 * m["work_s"] + 0.1))


LAB = Lab(
    id="critical-section",
    chapter="locks",
    order=3,
    title={"en": "Shrink the critical section: lock only the increment",
           "ja": "クリティカルセクションを小さく: インクリメントだけをロックする"},
    summary={"en": "Work outside the lock, increment inside: every request counted, and the slow work overlaps again.",
             "ja": "処理はロックの外、インクリメントだけを中に。全リクエストが数えられ、遅い処理も再び重なって進む。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("exact",
              {"en": "Both ways counted all {clients} requests ({whole_counted} and {increment_counted}).",
               "ja": "どちらのやり方でも {clients} 件すべてが数えられました（{whole_counted} 件と {increment_counted} 件）。"},
              exact, uses=("clients", "whole_counted", "increment_counted"), sensitive_to=(),
              not_held={"en": "Not every request was counted: {whole_counted} and {increment_counted} of {clients}, or two answers were the same number.",
                        "ja": "すべてのリクエストが数えられたわけではありません。{clients} 件中 {whole_counted} 件と {increment_counted} 件、あるいは同じ数字の応答がありました。"}),
        Claim("overlap-restored",
              {"en": "With the whole thing locked, {whole_peak} request worked at a time; locking only the increment, {increment_peak} worked at once.",
               "ja": "全体をロックすると、同時に処理できたのは {whole_peak} 件でした。インクリメントだけをロックすると {increment_peak} 件が同時に処理されました。"},
              overlap_restored, uses=("whole_peak", "increment_peak", "clients"),
              sensitive_to=("timing", "load"),
              not_held={"en": "With the whole thing locked, {whole_peak} request(s) worked at a time; locking only the increment, {increment_peak} at once: not the one-then-many pattern expected.",
                        "ja": "全体をロックすると同時に処理されたのは {whole_peak} 件、インクリメントだけをロックすると {increment_peak} 件でした。想定した「1 件ずつから、多数が同時に」にはなりませんでした。"}),
        Claim("fast-again",
              {"en": "{clients} requests took {whole_s:.2f} s with the whole thing locked, {increment_s:.2f} s with only the increment locked ({speedup:.1f}x faster).",
               "ja": "{clients} 件の所要時間は、全体をロックすると {whole_s:.2f} 秒、インクリメントだけなら {increment_s:.2f} 秒でした（{speedup:.1f} 倍速い）。"},
              fast_again, uses=("whole_s", "increment_s", "serial_s", "work_s", "speedup"),
              not_held={"en": "{clients} requests took {whole_s:.2f} s with the whole thing locked and {increment_s:.2f} s with only the increment locked ({speedup:.1f}x): not the gap this lab expects.",
                        "ja": "{clients} 件の所要時間は、全体をロックすると {whole_s:.2f} 秒、インクリメントだけなら {increment_s:.2f} 秒（{speedup:.1f} 倍）でした。このラボが想定するほどの差にはなりませんでした。"}),
    ),
)
