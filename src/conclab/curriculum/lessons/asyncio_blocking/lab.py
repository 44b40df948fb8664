"""Lab ``asyncio-blocking``: ``time.sleep`` in a coroutine freezes the loop; executors unfreeze it.

A heartbeat task (lane ``probe``) asks to wake every few milliseconds; its
``beat`` spans stretch across any stall, so the timeline shows the frozen loop
as one long bar, and the worst lag is the measured figure.
"""

from __future__ import annotations

import asyncio
import time

from conclab.curriculum.lessons.asyncio_blocking import example
from conclab.lab import Claim, Lab, LabContext, Measured

#: Each measurement's span on the timeline.
SPANS = {"blocking": {"ja": "ブロッキング呼び出し"}, "executor": {"ja": "run_in_executor"},
         "to_thread": {"ja": "to_thread"}, "cpu_in_turn": {"ja": "CPU 処理を順番に"},
         "cpu_threads": {"ja": "CPU 処理をスレッドで"}}


async def _drive(ctx: LabContext, seconds: float, interval: float, n: int) -> None:
    task = asyncio.current_task()
    assert task is not None
    task.set_name("main")
    m = ctx.measured
    for way, fetch in (("blocking", example.fetch_blocking),
                       ("executor", example.fetch_in_executor),
                       ("to_thread", example.fetch_to_thread)):
        with ctx.measure(way, label=SPANS[way]):
            m[f"{way}_lag_s"] = await example.two_fetches(fetch, seconds, interval)
    # Twice each, alternating, keeping the faster: one preempted run on a busy
    # machine should not decide a claim about the GIL.
    turns, threads, cores = [], [], []
    for _ in range(2):
        with ctx.measure("cpu_in_turn", label=SPANS["cpu_in_turn"]):
            example.cpu_in_turn(n)
        turns.append(m["cpu_in_turn_s"])
        cpu_before = time.process_time()
        with ctx.measure("cpu_threads", label=SPANS["cpu_threads"]):
            await example.cpu_in_threads(n)
        threads.append(m["cpu_threads_s"])
        cores.append((time.process_time() - cpu_before) / max(m["cpu_threads_s"], 1e-9))
    m["cpu_in_turn_s"], m["cpu_threads_s"] = min(turns), min(threads)
    # CPU seconds per wall second while the two threads ran: about 1 under the GIL
    # (one thread at a time), about 2 on a free-threaded build; other programs only lower it.
    m["cpu_threads_cores"] = max(cores)


def run(ctx: LabContext) -> None:
    seconds = ctx.pick(example.SECONDS, 0.08)
    interval = ctx.pick(example.PROBE_EVERY, 0.01)
    n = int(ctx.pick(2_000_000, 600_000))
    m = ctx.measured
    m.update(seconds_s=seconds, both_s=2 * seconds, probe_every_s=interval, countdown=n)
    with ctx.trace(example, blocking_io="blocking_io {0}", beat="beat",
                   fetch_blocking="fetch {0}", fetch_in_executor="fetch {0}",
                   fetch_to_thread="fetch {0}", count_down="count_down"):
        asyncio.run(_drive(ctx, seconds, interval, n))
    m["cpu_ratio"] = m["cpu_threads_s"] / m["cpu_in_turn_s"]
    m["task_lanes"] = sorted({s.lane for s in ctx.recorder.spans() if s.lane_kind == "task"})
    way = {"en": "way", "ja": "やり方"}
    ctx.table(
        {"en": f"Two fetches that each block for {seconds:.2f} s, with a heartbeat every {interval:.2f} s",
         "ja": f"{seconds:.2f} 秒ブロックする fetch を 2 つ、{interval:.2f} 秒ごとのハートビートつきで"},
        [way, {"en": "took (s)", "ja": "所要（秒）"},
         {"en": "worst heartbeat lag (s)", "ja": "ハートビートの最大遅れ（秒）"}],
        [[ctx.text({"en": "time.sleep in the coroutine", "ja": "コルーチン内で time.sleep"}),
          m["blocking_s"], m["blocking_lag_s"]],
         ["loop.run_in_executor", m["executor_s"], m["executor_lag_s"]],
         ["asyncio.to_thread", m["to_thread_s"], m["to_thread_lag_s"]]],
    )
    ctx.table(
        {"en": f"CPU work: counting down from {n:,} twice", "ja": f"CPU 処理: {n:,} からのカウントダウンを 2 回"},
        [way, {"en": "took (s)", "ja": "所要（秒）"}],
        [[ctx.text({"en": "one after the other", "ja": "順番に"}), m["cpu_in_turn_s"]],
         [ctx.text({"en": "two threads (asyncio.to_thread)", "ja": "スレッド 2 本（asyncio.to_thread）"}),
          m["cpu_threads_s"]]],
    )


