"""Lab ``asyncio-future``: a Future resolved by another task, then timeouts and cancellation.

The courier, the slow job and the worker are named tasks, so the timeline
shows who waited on whom: ``await future`` on ``main`` ends exactly where
``deliver`` on ``courier`` does.
"""

from __future__ import annotations

import asyncio

from conclab.curriculum.lessons.asyncio_future import example
from conclab.lab import Claim, Lab, LabContext, Measured

CLEANED = ["cancelled, cleaned up"]


async def _drive(ctx: LabContext, delay: float, limit: float, after: float) -> None:
    task = asyncio.current_task()
    assert task is not None
    task.set_name("main")
    m = ctx.measured
    with ctx.measure("future", label={"ja": "Future で受け渡し"}):
        m["value"] = await example.future_between_tasks(delay)
    with ctx.measure("future_error", label={"ja": "Future で例外"}):
        m["error_value"] = await example.future_with_error(delay)
    with ctx.measure("timeout", label={"ja": "タイムアウト"}):
        m["timed_out"], m["timeout_job_cancelled"], log = await example.with_timeout(limit)
    m["timeout_cleanup_ran"] = log == CLEANED
    with ctx.measure("cancel", label={"ja": "キャンセル"}):
        m["cancelled"], log = await example.cancel_after(after)
    m["cancel_cleanup_ran"] = log == CLEANED
    m["cancel_stop_s"] = max(0.0, m["cancel_s"] - after)


def run(ctx: LabContext) -> None:
    delay, limit, after = ctx.pick(example.DELAY, 0.04), ctx.pick(0.3, 0.04), ctx.pick(0.2, 0.02)
    m = ctx.measured
    m.update(delay_s=delay, limit_s=limit, after_s=after, slow_s=example.SLOW)
    with ctx.trace(example, deliver="deliver", lose={"en": "deliver (fails)", "ja": "deliver（失敗）"}, receive="await future",
                   slow_job="slow_job"):
        asyncio.run(_drive(ctx, delay, limit, after))
    m["task_lanes"] = sorted({s.lane for s in ctx.recorder.spans() if s.lane_kind == "task"})
    yes, no = ctx.text({"en": "yes", "ja": "はい"}), ctx.text({"en": "no", "ja": "いいえ"})
    ctx.table(
        {"en": "Futures, timeouts and cancellation", "ja": "Future、タイムアウト、キャンセル"},
        [{"en": "step", "ja": "内容"}, {"en": "took (s)", "ja": "所要（秒）"},
         {"en": "outcome", "ja": "結果"}],
        [[ctx.text({"en": "await a Future set after {0:.2f} s", "ja": "{0:.2f} 秒後に設定される Future を await"}, delay),
          m["future_s"], repr(m["value"])],
         [ctx.text({"en": "the producer sets an exception", "ja": "生産側が例外を設定"}),
          m["future_error_s"], m["error_value"]],
         [ctx.text({"en": "wait_for a {0:g} s job, limit {1:.2f} s", "ja": "{0:g} 秒の仕事を制限 {1:.2f} 秒で wait_for"},
                   example.SLOW, limit),
          m["timeout_s"], ctx.text({"en": "timed out: {0}, job cancelled: {1}", "ja": "タイムアウト: {0}、仕事のキャンセル: {1}"},
                                   yes if m["timed_out"] else no, yes if m["timeout_job_cancelled"] else no)],
         [ctx.text({"en": "cancel() after {0:.2f} s", "ja": "{0:.2f} 秒後に cancel()"}, after),
          m["cancel_s"], ctx.text({"en": "stopped {0:.4f} s after cancel()", "ja": "cancel() の {0:.4f} 秒後に停止"},
                                  m["cancel_stop_s"])]],
    )


def _about(value: float, target: float) -> bool:
    return 0.95 * target <= value <= 1.5 * target + 0.05


def future_resolved(m: Measured) -> bool:
    return m["value"] == "parcel" and _about(m["future_s"], m["delay_s"])


def timeout_stops(m: Measured) -> bool:
    return (m["timed_out"] and m["timeout_job_cancelled"] and m["timeout_cleanup_ran"]
            and _about(m["timeout_s"], m["limit_s"]))


