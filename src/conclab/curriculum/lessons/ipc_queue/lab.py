"""Lab ``ipc-queue``: producer and consumer processes on a Manager queue; Queue and JoinableQueue."""

from __future__ import annotations

from collections import Counter
from typing import Any

from conclab.curriculum.lessons._parallel import child_spans, start_method
from conclab.curriculum.lessons.ipc_queue import example
from conclab.lab import Claim, Lab, LabContext, Measured


def run(ctx: LabContext) -> None:
    m = ctx.measured
    count = int(ctx.pick(12, 6))
    work = ctx.pick(example.WORK, 0.01)
    m.update(tasks=count, consumers=2, start_method=start_method())

    def report(message: Any) -> None:
        name, task, result = message
        if task == "sentinel":
            ctx.log(ctx.text({"en": "{0}: sentinel, stopping", "ja": "{0}: 番兵を受け取って停止"}, name))
        else:
            ctx.log(ctx.text({"en": "{0}: task {1} -> {2}", "ja": "{0}: タスク {1} -> {2}"}, name, task, result))

    with ctx.trace(example, producer="producer", consumer="consumer", handle="handle {0}",
                   joinable_worker="joinable_worker"):
        began = ctx.now()
        with ctx.measure("Manager queue", label={"ja": "Manager のキュー"}):
            received, exits = example.with_manager_queue(count, 2, work, report)
        manager_spans = child_spans(ctx, since=began)
        with ctx.measure("Queue", label={"ja": "Queue"}):
            returned, queue_exits = example.with_queue(count, 2, work, report=lambda message: None)
        with ctx.measure("JoinableQueue", label={"ja": "JoinableQueue"}):
            done, joinable_exits = example.with_joinable_queue(count, 2, work)

    handled = [task for _, task, _ in received if task != "sentinel"]
    per_consumer = Counter(name for name, task, _ in received if task != "sentinel")
    sentinels = Counter(name for name, task, _ in received if task == "sentinel")
    m["handled_once"] = sorted(handled) == list(range(count))
    m["per_consumer"] = [per_consumer.get(f"consumer-{i + 1}", 0) for i in range(2)]
    m["sentinels"] = [sentinels.get(f"consumer-{i + 1}", 0) for i in range(2)]
    m["exit_codes"] = exits + queue_exits + joinable_exits
    lanes = {(s.lane, s.pid) for s in manager_spans}
    m["child_lanes"] = sorted(lane for lane, _ in lanes)
    m["child_pids"] = sorted({pid for _, pid in lanes})
    expected = sum(task * task for task in range(count))
    m["queue_sum"] = sum(result for _, task, result in returned if task != "sentinel")
    m["expected_sum"] = expected
    m["joinable_done"] = len(done)
    m["small_bytes"], m["large_bytes"], m["flush_wait_s"] = 1_000, 1_000_000, ctx.pick(0.5, 0.3)
    m["small_exited"] = example.exits_before_read(m["small_bytes"], 3.0)  # returns once it has exited
    m["large_exited"] = example.exits_before_read(m["large_bytes"], m["flush_wait_s"])
    ctx.table(
        {"en": f"{count} tasks, two consumers ({m['start_method']})",
         "ja": f"タスク {count} 個、消費者 2 個（{m['start_method']}）"},
        [{"en": "queue", "ja": "キュー"}, {"en": "what came back to the parent", "ja": "親プロセスに戻ってきたもの"},
         {"en": "took (s)", "ja": "所要（秒）"}],
        [["Manager().Queue()", ctx.text({"en": "consumer-1 {0}, consumer-2 {1} tasks; one sentinel each",
                                         "ja": "consumer-1 が {0} 個、consumer-2 が {1} 個。番兵は 1 個ずつ"},
                                        *m["per_consumer"]), m["Manager queue_s"]],
         ["multiprocessing.Queue()", ctx.text({"en": "sum of squares {0} (expected {1})",
                                               "ja": "二乗の合計 {0}（期待値 {1}）"}, m["queue_sum"], expected),
          m["Queue_s"]],
         ["multiprocessing.JoinableQueue()", ctx.text({"en": "join() returned with {0} of {1} tasks done",
                                                       "ja": "join() が戻った時点で {1} 個中 {0} 個が完了"},
                                                      len(done), count), m["JoinableQueue_s"]]],
    )


def each_once(m: Measured) -> bool:
    return m["handled_once"] is True and m["sentinels"] == [1, 1] and all(code == 0 for code in m["exit_codes"])


def lane_per_process(m: Measured) -> bool:
    lanes = set(m["child_lanes"])
    return {"producer", "consumer-1", "consumer-2"} <= lanes and len(m["child_pids"]) >= 3