def blocking_is_serial(m: Measured) -> bool:
    return m["blocking_s"] >= 0.95 * m["both_s"]


def loop_stalled(m: Measured) -> bool:
    return m["blocking_lag_s"] >= 0.8 * m["seconds_s"]


def executors_overlap(m: Measured) -> bool:
    upper = 1.5 * m["seconds_s"] + 0.05 + 2 * m["probe_every_s"]
    return m["executor_s"] <= upper and m["to_thread_s"] <= upper


def loop_stays_free(m: Measured) -> bool:
    bound = max(0.5 * m["seconds_s"], 0.05)
    return m["executor_lag_s"] <= bound and m["to_thread_lag_s"] <= bound


LAB = Lab(
    id="asyncio-blocking",
    chapter="asyncio",
    order=2,
    title={"en": "A blocking call stalls the event loop",
           "ja": "ブロッキング呼び出しはイベントループを止める"},
    summary={"en": "time.sleep in a coroutine freezes every task; run_in_executor and to_thread restore the overlap.",
             "ja": "コルーチン内の time.sleep は全タスクを止める。run_in_executor と to_thread で重なりを取り戻す。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("blocking-adds-up",
              {"en": "With time.sleep inside the coroutines, two {seconds_s:.2f} s fetches took {blocking_s:.2f} s: "
                     "one after the other, although they were separate tasks.",
               "ja": "コルーチンの中で time.sleep を呼ぶと、{seconds_s:.2f} 秒の fetch 2 つに {blocking_s:.2f} 秒かかりました。別々のタスクなのに、順番に実行されました。"},
              blocking_is_serial, uses=("blocking_s", "both_s", "seconds_s"),
              not_held={"en": "With time.sleep inside the coroutines, two {seconds_s:.2f} s fetches took {blocking_s:.2f} s: less than both calls one after the other.",
                        "ja": "コルーチンの中で time.sleep を呼び、{seconds_s:.2f} 秒の fetch 2 つは {blocking_s:.2f} 秒でした。2 回分を順番に実行した時間より短くなりました。"}),
        Claim("loop-stalled",
              {"en": "Meanwhile the heartbeat, which asks to wake every {probe_every_s:.2f} s, woke "
                     "{blocking_lag_s:.2f} s late: the whole loop was frozen.",
               "ja": "そのあいだ、{probe_every_s:.2f} 秒ごとに起きたいハートビートタスクは {blocking_lag_s:.2f} 秒も遅れて起きました。ループ全体が止まっていました。"},
              loop_stalled, uses=("blocking_lag_s", "probe_every_s", "seconds_s"),
              not_held={"en": "Meanwhile the heartbeat, which asks to wake every {probe_every_s:.2f} s, woke at most {blocking_lag_s:.2f} s late: less than the stall this lab expects.",
                        "ja": "そのあいだ、{probe_every_s:.2f} 秒ごとに起きたいハートビートタスクの遅れは最大 {blocking_lag_s:.2f} 秒でした。このラボが想定する停止より短い遅れです。"}),
        Claim("executor-overlaps",
              {"en": "Moved to worker threads, the two fetches took {executor_s:.2f} s (run_in_executor) and "
                     "{to_thread_s:.2f} s (to_thread): about one call ({seconds_s:.2f} s).",
               "ja": "ワーカースレッドに移すと、2 つの fetch は {executor_s:.2f} 秒（run_in_executor）と {to_thread_s:.2f} 秒（to_thread）で終わりました。ほぼ 1 回分（{seconds_s:.2f} 秒）です。"},
              executors_overlap, uses=("executor_s", "to_thread_s", "seconds_s"),
              not_held={"en": "Moved to worker threads, the two fetches took {executor_s:.2f} s (run_in_executor) and {to_thread_s:.2f} s (to_thread): more than about one call ({seconds_s:.2f} s).",
                        "ja": "ワーカースレッドに移すと、2 つの fetch は {executor_s:.2f} 秒（run_in_executor）と {to_thread_s:.2f} 秒（to_thread）でした。1 回分（{seconds_s:.2f} 秒）より長くかかりました。"}),
        Claim("loop-stays-free",
              {"en": "And the heartbeat kept its beat: worst lag {executor_lag_s:.3f} s and {to_thread_lag_s:.3f} s.",
               "ja": "ハートビートも乱れませんでした。最大の遅れは {executor_lag_s:.3f} 秒と {to_thread_lag_s:.3f} 秒です。"},
              loop_stays_free, uses=("executor_lag_s", "to_thread_lag_s", "seconds_s"),
              not_held={"en": "The heartbeat lagged: worst lag {executor_lag_s:.3f} s and {to_thread_lag_s:.3f} s, more than this lab allows for a free loop.",
                        "ja": "ハートビートが遅れました。最大の遅れは {executor_lag_s:.3f} 秒と {to_thread_lag_s:.3f} 秒で、ループが空いているときに許す範囲を超えました。"}),
        Claim("threads-do-not-speed-up-cpu",
              {"en": "CPU work is another matter: two countdowns took {cpu_threads_s:.2f} s in two threads and "
                     "{cpu_in_turn_s:.2f} s one after the other, and the threads kept only "
                     "{cpu_threads_cores:.2f} cores busy: they ran one at a time, so under the GIL threads cannot make CPU work faster.",
               "ja": "CPU 処理は話が別です。2 つのカウントダウンは、スレッド 2 本で {cpu_threads_s:.2f} 秒、順番に"
                     "実行して {cpu_in_turn_s:.2f} 秒でした。スレッドが使ったコアは平均 {cpu_threads_cores:.2f} 個だけで、"
                     "一度に 1 本ずつしか動けていません。GIL の下では、スレッドで CPU 処理は速くなりません。"},
              lambda m: m["cpu_threads_cores"] <= 1.3,
              uses=("cpu_threads_s", "cpu_in_turn_s", "cpu_ratio", "cpu_threads_cores"),
              unmeasured={"en": "With the GIL on, two CPU-bound countdowns in threads keep only about one core busy; this build has no GIL, so it was not measured here.",
                          "ja": "GIL が有効なら、CPU バウンドなカウントダウン 2 つをスレッドで動かしても、使えるコアは 1 個分ほどです。この環境には GIL がないので、ここでは計測していません。"},
              requires=("gil",), sensitive_to=("gil", "load", "timing"),
              not_held={"en": "Two countdowns took {cpu_threads_s:.2f} s in two threads and {cpu_in_turn_s:.2f} s one after the other, and the threads kept {cpu_threads_cores:.2f} cores busy: more than the one core the GIL allows, so something else shared in the measurement.",
                        "ja": "2 つのカウントダウンは、スレッド 2 本で {cpu_threads_s:.2f} 秒、順番に実行して {cpu_in_turn_s:.2f} 秒でした。スレッドが使ったコアは平均 {cpu_threads_cores:.2f} 個で、GIL の下で期待される 1 個を超えました。計測にほかの処理が混じった可能性があります。"}),
    ),
)
