"""Lab ``async-lock``: ``asyncio.Lock`` with ``async with`` makes the ten-task counter exact.

Three runs of the same ten tasks: no lock, a lock around read-await-write,
and a lock around the update only. The slow waits are traced as spans, so
"the lock made them take turns" is measured as the overlap between waits,
and the serialised time is compared with the sum of the waits that ran.
"""

from __future__ import annotations

import asyncio

from conclab.curriculum.lessons.async_lock import example
from conclab.lab import Claim, Lab, LabContext, Measured
from conclab.timeline import Span

PAUSE = {"en": "pause (slow work)", "ja": "pause（遅い処理）"}
#: Each run's span on the timeline.
SPANS = {"unlocked": {"ja": "ロックなし"}, "locked": {"ja": "全体をロック"}, "narrow": {"ja": "更新だけロック"}}
RUNS = (
    ("unlocked", "visit", {"en": "no lock: read, await, write", "ja": "ロックなし: 読む、await、書く"}),
    ("locked", "visit_locked", {"en": "async with lock around all of it",
                                "ja": "全体を async with lock で囲む"}),
    ("narrow", "visit_narrow", {"en": "slow work outside, lock only the update",
                                "ja": "遅い処理は外、更新だけロック"}),
)


async def _drive(ctx: LabContext, max_delay: float) -> None:
    task = asyncio.current_task()
    assert task is not None
    task.set_name("main")
    for key, visitor, _ in RUNS:
        with ctx.measure(key, label=SPANS[key]):
            ctx.measured[f"{key}_final"] = await example.run_all(getattr(example, visitor), max_delay)


def max_overlap(pauses: list[Span]) -> int:
    """The largest number of slow waits in progress at the same moment."""
    edges = sorted([(p.start_s, 1) for p in pauses] + [(p.end_s, -1) for p in pauses])
    current = peak = 0
    for _, step in edges:  # an end sorts before a start at the same instant
        current += step
        peak = max(peak, current)
    return peak


def run(ctx: LabContext) -> None:
    m = ctx.measured
    max_delay = ctx.pick(example.MAX_DELAY, 0.015)
    m.update(tasks=example.TASKS, max_delay_s=max_delay)
    with ctx.trace(example, pause=PAUSE, save="save", visit="visit", visit_locked="visit_locked",
                   visit_narrow="visit_narrow"):
        asyncio.run(_drive(ctx, max_delay))
    spans = ctx.recorder.spans()
    rows = []
    for key, _, label in RUNS:
        whole = next(s for s in spans if s.name == ctx.label(key, SPANS[key]))
        pauses = [s for s in spans if s.name == ctx.text(PAUSE) and whole.start_s <= s.start_s <= whole.end_s]
        m[f"{key}_overlap"] = max_overlap(pauses)
        m[f"{key}_pauses_sum_s"] = sum(p.end_s - p.start_s for p in pauses)
        m[f"{key}_longest_pause_s"] = max((p.end_s - p.start_s for p in pauses), default=0.0)
        rows.append([ctx.text(label), example.TASKS, m[f"{key}_final"], m[f"{key}_overlap"],
                     m[f"{key}_s"]])
    m["locked_vs_narrow"] = m["locked_s"] / max(m["narrow_s"], 1e-9)
    m["first_loop"], m["second_loop"] = example.lock_across_loops()
    ctx.table(
        {"en": f"{example.TASKS} tasks each add one; slow work up to {max_delay:.3f} s",
         "ja": f"{example.TASKS} 個のタスクがそれぞれ 1 を足す。遅い処理は最長 {max_delay:.3f} 秒"},
        [{"en": "way", "ja": "やり方"}, {"en": "expected", "ja": "期待値"},
         {"en": "final value", "ja": "最終値"}, {"en": "slow waits at once (max)", "ja": "同時に進んだ遅い処理（最大）"},
         {"en": "took (s)", "ja": "所要（秒）"}],
        rows,
    )


def locked_takes_turns(m: Measured) -> bool:
    """One wait at a time, and the run lasted at least about the sum of the waits."""
    return m["locked_overlap"] == 1 and m["locked_s"] >= 0.9 * m["locked_pauses_sum_s"]


def narrow_overlaps(m: Measured) -> bool:
    upper = 1.5 * m["narrow_longest_pause_s"] + 0.05
    return m["narrow_final"] == m["tasks"] and m["narrow_overlap"] >= 2 and m["narrow_s"] <= upper