LAB = Lab(
    id="ipc-queue",
    chapter="ipc",
    order=1,
    title={"en": "Queues between processes: a producer, two consumers, one sentinel each",
           "ja": "プロセス間のキュー: 生産者 1 個、消費者 2 個、番兵は 1 個ずつ"},
    summary={"en": "A producer process feeds two consumers through a Manager queue; Queue and JoinableQueue.",
             "ja": "生産者が Manager のキューで 2 個の消費者に仕事を渡す。Queue と JoinableQueue も。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("each-task-once",
              {"en": "Every one of the {tasks} tasks was handled exactly once, each consumer stopped on its "
                     "own sentinel, and every process exited with code 0.",
               "ja": "{tasks} 個のタスクはどれもちょうど 1 回ずつ処理され、各消費者は自分の番兵で止まり、すべてのプロセスが終了コード 0 で終わりました。"},
              each_once, uses=("handled_once", "sentinels", "exit_codes"), sensitive_to=(),
              not_held={"en": "Not every one of the {tasks} tasks was handled exactly once, or a consumer did not stop on its own sentinel, or a process exited with an error.",
                        "ja": "{tasks} 個のタスクのどれかが 1 回ずつ処理されなかったか、自分の番兵で止まらなかった消費者がいたか、エラーで終わったプロセスがありました。"}),
        Claim("both-consumers-worked",
              {"en": "Both consumers took tasks, first come first served: {per_consumer}.",
               "ja": "両方の消費者が、早い者勝ちでタスクを取りました: {per_consumer}。"},
              lambda m: min(m["per_consumer"]) >= 1, uses=("per_consumer",), sensitive_to=("load", "timing"),
              not_held={"en": "Not both consumers took tasks: {per_consumer}. One got there first every time on this run.",
                        "ja": "両方の消費者がタスクを取ったわけではありません: {per_consumer}。今回はいつも片方が先に取りました。"}),
        Claim("lane-per-process",
              {"en": "The timeline has one lane per process ({child_lanes}), recorded in the children "
                     "(pids {child_pids}) and gathered by the parent.",
               "ja": "タイムラインにはプロセスごとのレーン（{child_lanes}）があります。子プロセス（pid {child_pids}）で記録され、親プロセスが集めたものです。"},
              lane_per_process, uses=("child_lanes", "child_pids"), sensitive_to=(),
              not_held={"en": "The timeline's lanes were {child_lanes} (pids {child_pids}): not one lane per process.",
                        "ja": "タイムラインのレーンは {child_lanes}（pid {child_pids}）で、プロセスごとに 1 本のレーンにはなりませんでした。"}),
        Claim("results-back",
              {"en": "Through a multiprocessing.Queue the results came back to the parent: sum of squares "
                     "{queue_sum} (expected {expected_sum}).",
               "ja": "multiprocessing.Queue を通って結果が親プロセスに戻りました。二乗の合計は {queue_sum}（期待値 {expected_sum}）です。"},
              lambda m: m["queue_sum"] == m["expected_sum"], uses=("queue_sum", "expected_sum"), sensitive_to=(),
              not_held={"en": "Through a multiprocessing.Queue the parent got a sum of squares of {queue_sum}, not the expected {expected_sum}.",
                        "ja": "multiprocessing.Queue を通って親プロセスに届いた二乗の合計は {queue_sum} で、期待値 {expected_sum} と違いました。"}),
        Claim("joinable-join",
              {"en": "JoinableQueue.join() returned only when all {joinable_done} tasks were marked done.",
               "ja": "JoinableQueue.join() は、{joinable_done} 個のタスクがすべて完了と記録されてから戻りました。"},
              lambda m: m["joinable_done"] == m["tasks"], uses=("joinable_done", "tasks"), sensitive_to=(),
              not_held={"en": "JoinableQueue.join() returned with {joinable_done} tasks marked done: not all of them.",
                        "ja": "JoinableQueue.join() が戻った時点で完了と記録されたタスクは {joinable_done} 個で、全部ではありませんでした。"}),
        Claim("exit-waits-for-flush",
              {"en": "A child that put {small_bytes:,} bytes on a Queue exited before anyone read them; one that "
                     "put {large_bytes:,} bytes was still alive {flush_wait_s:.1f} s after its put() returned: at exit a process waits "
                     "until its data is flushed into the pipe, and a full pipe waits for a reader.",
               "ja": "Queue に {small_bytes:,} バイトを入れた子プロセスは、誰も読まないうちに終了しました。"
                     "{large_bytes:,} バイトを入れた子プロセスは、put() が戻ってから {flush_wait_s:.1f} 秒後もまだ生きていました。"
                     "プロセスは終了するときにデータがパイプへ書き出されるまで待ち、パイプが一杯なら読み手を待つからです。"},
              lambda m: m["small_exited"] is True and m["large_exited"] is False,
              uses=("small_bytes", "large_bytes", "flush_wait_s", "small_exited", "large_exited"),
              sensitive_to=("load", "timing"),
              not_held={"en": "The children that put {small_bytes:,} and {large_bytes:,} bytes did not behave as "
                              "expected here: the small one should exit before any read, the large one should "
                              "still wait for a reader {flush_wait_s:.1f} s later.",
                        "ja": "{small_bytes:,} バイトと {large_bytes:,} バイトを入れた子プロセスは、想定どおりに"
                              "なりませんでした。小さいほうは読まれる前に終了し、大きいほうは {flush_wait_s:.1f} 秒後も"
                              "読み手を待っているはずです。"}),
    ),
)