def cancel_prompt(m: Measured) -> bool:
    return m["cancelled"] and m["cancel_cleanup_ran"] and m["cancel_stop_s"] <= 0.05


LAB = Lab(
    id="asyncio-future",
    chapter="asyncio",
    order=3,
    title={"en": "Futures, timeouts and cancellation", "ja": "Future、タイムアウト、キャンセル"},
    summary={"en": "One task resolves a Future another awaits; wait_for gives up on time; cancel stops a task at its await.",
             "ja": "あるタスクが Future を解決し、別のタスクが待つ。wait_for は時間切れであきらめ、cancel は await の地点でタスクを止める。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("future-resolved-by-another-task",
              {"en": "main awaited a Future for {future_s:.2f} s and got {value!r} the moment the courier task "
                     "called set_result (after {delay_s:.2f} s).",
               "ja": "main は Future を {future_s:.2f} 秒 await し、courier タスクが set_result を呼んだ瞬間（{delay_s:.2f} 秒後）に {value!r} を受け取りました。"},
              future_resolved, uses=("future_s", "delay_s", "value"),
              not_held={"en": "main awaited a Future for {future_s:.2f} s and got {value!r}; the courier called set_result after {delay_s:.2f} s: the value or the timing was not what was expected.",
                        "ja": "main は Future を {future_s:.2f} 秒 await して {value!r} を受け取りました。courier が set_result を呼んだのは {delay_s:.2f} 秒後で、値か時間が想定と違いました。"}),
        Claim("exception-travels",
              {"en": "When the courier called set_exception instead, the error was raised at main's await: {error_value}.",
               "ja": "courier が代わりに set_exception を呼ぶと、その例外は main の await で送出されました: {error_value}。"},
              lambda m: m["error_value"] == "error: parcel lost in transit", uses=("error_value",),
              sensitive_to=(),
              not_held={"en": "When the courier called set_exception instead, main's await gave: {error_value}, not the courier's error.",
                        "ja": "courier が代わりに set_exception を呼ぶと、main の await の結果は {error_value} で、courier の例外ではありませんでした。"}),
        Claim("timeout-gives-up",
              {"en": "wait_for gave up on a {slow_s:g} s job after {timeout_s:.2f} s (limit {limit_s:.2f} s), "
                     "cancelled it, and the job's cleanup ran.",
               "ja": "wait_for は {slow_s:g} 秒かかる仕事を {timeout_s:.2f} 秒（制限 {limit_s:.2f} 秒）で打ち切り、その仕事をキャンセルしました。仕事の後始末も実行されました。"},
              timeout_stops, uses=("timeout_s", "limit_s", "timed_out", "timeout_job_cancelled",
                                   "timeout_cleanup_ran"),
              not_held={"en": "wait_for on a {slow_s:g} s job returned after {timeout_s:.2f} s (limit {limit_s:.2f} s), but it did not time out, cancel the job and run its cleanup as expected.",
                        "ja": "wait_for は {slow_s:g} 秒かかる仕事を {timeout_s:.2f} 秒（制限 {limit_s:.2f} 秒）で終えましたが、想定どおりの「打ち切り・キャンセル・後始末」にはなりませんでした。"}),
        Claim("cancel-is-prompt",
              {"en": "cancel() stopped the sleeping task within {cancel_stop_s:.4f} s, at its await, "
                     "and its except/finally cleanup still ran.",
               "ja": "cancel() は眠っていたタスクを {cancel_stop_s:.4f} 秒以内に await の地点で止め、except/finally の後始末もきちんと実行されました。"},
              cancel_prompt, uses=("cancel_stop_s", "cancelled", "cancel_cleanup_ran"),
              not_held={"en": "cancel() took {cancel_stop_s:.4f} s to stop the sleeping task, or its cleanup did not run: not the prompt stop expected.",
                        "ja": "cancel() が眠っていたタスクを止めるまでに {cancel_stop_s:.4f} 秒かかったか、後始末が実行されませんでした。想定した「すぐ止まる」にはなりませんでした。"}),
    ),
)