LAB = Lab(
    id="async-lock",
    chapter="locks",
    order=5,
    title={"en": "asyncio.Lock: async with fixes the lost update",
           "ja": "asyncio.Lock: async with で更新の消失を直す"},
    summary={"en": "An asyncio.Lock around read-await-write makes ten tasks count exactly; lock only the "
                   "update and the slow work overlaps again.",
             "ja": "読む・await・書くを asyncio.Lock で囲むと、10 個のタスクの合計が正確になる。"
                   "更新だけをロックすれば、遅い処理はまた重なって進む。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("no-lock-loses",
              {"en": "Without a lock the final value was {unlocked_final} of {tasks}.",
               "ja": "ロックなしでは、最終値は {tasks} 中 {unlocked_final} でした。"},
              lambda m: m["unlocked_final"] <= m["tasks"] // 2, uses=("unlocked_final", "tasks"),
              sensitive_to=(),
              not_held={"en": "Without a lock the final value was {unlocked_final} of {tasks}: fewer updates were lost than the half this lab expects.",
                        "ja": "ロックなしで、最終値は {tasks} 中 {unlocked_final} でした。このラボが想定する「半分以上が消える」ほどには更新が消えませんでした。"}),
        Claim("lock-is-exact",
              {"en": "With async with lock around the read, the await and the write, the final value was "
                     "{locked_final} of {tasks}.",
               "ja": "読み込み・await・書き込みを async with lock で囲むと、最終値は {tasks} 中 {locked_final} になりました。"},
              lambda m: m["locked_final"] == m["tasks"], uses=("locked_final", "tasks"), sensitive_to=(),
              not_held={"en": "With async with lock around the read, the await and the write, the final value was {locked_final} of {tasks}: not exact.",
                        "ja": "読み込み・await・書き込みを async with lock で囲んでも、最終値は {tasks} 中 {locked_final} で、正確になりませんでした。"}),
        Claim("lock-serialises-the-wait",
              {"en": "The price: the tasks took turns ({locked_overlap} slow wait at a time), so the run took "
                     "{locked_s:.2f} s, the sum of the waits ({locked_pauses_sum_s:.2f} s).",
               "ja": "その代わり、タスクは順番待ちになりました（遅い処理は同時に {locked_overlap} 個だけ）。所要時間は {locked_s:.2f} 秒で、待ち時間の合計（{locked_pauses_sum_s:.2f} 秒）と同じだけかかりました。"},
              locked_takes_turns, uses=("locked_overlap", "locked_s", "locked_pauses_sum_s"),
              not_held={"en": "With everything locked, {locked_overlap} slow wait(s) ran at a time and the run took {locked_s:.2f} s against a sum of waits of {locked_pauses_sum_s:.2f} s: not the one-at-a-time pattern expected.",
                        "ja": "全体をロックしたとき、遅い処理は同時に {locked_overlap} 個で、所要時間は {locked_s:.2f} 秒（待ち時間の合計は {locked_pauses_sum_s:.2f} 秒）でした。想定した「1 つずつ順番に」にはなりませんでした。"}),
        Claim("narrow-lock-exact-and-concurrent",
              {"en": "With the slow work outside and only the update locked, the value was {narrow_final} "
                     "of {tasks} and the run took {narrow_s:.2f} s ({narrow_overlap} waits at once): "
                     "exact and concurrent, {locked_vs_narrow:.1f}x faster than locking everything.",
               "ja": "遅い処理をロックの外に出し、更新だけをロックすると、値は {tasks} 中 {narrow_final}、所要時間は {narrow_s:.2f} 秒（同時に {narrow_overlap} 個の遅い処理）でした。正確なうえに並行に進み、全体をロックしたときより {locked_vs_narrow:.1f} 倍速くなりました。"},
              narrow_overlaps,
              uses=("narrow_final", "tasks", "narrow_s", "narrow_overlap", "narrow_longest_pause_s",
                    "locked_vs_narrow"),
              not_held={"en": "With only the update locked, the value was {narrow_final} of {tasks} and the run took {narrow_s:.2f} s ({narrow_overlap} waits at once, {locked_vs_narrow:.1f}x against locking everything): not both exact and concurrent here.",
                        "ja": "更新だけをロックすると、値は {tasks} 中 {narrow_final}、所要時間は {narrow_s:.2f} 秒（同時に {narrow_overlap} 個の遅い処理、全体をロックしたときの {locked_vs_narrow:.1f} 倍）でした。今回は「正確で、しかも並行」にはなりませんでした。"}),
        Claim("lock-binds-on-first-wait",
              {"en": "A lock created outside any event loop worked under the first asyncio.run ({first_loop}); "
                     "under a second one it raised ({second_loop}): it had bound to the first loop when a task "
                     "first waited for it.",
               "ja": "イベントループの外で作ったロックは、最初の asyncio.run では問題なく使えました（{first_loop}）。"
                     "2 回目の asyncio.run では例外になりました（{second_loop}）。タスクが初めてロックを待ったときに、"
                     "最初のループに結び付いたからです。"},
              lambda m: m["first_loop"] == "ok" and "different event loop" in m["second_loop"],
              uses=("first_loop", "second_loop"), sensitive_to=(),
              not_held={"en": "A lock created outside any event loop gave {first_loop} under the first asyncio.run and "
                              "{second_loop} under a second: not the binding on first wait that Python 3.10+ shows.",
                        "ja": "イベントループの外で作ったロックは、最初の asyncio.run で {first_loop}、2 回目で "
                              "{second_loop} でした。Python 3.10 以降で見られる「初めて待ったときに結び付く」動きには"
                              "なりませんでした。"}),
    ),
)
