"""Lab ``semaphore``: eight clients of the practice server, unlimited and through ``Semaphore(3)``.

The server, not the client, is the witness: its ``peak_in_flight`` gauge
counts requests it was handling at the same moment, so the limit is proved
from the other side of the socket. Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import math
import threading

from conclab.curriculum.lessons.semaphore import example
from conclab.lab import Claim, Lab, LabContext, Measured
from conclab.services.practice import PracticeServer

#: Each run's span on the timeline.
SPANS = {"unlimited": {"ja": "制限なし"}, "limited": {"ja": "Semaphore で制限"}}


def run(ctx: LabContext) -> None:
    seconds = ctx.pick(example.DELAY, 0.05)
    threads, limit = example.THREADS, example.LIMIT
    m = ctx.measured
    m.update(threads=threads, limit=limit, delay_s=seconds,
             rounds_s=math.ceil(threads / limit) * seconds)
    with PracticeServer(port=0, lang=ctx.lang) as server, ctx.trace(example, call_server="call_server"):
        m["loopback"] = server.url.startswith("http://127.0.0.1:")
        for name, slot in (("unlimited", None), ("limited", threading.Semaphore(limit))):
            example.reset_stats(server.url)
            with ctx.measure(name, label=SPANS[name]):
                example.many_calls(server.url, threads, seconds, slot)
            m[f"{name}_peak"] = example.peak_in_flight(server.url)
        m["served"] = server.stats()["served"]  # since the last reset: the limited run
    m["plain_extra"] = example.extra_release(threading.Semaphore(2))
    m["bounded_extra"] = example.extra_release(threading.BoundedSemaphore(2))
    admitted = m["plain_extra"].split()[0]
    m["plain_shown"] = ctx.text({"en": "{0} admitted", "ja": "{0} 件を通した"}, admitted) \
        if admitted.isdigit() else m["plain_extra"]
    ctx.table(
        {"en": f"{threads} threads, each one request that takes {seconds:.2f} s on the server",
         "ja": f"スレッド {threads} 本がそれぞれ 1 回、サーバー側で {seconds:.2f} 秒かかるリクエストを送る"},
        [{"en": "limit", "ja": "制限"}, {"en": "server's peak in flight", "ja": "サーバーの同時処理数のピーク"},
         {"en": "took (s)", "ja": "所要（秒）"}],
        [[ctx.text({"en": "none", "ja": "なし"}), m["unlimited_peak"], m["unlimited_s"]],
         [f"Semaphore({limit})", m["limited_peak"], m["limited_s"]]],
    )
    ctx.table(
        {"en": "One release too many", "ja": "release が 1 回多すぎる"},
        [{"en": "kind", "ja": "種類"}, {"en": "what happened", "ja": "結果"}],
        [["Semaphore(2)", m["plain_shown"]], ["BoundedSemaphore(2)", m["bounded_extra"]]],
    )


def unlimited_exceeds(m: Measured) -> bool:
    return m["loopback"] and m["limit"] < m["unlimited_peak"] <= m["threads"]


def limited_holds(m: Measured) -> bool:
    return 1 <= m["limited_peak"] <= m["limit"] and m["served"] == m["threads"]


def limit_costs_rounds(m: Measured) -> bool:
    return 0.95 * m["rounds_s"] <= m["limited_s"] <= 1.5 * m["rounds_s"] + 0.1


def bounded_catches(m: Measured) -> bool:
    return m["plain_extra"] == "3 admitted" and m["bounded_extra"].startswith("ValueError")


LAB = Lab(
    id="semaphore",
    chapter="coordination",
    order=4,
    title={"en": "Semaphore: at most N at once", "ja": "Semaphore: 同時に N 個まで"},
    summary={"en": "Semaphore(3) keeps the practice server's in-flight peak at 3; BoundedSemaphore catches an extra release.",
             "ja": "Semaphore(3) で練習用サーバーの同時処理数のピークを 3 に抑える。BoundedSemaphore は余分な release を捕まえる。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("unlimited-floods",
              {"en": "Without a limit the server had {unlimited_peak} of the {threads} requests in flight at once.",
               "ja": "制限がないと、サーバーは {threads} 件のリクエストのうち {unlimited_peak} 件を同時に処理していました。"},
              unlimited_exceeds, uses=("unlimited_peak", "threads", "limit"),
              not_held={"en": "Without a limit the server had {unlimited_peak} of the {threads} requests in flight at once: not more than the limit would allow.",
                        "ja": "制限がないとき、サーバーが同時に処理していたのは {threads} 件中 {unlimited_peak} 件で、制限を超えるほどにはなりませんでした。"}),
        Claim("semaphore-limits",
              {"en": "With Semaphore({limit}) the server never had more than {limited_peak} in flight "
                     "(its own gauge says so).",
               "ja": "Semaphore({limit}) を使うと、サーバーが同時に処理したのは最大 {limited_peak} 件でした（サーバー自身の計測による）。"},
              limited_holds, uses=("limited_peak", "limit", "served"), sensitive_to=(),
              not_held={"en": "With Semaphore({limit}) the server had up to {limited_peak} in flight, or not every request was served.",
                        "ja": "Semaphore({limit}) を使ったとき、サーバーが同時に処理したのは最大 {limited_peak} 件だったか、処理されないリクエストがありました。"}),
        Claim("limit-costs-rounds",
              {"en": "The limit has a price: {limited_s:.2f} s instead of {unlimited_s:.2f} s, about "
                     "{rounds_s:.2f} s for the requests in rounds of {limit}.",
               "ja": "制限には代償があります。{unlimited_s:.2f} 秒ではなく {limited_s:.2f} 秒かかりました。{limit} 件ずつ順番に処理した場合の {rounds_s:.2f} 秒とほぼ同じです。"},
              limit_costs_rounds, uses=("limited_s", "unlimited_s", "rounds_s"),
              not_held={"en": "With the limit the requests took {limited_s:.2f} s (without it {unlimited_s:.2f} s): not about {rounds_s:.2f} s, the time for rounds of {limit}.",
                        "ja": "制限ありでは {limited_s:.2f} 秒（制限なしでは {unlimited_s:.2f} 秒）でした。{limit} 件ずつ順番に処理した場合の {rounds_s:.2f} 秒からは外れました。"}),
        Claim("bounded-catches-extra-release",
              {"en": "One release too many silently raised Semaphore(2) to {plain_shown}; "
                     "BoundedSemaphore(2) refused it ({bounded_extra}).",
               "ja": "release を 1 回多く呼ぶと、Semaphore(2) は黙って枠を広げました（{plain_shown}）。BoundedSemaphore(2) はそれを拒みました（{bounded_extra}）。"},
              bounded_catches, uses=("plain_extra", "plain_shown", "bounded_extra"), sensitive_to=(),
              not_held={"en": "One release too many gave {plain_shown} with Semaphore(2) and {bounded_extra} with BoundedSemaphore(2): not the difference expected.",
                        "ja": "release を 1 回多く呼ぶと、Semaphore(2) は {plain_shown}、BoundedSemaphore(2) は {bounded_extra} でした。想定した違いにはなりませんでした。"}),
    ),
)
