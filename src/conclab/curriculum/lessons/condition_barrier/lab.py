"""Lab ``condition-barrier``: ``if`` versus ``while`` around ``Condition.wait``, and a ``Barrier``.

The Condition demo is deterministic: the example lines both consumers up
inside ``wait()`` before the one item arrives, so ``if`` fails every run,
not by luck. The Barrier claim is read from the spans: no ``phase 2`` span
may start before the last ``phase 1`` span has ended.
"""

from __future__ import annotations

from conclab.curriculum.lessons.condition_barrier import example
from conclab.lab import Claim, Lab, LabContext, Measured

EMPTY = "pop from empty list"

#: A worker's span in each phase (the template is filled with the phase number).
PHASE = {"en": "phase {1}", "ja": "フェーズ {1}"}


def run(ctx: LabContext) -> None:
    scale = ctx.pick(1.0, 0.2)
    plan = {name: [s * scale for s in seconds] for name, seconds in example.PLAN.items()}
    m = ctx.measured
    with ctx.trace(example.Box, take_with_if="take (if)", take_with_while="take (while)"):
        for way in ("if", "while"):
            with ctx.measure(f"cond_{way}", label={"ja": f"{way} で待つ"}):
                got, errors = example.two_consumers_one_item(f"take_with_{way}")
            m[f"{way}_got"] = sorted(got)
            m[f"{way}_errors"] = [error.split(": ", 1)[1] for error in errors]
            m[f"{way}_error_count"] = len(errors)
    began = ctx.now()
    phase = ctx.text(PHASE)
    with ctx.trace(example, work=phase, at_barrier={"en": "barrier", "ja": "バリア"}), \
            ctx.measure("phases", label={"ja": "フェーズ全体"}):
        example.phases(plan)
    spans = [s for s in ctx.recorder.spans() if s.start_s >= began]
    phase1 = [s for s in spans if s.name == phase.replace("{1}", "1")]
    phase2 = [s for s in spans if s.name == phase.replace("{1}", "2")]
    m["phase1_last_end_s"] = max(s.end_s for s in phase1) - began
    m["phase2_first_start_s"] = min(s.start_s for s in phase2) - began
    m["phase2_spread_s"] = max(s.start_s for s in phase2) - min(s.start_s for s in phase2)
    m["phase_spans"] = [len(phase1), len(phase2)]
    m["workers"] = len(plan)
    m["slowest_per_phase_s"] = sum(max(seconds[i] for seconds in plan.values()) for i in range(2))
    m["slowest_worker_s"] = max(sum(seconds) for seconds in plan.values())
    ctx.table(
        {"en": "Two consumers, one item, notify_all", "ja": "消費者二人、要素 1 つ、notify_all"},
        [{"en": "re-check with", "ja": "再確認"}, {"en": "items taken", "ja": "取れた要素"},
         {"en": "errors", "ja": "エラー"}],
        [["if", ", ".join(m["if_got"]), ", ".join(m["if_errors"]) or "-"],
         ["while", ", ".join(m["while_got"]), ", ".join(m["while_errors"]) or "-"]],
    )
    ctx.table(
        {"en": "Phases with a Barrier", "ja": "Barrier で区切ったフェーズ"},
        [{"en": "worker", "ja": "ワーカー"}, {"en": "phase 1 (s)", "ja": "フェーズ 1（秒）"},
         {"en": "phase 2 (s)", "ja": "フェーズ 2（秒）"}],
        [[name, seconds[0], seconds[1]] for name, seconds in plan.items()],
    )


def if_breaks(m: Measured) -> bool:
    return m["if_error_count"] == 1 and m["if_errors"] == [EMPTY] and m["if_got"] == ["first"]


def while_holds(m: Measured) -> bool:
    return m["while_error_count"] == 0 and m["while_got"] == ["first", "second"]


def barrier_keeps_step(m: Measured) -> bool:
    return (m["phase_spans"] == [m["workers"], m["workers"]]
            and m["phase2_first_start_s"] >= m["phase1_last_end_s"])


def barrier_costs_slowest(m: Measured) -> bool:
    return 0.95 * m["slowest_per_phase_s"] <= m["phases_s"] <= 1.5 * m["slowest_per_phase_s"] + 0.05


