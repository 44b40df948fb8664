"""Lab ``deadlock``: two locks in opposite orders; the explorer finds the hang and its wait-for cycle.

The built-in scenarios ``lock-order-deadlock`` and ``ordered-locks`` are the
code under test. The step table is cut after the last thread blocks: that is
the deadlock; what the explorer does afterwards to unwind the stuck threads is
not part of the story. Claims are about the finding (a cycle in which each
thread holds what the other waits for), its replay, and the fixed version
explored over N schedules, never called proven.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from conclab.curriculum.lessons.deadlock import example
from conclab.explore import Result, Step, step_rows
from conclab.lab import Claim, Lab, LabContext, Measured
from conclab.timeline import Span


def until_deadlocked(steps: Sequence[Step]) -> int:
    """How many step-table rows lead up to the deadlock (through the last row that blocks)."""
    last = 0
    for number, step in enumerate(steps, 1):
        if any(op.kind == "blocked" for op in step.ops):
            last = number
    return last or len(steps)


def source_only(line: str) -> str:
    """The statement without a trailing comment (the built-ins carry lint markers)."""
    return line.split("  #", 1)[0].rstrip()


def is_two_way_cycle(cycle: Sequence[dict[str, Any]]) -> bool:
    """Each of two threads holds a lock and waits for one held by the other."""
    if len(cycle) != 2:
        return False
    first, second = cycle
    return (first.get("held_by") == second.get("thread") and second.get("held_by") == first.get("thread")
            and bool(first.get("holds")) and bool(second.get("holds")))


def run(ctx: LabContext) -> None:
    m = ctx.measured
    lang = ctx.lang
    found: Result = example.find_deadlock(lang=lang)
    finding = found.finding
    cycle = list(finding.cycle) if finding else []
    m["kind"] = found.kind or "-"
    m["found_after"] = found.schedules_explored
    m["found_s"] = found.found_after_s if found.found_after_s is not None else found.elapsed_s
    m["schedule"] = finding.schedule if finding else "-"
    m["cycle_threads"] = len(cycle)
    m["two_way_cycle"] = is_two_way_cycle(cycle)
    m["message"] = finding.message if finding else "-"
    shown = until_deadlocked(found.steps)
    ctx.table(
        {"en": f"The way into the deadlock, schedule {m['schedule']}",
         "ja": f"デッドロックへの道筋、スケジュール {m['schedule']}"},
        [{"en": "step", "ja": "ステップ"}, {"en": "thread", "ja": "スレッド"}, {"en": "where", "ja": "場所"},
         {"en": "source", "ja": "ソース"}, {"en": "what it did", "ja": "したこと"}],
        [[row.step, row.thread, row.where, source_only(row.source), row.operation]
         for row in step_rows(found, limit=shown)],
    )
    ctx.table(
        {"en": "The wait-for cycle", "ja": "待ちの循環（wait-for cycle）"},
        [{"en": "thread", "ja": "スレッド"}, {"en": "holds", "ja": "持っているロック"},
         {"en": "waits for", "ja": "待っているロック"}, {"en": "where", "ja": "場所"}],
        [[edge.get("thread"), ", ".join(edge.get("holds", ())), edge.get("waits_for"), edge.get("where")]
         for edge in cycle],
    )
    spans: list[Span] = found.spans()[:shown]
    for span in spans:
        ctx.recorder.add(span)

    if finding is not None:
        again = example.replay(finding.schedule, lang=lang)
        m["replay_deadlocks"] = again.kind == "deadlock" and list(again.finding.cycle if again.finding else ()) == cycle
    else:
        m["replay_deadlocks"] = False

    schedules = int(ctx.pick(1000, 200))
    ordered = example.check_ordered_locks(schedules, lang=lang)
    m["ordered_verdict"] = ordered.verdict
    m["ordered_schedules"] = ordered.schedules_explored
    m["ordered_how"] = ordered.how(lang)
    ctx.note({"en": "The timeline is the schedule, not a stopwatch: one millisecond per scheduling step.",
              "ja": "タイムラインは実時間ではなくスケジュールを表します。1 ミリ秒がスケジューリングの 1 ステップです。"})
    ctx.note({"en": "Replay it yourself: conclab explore lock-order-deadlock --replay {0}",
              "ja": "自分で再生するには: conclab explore lock-order-deadlock --replay {0}"}, m["schedule"])


def ordered_clear(m: Measured) -> bool:
    return m["ordered_verdict"] == "none" and m["ordered_schedules"] >= 100


LAB = Lab(
    id="deadlock",
    chapter="locks",
    order=6,
    title={"en": "Deadlock: two locks in opposite orders, found and fixed by lock ordering",
           "ja": "デッドロック: 逆順に取る 2 つのロックを見つけ、ロックの順序で直す"},
    summary={"en": "The explorer finds the schedule where two threads each hold one lock and wait for the "
                   "other's, reports the wait-for cycle, and clears the version that takes locks in one order.",
             "ja": "2 つのスレッドが互いに相手のロックを待って止まるスケジュールをインターリーブ探索が見つけ、"
                   "待ちの循環を報告する。ロックを決まった順序で取る版ではバグは見つからない。"},
    example=(example.__name__, "conclab.explore.scenarios.lock_order_deadlock",
             "conclab.explore.scenarios.ordered_locks"),
    run=run,
    claims=(
        Claim("deadlock-found",
              {"en": "The explorer found a deadlock at schedule {found_after} ({found_s:.3f} s): {message}.",
               "ja": "インターリーブ探索は {found_after} 通り目のスケジュールでデッドロックを見つけました（{found_s:.3f} 秒）。{message}"},
              lambda m: m["kind"] == "deadlock", uses=("kind", "found_after", "found_s"), sensitive_to=(),
              not_held={"en": "The explorer's first finding was not a deadlock: {message}.",
                        "ja": "インターリーブ探索の最初の発見はデッドロックではありませんでした: {message}"}),
        Claim("wait-for-cycle",
              {"en": "The wait-for cycle has {cycle_threads} threads, each holding one lock and waiting for "
                     "the lock the other holds: neither can ever go on.",
               "ja": "待ちの循環にはスレッドが {cycle_threads} 本あり、どちらもロックを 1 つ持ったまま、相手が持っているロックを待っています。どちらも二度と先へ進めません。"},
              lambda m: m["two_way_cycle"] is True, uses=("cycle_threads", "two_way_cycle"), sensitive_to=(),
              not_held={"en": "The wait-for graph was not a two-way cycle ({cycle_threads} threads).",
                        "ja": "待ちの関係は 2 本のスレッドの循環になっていませんでした（スレッド {cycle_threads} 本）。"}),
        Claim("replay-deadlocks",
              {"en": "Replaying schedule {schedule} deadlocked again with the same cycle.",
               "ja": "スケジュール {schedule} を再生すると、同じ循環でもう一度デッドロックしました。"},
              lambda m: m["replay_deadlocks"] is True, uses=("schedule", "replay_deadlocks"), sensitive_to=(),
              not_held={"en": "Replaying schedule {schedule} did not deadlock again with the same cycle.",
                        "ja": "スケジュール {schedule} を再生しても、同じ循環のデッドロックにはなりませんでした。"}),
        Claim("ordered-none-found",
              {"en": "With both threads taking lock_a before lock_b: no bug found in {ordered_schedules} "
                     "schedules ({ordered_how}). That is what was explored, not a proof.",
               "ja": "両方のスレッドが lock_a を lock_b より先に取るようにすると、{ordered_schedules} 通りのスケジュールでバグは見つかりませんでした（{ordered_how}）。探索した範囲の結果であり、証明ではありません。"},
              ordered_clear, uses=("ordered_verdict", "ordered_schedules", "ordered_how"), sensitive_to=(),
              not_held={"en": "With both threads taking lock_a before lock_b, the search did not come back clean over at least 100 schedules ({ordered_schedules} schedules, {ordered_how}).",
                        "ja": "両方のスレッドが lock_a を lock_b より先に取るようにしても、100 通り以上のスケジュールでバグなしという結果にはなりませんでした（{ordered_schedules} 通り、{ordered_how}）。"}),
    ),
)
