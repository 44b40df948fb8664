"""Lab ``async-dirty-write``: ten coroutines read, await, write; the final value falls far short.

Each coroutine is its own named task, so the timeline draws one lane per
task. Whether the reads all happened before the first write is taken from
those spans (each ``pause`` starts right after its task's read), not assumed.
"""

from __future__ import annotations

import asyncio

from conclab.curriculum.lessons.async_dirty_write import example
from conclab.lab import Claim, Lab, LabContext, Measured
from conclab.timeline import Span

PAUSE = "pause (await)"
#: The two runs as the timeline shows them.
SPANS = {"read_await_write": {"ja": "読む・await・書く"}, "read_write_await": {"ja": "読む・書く・await"}}


async def _drive(ctx: LabContext, max_delay: float) -> None:
    task = asyncio.current_task()
    assert task is not None
    task.set_name("main")
    with ctx.measure("read_await_write", label=SPANS["read_await_write"]):
        ctx.measured["dirty_final"] = await example.run_all(example.visit, max_delay)
    with ctx.measure("read_write_await", label=SPANS["read_write_await"]):
        ctx.measured["clean_final"] = await example.run_all(example.visit_then_wait, max_delay)


def reads_before_first_write(pauses: list[Span]) -> int:
    """How many tasks had read (and started awaiting) before the first task woke up to write."""
    if not pauses:
        return 0
    first_write = min(p.end_s for p in pauses)
    return sum(1 for p in pauses if p.start_s <= first_write)


def run(ctx: LabContext) -> None:
    m = ctx.measured
    max_delay = ctx.pick(example.MAX_DELAY, 0.03)
    m.update(tasks=example.TASKS, max_delay_s=max_delay)
    with ctx.trace(example, pause=PAUSE, visit="visit", visit_then_wait="visit_then_wait"):
        asyncio.run(_drive(ctx, max_delay))
    spans = ctx.recorder.spans()
    dirty = ctx.label("read_await_write", SPANS["read_await_write"])
    began = next(s.start_s for s in spans if s.name == dirty)
    ended = next(s.end_s for s in spans if s.name == dirty)
    pauses = [s for s in spans if s.name == PAUSE and began <= s.start_s and s.end_s <= ended]
    m["dirty_lost"] = example.TASKS - m["dirty_final"]
    m["reads_before_first_write"] = reads_before_first_write(pauses)
    m["task_lanes"] = len({s.lane for s in spans if s.lane_kind == "task" and s.lane.startswith("visit-")})
    ctx.table(
        {"en": f"{example.TASKS} tasks each add one to a shared value",
         "ja": f"{example.TASKS} 個のタスクが共有の値にそれぞれ 1 を足す"},
        [{"en": "each task", "ja": "各タスクの処理"}, {"en": "expected", "ja": "期待値"},
         {"en": "final value", "ja": "最終値"}, {"en": "took (s)", "ja": "所要（秒）"}],
        [[ctx.text({"en": "read, await, write", "ja": "読む、await、書く"}), example.TASKS,
          m["dirty_final"], m["read_await_write_s"]],
         [ctx.text({"en": "read, write, then await", "ja": "読む、書く、その後 await"}), example.TASKS,
          m["clean_final"], m["read_write_await_s"]]],
    )


def far_short(m: Measured) -> bool:
    """At most half the updates survived (here typically one: every task read 0)."""
    return m["dirty_final"] <= m["tasks"] // 2


LAB = Lab(
    id="async-dirty-write",
    chapter="races",
    order=5,
    title={"en": "A lost update in asyncio: read, await, write",
           "ja": "asyncio での更新の消失: 読む、await、書く"},
    summary={"en": "Ten coroutines read a shared value, await a short random sleep and write it plus one: "
                   "the final value falls far short of ten.",
             "ja": "10 個のコルーチンが共有の値を読み、短いランダムな sleep を await してから 1 を足して書く。"
                   "最終値は 10 に遠く届かない。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("final-value-far-short",
              {"en": "{tasks} tasks each added one, yet the final value was {dirty_final}: "
                     "{dirty_lost} updates were overwritten.",
               "ja": "{tasks} 個のタスクがそれぞれ 1 を足したのに、最終値は {dirty_final} でした。{dirty_lost} 回分の更新が上書きされて消えました（更新の消失）。"},
              far_short, uses=("tasks", "dirty_final", "dirty_lost"), sensitive_to=(),
              not_held={"en": "{tasks} tasks each added one and the final value was {dirty_final} ({dirty_lost} updates lost): fewer lost than the half or more this lab expects.",
                        "ja": "{tasks} 個のタスクがそれぞれ 1 を足し、最終値は {dirty_final} でした（消えた更新は {dirty_lost} 回分）。このラボが想定する「半分以上が消える」ほどには消えませんでした。"}),
        Claim("all-read-before-any-write",
              {"en": "{reads_before_first_write} of {tasks} tasks had read the value and were awaiting "
                     "before the first one woke up to write: they all read the same old value.",
               "ja": "最初のタスクが目を覚まして書き込む前に、{tasks} 個中 {reads_before_first_write} 個のタスクがすでに値を読んで await していました。全員が同じ古い値を読んだことになります。"},
              lambda m: m["reads_before_first_write"] >= m["tasks"] // 2 + 1,
              uses=("reads_before_first_write", "tasks"),
              not_held={"en": "Only {reads_before_first_write} of {tasks} tasks had read the value before the first one woke up to write: most reads came after a write.",
                        "ja": "最初のタスクが目を覚まして書き込む前に値を読んでいたのは、{tasks} 個中 {reads_before_first_write} 個だけでした。多くの読み込みは書き込みのあとでした。"}),
        Claim("no-await-in-the-gap",
              {"en": "With no await between the read and the write the final value was {clean_final} of "
                     "{tasks}: a task is only ever interrupted at an await.",
               "ja": "読み込みと書き込みのあいだに await がなければ、最終値は {tasks} 中 {clean_final} でした。タスクが中断されるのは await のところだけです。"},
              lambda m: m["clean_final"] == m["tasks"], uses=("clean_final", "tasks"), sensitive_to=(),
              not_held={"en": "With no await between the read and the write the final value was {clean_final} of {tasks}: updates were lost even without an await in the gap, which this lab does not expect.",
                        "ja": "読み込みと書き込みのあいだに await がなくても、最終値は {tasks} 中 {clean_final} でした。await がないのに更新が消えており、このラボの想定とは違います。"}),
    ),
)
