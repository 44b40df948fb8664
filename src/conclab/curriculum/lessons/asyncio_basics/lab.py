"""Lab ``asyncio-basics``: coroutines, ``create_task``, ``gather``, ``TaskGroup`` and task states.

Every task is named, so the recorder draws one lane per task. The states
demo also adds a "ready" span: the stretch between the moment a task's timer
fired and the moment the loop actually resumed it.
"""

from __future__ import annotations

import asyncio
import sys

from conclab.curriculum.lessons.asyncio_basics import example
from conclab.lab import Claim, Lab, LabContext, Measured
from conclab.timeline import Span

RUNNING = {"en": "running (CPU)", "ja": "実行中（CPU）"}
BLOCKED = {"en": "blocked (await)", "ja": "ブロック中（await）"}
READY = {"en": "ready (waiting for the loop)", "ja": "実行可能（ループ待ち）"}


async def _drive(ctx: LabContext, delay: float, wait: float, work: float) -> None:
    task = asyncio.current_task()
    assert task is not None
    task.set_name("main")
    with ctx.measure("sequential", label={"ja": "1 つずつ await"}):
        await example.one_after_another(delay)
    with ctx.measure("create_task", label={"ja": "create_task"}):  # the API's name reads as code
        await example.with_create_task(delay)
    with ctx.measure("gather", label={"ja": "gather"}):
        await example.with_gather(delay)
    with ctx.measure("taskgroup", label={"ja": "TaskGroup"}):
        await example.with_task_group(delay)
    with ctx.measure("states", label={"ja": "タスクの状態"}):
        await example.states(wait, work)


def _add_ready_spans(ctx: LabContext, wait: float) -> None:
    """Split the waiter's ``await`` into blocked (timer pending) and ready (timer fired, loop busy)."""
    for found in ctx.recorder.spans():
        if found.lane == "task-waiter" and found.name == ctx.text(BLOCKED):
            fired = found.start_s + wait
            ctx.measured["ready_s"] = max(0.0, found.end_s - fired)
            ctx.recorder.add(Span(ctx.text(READY), found.lane, fired, found.end_s, found.pid, found.tid,
                                  found.lane_kind))


def _running_overlap(spans: list[Span], name: str) -> float:
    """The longest time two different tasks were both inside a "running" span ``name`` (0 on one thread)."""
    running = [s for s in spans if s.name == name]
    worst = 0.0
    for i, first in enumerate(running):
        for second in running[i + 1:]:
            if first.lane != second.lane:
                overlap = min(first.end_s, second.end_s) - max(first.start_s, second.start_s)
                worst = max(worst, overlap)
    return worst


def run(ctx: LabContext) -> None:
    delay = ctx.pick(example.DELAY, 0.04)
    wait, work = ctx.pick(0.05, 0.01), ctx.pick(0.3, 0.06)
    m = ctx.measured
    m.update(delay_s=delay, twice_s=2 * delay, wait_s=wait, work_s=work,
             expected_ready_s=work - wait, taskgroup_native=sys.version_info >= (3, 11))
    with ctx.trace(example, fetch="fetch {0}", crunch=RUNNING, nap=BLOCKED):
        asyncio.run(_drive(ctx, delay, wait, work))
    _add_ready_spans(ctx, wait)
    spans = ctx.recorder.spans()
    m["running_overlap_s"] = _running_overlap(spans, ctx.text(RUNNING))
    m["task_lanes"] = sorted({s.lane for s in spans if s.lane_kind == "task"})
    if not m["taskgroup_native"]:
        ctx.note({"en": "Python {0} has no asyncio.TaskGroup (3.11+): that row ran gather instead.",
                  "ja": "Python {0} には asyncio.TaskGroup（3.11 以降）がないため、その行は gather で代用しました。"},
                 ctx.machine.python_version)
    ctx.table(
        {"en": f"Fetches that each wait {delay:.2f} s", "ja": f"それぞれ {delay:.2f} 秒待つ fetch"},
        [{"en": "way", "ja": "やり方"}, {"en": "fetches", "ja": "fetch の数"},
               {"en": "took (s)", "ja": "所要（秒）"}],
        [[ctx.text({"en": "await one, then the other", "ja": "1 つずつ await"}), 2, m["sequential_s"]],
         ["create_task", 2, m["create_task_s"]],
         ["gather", 3, m["gather_s"]],
         ["TaskGroup", 3, m["taskgroup_s"]]],
    )


def _about(value: float, target: float) -> bool:
    return 0.95 * target <= value <= 1.5 * target + 0.05


def one_task_at_a_time(m: Measured) -> bool:
    return m["running_overlap_s"] <= 0.0


