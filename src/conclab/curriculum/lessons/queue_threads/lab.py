"""Lab ``queue-threads``: one producer, two consumers, an unbounded and a bounded queue.

The producer notes the queue's depth after each ``put``; its ``produce`` span
shows how long it was held back. With an unbounded queue it finishes at once
and the queue fills; with ``maxsize`` it is paced by the consumers.
"""

from __future__ import annotations

from conclab.curriculum.lessons.queue_threads import example
from conclab.lab import Claim, Lab, LabContext, Measured

MAXSIZE = 3


#: Each run's span on the timeline.
SPANS = {"unbounded": {"ja": "上限なしのキュー"}, "bounded": {"ja": "上限ありのキュー"}}


def run(ctx: LabContext) -> None:
    work = ctx.pick(example.WORK, 0.01)
    items, consumers = example.ITEMS, example.CONSUMERS
    m = ctx.measured
    m.update(items=items, consumers=consumers, maxsize=MAXSIZE, work_s=work,
             expected=[i * i for i in range(items)],
             held_back_s=(items - MAXSIZE - consumers) / consumers * work,
             consumers_s=items / consumers * work)
    for name, maxsize in (("unbounded", 0), ("bounded", MAXSIZE)):
        began = ctx.now()
        with ctx.trace(example, produce="produce", handle="handle {0}"), ctx.measure(name, label=SPANS[name]):
            outcome = example.pipeline(items, consumers, work, maxsize)
        spans = [s for s in ctx.recorder.spans() if s.start_s >= began]
        m[f"{name}_depths"] = outcome["depths"]
        m[f"{name}_max_depth"] = max(outcome["depths"])
        m[f"{name}_results"] = outcome["results"]
        m[f"{name}_processed_at_join"] = outcome["processed_at_join"]
        m[f"{name}_alive_after"] = outcome["alive_after"]
        m[f"{name}_producer_s"] = sum(s.duration_s for s in spans if s.name == "produce")
        m[f"{name}_handled"] = sum(1 for s in spans if s.name.startswith("handle "))
    ctx.table(
        {"en": f"{items} items, {consumers} consumers taking {work:.2f} s each",
         "ja": f"{items} 個の要素、1 個 {work:.2f} 秒かかる消費者 {consumers} 人"},
        [{"en": "queue", "ja": "キュー"}, {"en": "depth after each put", "ja": "put ごとの深さ"},
         {"en": "producer busy (s)", "ja": "生産者の所要（秒）"}, {"en": "total (s)", "ja": "全体（秒）"}],
        [["Queue()", " ".join(map(str, m["unbounded_depths"])), m["unbounded_producer_s"], m["unbounded_s"]],
         [f"Queue(maxsize={MAXSIZE})", " ".join(map(str, m["bounded_depths"])), m["bounded_producer_s"],
          m["bounded_s"]]],
    )


def all_processed(m: Measured) -> bool:
    return all(m[f"{n}_results"] == m["expected"] and m[f"{n}_processed_at_join"] == m["items"]
               and m[f"{n}_alive_after"] == 0 for n in ("unbounded", "bounded"))


def unbounded_fills(m: Measured) -> bool:
    return (m["unbounded_max_depth"] >= m["items"] // 2
            and m["unbounded_producer_s"] <= 0.25 * m["consumers_s"])


def bounded_pushes_back(m: Measured) -> bool:
    return (m["bounded_max_depth"] <= m["maxsize"]
            and m["bounded_producer_s"] >= 0.5 * m["held_back_s"])


LAB = Lab(
    id="queue-threads",
    chapter="coordination",
    order=2,
    title={"en": "Producer and consumers with queue.Queue", "ja": "queue.Queue で生産者と消費者をつなぐ"},
    summary={"en": "task_done/join and sentinels end the work cleanly; a bounded queue holds a fast producer back.",
             "ja": "task_done/join と番兵で仕事をきれいに終え、上限つきキューで速すぎる生産者を抑える。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("every-item-once",
              {"en": "Both runs processed all {items} items exactly once; q.join() returned only after the last "
                     "task_done, and one sentinel per consumer stopped all {consumers} consumers.",
               "ja": "どちらの実行でも {items} 個の要素がちょうど 1 回ずつ処理されました。q.join() は最後の task_done のあとで戻り、消費者ごとに 1 つの番兵で {consumers} 人全員が止まりました。"},
              all_processed, uses=("items", "unbounded_processed_at_join", "bounded_processed_at_join",
                                   "unbounded_alive_after", "bounded_alive_after"), sensitive_to=(),
              not_held={"en": "Not all {items} items were processed exactly once, or q.join() returned early, or a consumer was still alive.",
                        "ja": "{items} 個の要素のどれかが 1 回ずつ処理されなかったか、q.join() が早く戻ったか、止まらなかった消費者がいました。"}),
        Claim("unbounded-queue-fills",
              {"en": "With an unbounded queue the producer was done in {unbounded_producer_s:.3f} s and the queue "
                     "grew to {unbounded_max_depth} items waiting: nothing held it back.",
               "ja": "上限なしのキューでは、生産者は {unbounded_producer_s:.3f} 秒で作り終え、キューには最大 {unbounded_max_depth} 個がたまりました。止めるものが何もなかったからです。"},
              unbounded_fills, uses=("unbounded_max_depth", "unbounded_producer_s", "consumers_s"),
              not_held={"en": "With an unbounded queue the producer took {unbounded_producer_s:.3f} s and the queue grew to only {unbounded_max_depth} items: the consumers kept up this time.",
                        "ja": "上限なしのキューで、生産者は {unbounded_producer_s:.3f} 秒かかり、キューにたまったのは最大 {unbounded_max_depth} 個でした。今回は消費者が追いつきました。"}),
        Claim("bounded-queue-pushes-back",
              {"en": "With maxsize={maxsize} the queue never held more than {bounded_max_depth} items, and the "
                     "producer was held back for {bounded_producer_s:.2f} s, paced by the consumers.",
               "ja": "maxsize={maxsize} のキューには最大 {bounded_max_depth} 個までしかたまらず、生産者は {bounded_producer_s:.2f} 秒のあいだ消費者のペースに合わせて待たされました。"},
              bounded_pushes_back, uses=("bounded_max_depth", "maxsize", "bounded_producer_s", "held_back_s"),
              not_held={"en": "With maxsize={maxsize} the queue held up to {bounded_max_depth} items and the producer waited {bounded_producer_s:.2f} s: not the back-pressure expected.",
                        "ja": "maxsize={maxsize} のキューには最大 {bounded_max_depth} 個がたまり、生産者の待ちは {bounded_producer_s:.2f} 秒でした。想定した背圧（生産者が待たされること）にはなりませんでした。"}),
    ),
)
