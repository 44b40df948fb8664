"""Lab ``race-explorer``: the ``+=`` lost update found every time by the interleaving explorer.

Nothing here is timing-dependent: the explorer decides the schedule, so the
claims are about what it found (a finding, the reads and writes in its step
table, the same finding from other seeds and strategies, an exact replay) and
about how much of the fixed version it explored, reported as "no bug found in
N schedules", never as a proof. The timeline is the schedule in virtual time
(one step per millisecond), drawn from ``Result.spans()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from conclab import explore
from conclab.curriculum.lessons.race_explorer import example
from conclab.explore import Result, Step
from conclab.lab import Claim, Lab, LabContext, Measured

SEARCHES = (("random", 1), ("random", 2), ("pct", 1), ("pct", 2), ("dfs", 0))


def both_read_before_a_write(steps: Sequence[Step], target: str = "counter") -> int:
    """How many reads of ``target`` returned the old value before its first write (2 = the race)."""
    reads = 0
    for step in steps:
        for op in step.ops:
            if op.target != target:
                continue
            if op.kind == "write":
                return reads
            if op.kind == "read":
                reads += 1
    return reads


def step_rows(result: Result) -> list[list[Any]]:
    return [list(row) for row in explore.step_rows(result)]


STEP_COLUMNS = ({"en": "step", "ja": "ステップ"}, {"en": "thread", "ja": "スレッド"},
                {"en": "where", "ja": "場所"}, {"en": "source", "ja": "ソース"},
                {"en": "what it did", "ja": "したこと"})


def run(ctx: LabContext) -> None:
    m = ctx.measured
    lang = ctx.lang
    found = example.find_lost_update(lang=lang)
    m["verdict"] = found.verdict
    m["kind"] = found.kind or "-"
    m["found_after"] = found.schedules_explored
    m["found_s"] = found.found_after_s if found.found_after_s is not None else found.elapsed_s
    m["final_counter"] = found.final_state.get("counter", "?")
    m["schedule"] = found.finding.schedule if found.finding else "-"
    m["context_switches"] = found.finding.context_switches if found.finding else 0
    m["reads_before_write"] = both_read_before_a_write(found.steps)
    ctx.table(
        {"en": f"The lost update, schedule {m['schedule']}",
         "ja": f"消えた更新、スケジュール {m['schedule']}"},
        STEP_COLUMNS, step_rows(found),
    )
    for span in found.spans():
        ctx.recorder.add(span)

    searches = int(ctx.pick(len(SEARCHES), 3))
    found_by = []
    for strategy, seed in SEARCHES[:searches]:
        again = example.search_with(strategy, seed, lang=lang)
        found_by.append(again.kind == "assertion")
    m["searches"] = searches
    m["found_in"] = sum(found_by)
    if found.finding is not None:
        replayed = example.replay(found.finding.schedule, lang=lang)
        m["replay_same"] = (replayed.kind == found.kind and replayed.table() == found.table())
    else:
        m["replay_same"] = False

    schedules = int(ctx.pick(1000, 200))
    locked = example.check_locked_counter(schedules, lang=lang)
    m["locked_verdict"] = locked.verdict
    m["locked_schedules"] = locked.schedules_explored
    m["locked_s"] = locked.elapsed_s
    m["locked_how"] = locked.how(lang)
    ctx.note({"en": "The timeline is the schedule, not a stopwatch: one millisecond per scheduling step.",
              "ja": "タイムラインは実時間ではなくスケジュールを表します。1 ミリ秒がスケジューリングの 1 ステップです。"})
    ctx.note({"en": "Replay it yourself: conclab explore lost-update --replay {0}",
              "ja": "自分で再生するには: conclab explore lost-update --replay {0}"}, m["schedule"])


def race_found(m: Measured) -> bool:
    return m["verdict"] == "finding" and m["kind"] == "assertion" and m["final_counter"] == "1"


def locked_clear(m: Measured) -> bool:
    return m["locked_verdict"] == "none" and m["locked_schedules"] >= 100


LAB = Lab(
    id="race-explorer",
    chapter="races",
    order=6,
    title={"en": "The race on demand: the explorer finds the lost update every time",
           "ja": "競合を狙って起こす: インターリーブ探索は更新の消失を毎回見つける"},
    summary={"en": "The interleaving explorer runs two counter += 1 threads a bytecode at a time and shows "
                   "the lost update step by step; with a lock, no bug in N schedules.",
             "ja": "インターリーブ探索が counter += 1 の 2 スレッドをバイトコード単位で動かし、"
                   "更新の消失を一手ずつ見せる。ロックを付けると N 通りのスケジュールでバグなし。"},
    example=(example.__name__, "conclab.explore.scenarios.lost_update",
             "conclab.explore.scenarios.locked_counter"),
    run=run,
    claims=(
        Claim("race-found",
              {"en": "The explorer found the lost update at schedule {found_after} ({found_s:.3f} s): two threads "
                     "each ran counter += 1 once and counter ended at {final_counter}, not 2.",
               "ja": "インターリーブ探索は {found_after} 通り目のスケジュールで更新の消失を見つけました（{found_s:.3f} 秒）。2 本のスレッドがそれぞれ counter += 1 を一度ずつ実行したのに、counter は 2 ではなく {final_counter} で終わりました。"},
              race_found, uses=("verdict", "kind", "found_after", "found_s", "final_counter"),
              sensitive_to=(),
              not_held={"en": "The explorer did not find the lost update (counter ended at {final_counter}).",
                        "ja": "インターリーブ探索は更新の消失を見つけられませんでした（counter の最終値は {final_counter}）。"}),
        Claim("both-read-before-a-write",
              {"en": "In its step table both threads read counter -> 0 ({reads_before_write} reads) before "
                     "either wrote counter <- 1; schedule {schedule}, {context_switches} context switch(es).",
               "ja": "ステップ表では、どちらかが counter <- 1 と書く前に、2 本とも counter -> 0 を読んでいます（読み込み {reads_before_write} 回）。スケジュールは {schedule}、コンテキストスイッチは {context_switches} 回です。"},
              lambda m: m["reads_before_write"] == 2,
              uses=("reads_before_write", "schedule", "context_switches"), sensitive_to=(),
              not_held={"en": "In its step table there were {reads_before_write} reads of counter -> 0 before the first write, not two (schedule {schedule}).",
                        "ja": "ステップ表で、最初の書き込みより前の counter -> 0 の読み込みは {reads_before_write} 回で、2 回ではありませんでした（スケジュール {schedule}）。"}),
        Claim("found-every-time",
              {"en": "Searched again with {searches} other strategies and seeds, it found the lost update "
                     "{found_in} times out of {searches}, and replaying {schedule} gave the same step table.",
               "ja": "別の戦略やシードで {searches} 回探し直しても、{searches} 回中 {found_in} 回見つかりました。スケジュール {schedule} を再生すると、同じステップ表になりました。"},
              lambda m: m["found_in"] == m["searches"] and m["replay_same"] is True,
              uses=("searches", "found_in", "replay_same", "schedule"), sensitive_to=(),
              not_held={"en": "Searched again with {searches} other strategies and seeds, it found the lost update {found_in} times out of {searches}, or the replay of {schedule} differed.",
                        "ja": "別の戦略やシードで {searches} 回探し直すと、見つかったのは {searches} 回中 {found_in} 回だったか、スケジュール {schedule} の再生結果が違いました。"}),
        Claim("locked-none-found",
              {"en": "With a Lock around the increment: no bug found in {locked_schedules} schedules "
                     "({locked_how}). That is what was explored, not a proof.",
               "ja": "インクリメントを Lock で囲むと、{locked_schedules} 通りのスケジュールでバグは見つかりませんでした（{locked_how}）。探索した範囲の結果であり、証明ではありません。"},
              locked_clear, uses=("locked_verdict", "locked_schedules", "locked_how"),
              sensitive_to=(),
              not_held={"en": "With a Lock around the increment, the search did not come back clean over at least 100 schedules ({locked_schedules} schedules, {locked_how}).",
                        "ja": "インクリメントを Lock で囲んでも、100 通り以上のスケジュールでバグなしという結果にはなりませんでした（{locked_schedules} 通り、{locked_how}）。"}),
    ),
)