LAB = Lab(
    id="asyncio-basics",
    chapter="asyncio",
    order=1,
    title={"en": "asyncio basics: coroutines, tasks and the event loop",
           "ja": "asyncio の基本: コルーチン、タスク、イベントループ"},
    summary={"en": "Two tasks made with create_task finish in one wait, not two; tasks are running, blocked or ready.",
             "ja": "create_task で作った 2 つのタスクは待ち 1 回分で終わる。タスクは実行中・ブロック中・実行可能のどれか。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("await-in-turn-is-sum",
              {"en": "Awaiting two fetches one after the other took {sequential_s:.2f} s: both waits ({twice_s:.2f} s).",
               "ja": "2 つの fetch を順に await すると {sequential_s:.2f} 秒かかりました。待ち 2 回分（{twice_s:.2f} 秒）です。"},
              lambda m: _about(m["sequential_s"], m["twice_s"]), uses=("sequential_s", "twice_s"),
              not_held={"en": "Awaiting two fetches one after the other took {sequential_s:.2f} s, not about both waits ({twice_s:.2f} s).",
                        "ja": "2 つの fetch を順に await すると {sequential_s:.2f} 秒でした。待ち 2 回分（{twice_s:.2f} 秒）からは外れました。"}),
        Claim("create-task-overlaps",
              {"en": "Two tasks made with create_task took {create_task_s:.2f} s: one wait ({delay_s:.2f} s), not two.",
               "ja": "create_task で作った 2 つのタスクは {create_task_s:.2f} 秒で終わりました。待ち 2 回分ではなく 1 回分（{delay_s:.2f} 秒）です。"},
              lambda m: _about(m["create_task_s"], m["delay_s"]), uses=("create_task_s", "delay_s"),
              not_held={"en": "Two tasks made with create_task took {create_task_s:.2f} s, not about one wait ({delay_s:.2f} s).",
                        "ja": "create_task で作った 2 つのタスクは {create_task_s:.2f} 秒かかり、待ち 1 回分（{delay_s:.2f} 秒）にはなりませんでした。"}),
        Claim("gather-and-taskgroup-overlap",
              {"en": "Three fetches took {gather_s:.2f} s with gather and {taskgroup_s:.2f} s with TaskGroup: one wait each.",
               "ja": "3 つの fetch は gather で {gather_s:.2f} 秒、TaskGroup で {taskgroup_s:.2f} 秒でした。どちらも待ち 1 回分です。"},
              lambda m: _about(m["gather_s"], m["delay_s"]) and _about(m["taskgroup_s"], m["delay_s"]),
              uses=("gather_s", "taskgroup_s", "delay_s"),
              not_held={"en": "Three fetches took {gather_s:.2f} s with gather and {taskgroup_s:.2f} s with TaskGroup: not both about one wait.",
                        "ja": "3 つの fetch は gather で {gather_s:.2f} 秒、TaskGroup で {taskgroup_s:.2f} 秒でした。両方が待ち 1 回分にはなりませんでした。"}),
        Claim("ready-is-not-running",
              {"en": "task-waiter's timer fired after {wait_s:.2f} s, but it stayed ready (not running) for "
                     "{ready_s:.2f} s more, until task-cook's CPU work ended and the loop was free.",
               "ja": "task-waiter のタイマーは {wait_s:.2f} 秒で切れましたが、task-cook の CPU 処理が終わってループが空くまで、さらに {ready_s:.2f} 秒「実行可能」のまま待たされました。"},
              lambda m: m["ready_s"] >= 0.5 * m["expected_ready_s"],
              uses=("ready_s", "expected_ready_s", "wait_s"),
              not_held={"en": "task-waiter's timer fired after {wait_s:.2f} s and it waited only {ready_s:.2f} s more before running: less than the CPU work of task-cook should have kept it waiting.",
                        "ja": "task-waiter のタイマーは {wait_s:.2f} 秒で切れ、実行されるまでの待ちは {ready_s:.2f} 秒だけでした。task-cook の CPU 処理から想定した待ちより短くなりました。"}),
        Claim("one-task-runs-at-a-time",
              {"en": "No two tasks were ever running at the same moment (overlap {running_overlap_s:.3f} s): "
                     "one loop, one thread.",
               "ja": "2 つのタスクが同時に実行中だった瞬間は一度もありませんでした（重なり {running_overlap_s:.3f} 秒）。ループが 1 つ、スレッドが 1 本だからです。"},
              one_task_at_a_time, uses=("running_overlap_s",), sensitive_to=(),
              not_held={"en": "Two tasks were recorded running at the same moment (overlap {running_overlap_s:.3f} s), which one loop in one thread should not allow.",
                        "ja": "2 つのタスクが同時に実行中だったと記録されました（重なり {running_overlap_s:.3f} 秒）。1 本のスレッドで動く 1 つのループでは起きないはずのことです。"}),
    ),
)