LAB = Lab(
    id="condition-barrier",
    chapter="coordination",
    order=5,
    title={"en": "Condition (with while, not if) and Barrier", "ja": "Condition（if ではなく while で）と Barrier"},
    summary={"en": "Re-check a Condition's predicate in a while loop; a Barrier keeps threads in phase.",
             "ja": "Condition の条件は while で確かめ直す。Barrier はスレッドの足並みをそろえる。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("if-is-wrong",
              {"en": "With `if`, both consumers woke for the one item: one took it, the other popped an empty "
                     "box ({if_errors}).",
               "ja": "`if` で書くと、要素 1 つに対して消費者が 2 人とも起き、1 人が取ったあと、もう 1 人は空の箱から取ろうとしました（{if_errors}）。"},
              if_breaks, uses=("if_got", "if_errors"), sensitive_to=(),
              not_held={"en": "With `if`, the second consumer did not fail as expected ({if_errors}): the wake-up race did not show this time.",
                        "ja": "`if` で書いても、2 人目の消費者は想定どおりには失敗しませんでした（{if_errors}）。今回は起床の競合が現れませんでした。"}),
        Claim("while-is-right",
              {"en": "With `while`, the second consumer found the box empty, waited again, and took the next "
                     "item: {while_got}, no errors.",
               "ja": "`while` で書くと、2 人目は箱が空なのを見てもう一度待ち、次の要素を受け取りました: {while_got}。エラーはありません。"},
              while_holds, uses=("while_got", "while_errors"), sensitive_to=(),
              not_held={"en": "With `while`, the consumers got {while_got}: not both items without an error.",
                        "ja": "`while` で書いたとき、消費者が受け取ったのは {while_got} で、2 つの要素をエラーなしで受け取れませんでした。"}),
        Claim("barrier-keeps-phases",
              {"en": "No worker started phase 2 before all {workers} had finished phase 1 (last phase 1 ended at "
                     "{phase1_last_end_s:.3f} s, first phase 2 began at {phase2_first_start_s:.3f} s).",
               "ja": "{workers} 本全員がフェーズ 1 を終えるまで、フェーズ 2 を始めたワーカーはいませんでした（最後のフェーズ 1 の終了 {phase1_last_end_s:.3f} 秒、最初のフェーズ 2 の開始 {phase2_first_start_s:.3f} 秒）。"},
              barrier_keeps_step, uses=("phase1_last_end_s", "phase2_first_start_s", "phase2_spread_s"),
              sensitive_to=(),
              not_held={"en": "A worker started phase 2 before all {workers} had finished phase 1, or a phase is missing (last phase 1 ended at {phase1_last_end_s:.3f} s, first phase 2 began at {phase2_first_start_s:.3f} s).",
                        "ja": "{workers} 本全員がフェーズ 1 を終える前にフェーズ 2 を始めたワーカーがいたか、フェーズが欠けていました（最後のフェーズ 1 の終了 {phase1_last_end_s:.3f} 秒、最初のフェーズ 2 の開始 {phase2_first_start_s:.3f} 秒）。"}),
        Claim("barrier-costs-slowest",
              {"en": "The phases took {phases_s:.2f} s: the slowest worker of each phase added up "
                     "({slowest_per_phase_s:.2f} s), more than the slowest worker alone ({slowest_worker_s:.2f} s).",
               "ja": "フェーズ全体で {phases_s:.2f} 秒かかりました。各フェーズでいちばん遅いワーカーの時間の合計（{slowest_per_phase_s:.2f} 秒）で、最も遅いワーカー単独の時間（{slowest_worker_s:.2f} 秒）より長くなりました。"},
              barrier_costs_slowest, uses=("phases_s", "slowest_per_phase_s", "slowest_worker_s"),
              not_held={"en": "The phases took {phases_s:.2f} s: not close to the slowest worker of each phase added up ({slowest_per_phase_s:.2f} s; slowest worker alone {slowest_worker_s:.2f} s).",
                        "ja": "フェーズ全体で {phases_s:.2f} 秒でした。各フェーズでいちばん遅いワーカーの時間の合計（{slowest_per_phase_s:.2f} 秒）には近くなりませんでした（最も遅いワーカー単独では {slowest_worker_s:.2f} 秒）。"}),
    ),
)
