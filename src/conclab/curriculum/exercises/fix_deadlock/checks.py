"""Checks of fix_deadlock: no deadlock and no half-done transfer, explored step by step; then a real run.

The explorer runs ``pay_a_to_b(10)``, ``pay_b_to_a(10)`` and ``audit()`` in
three threads over every schedule with up to two preemptions (then more by
pct). Locks taken in opposite orders deadlock there every time, and the
report names the wait-for cycle. The check after the threads finish catches
the other ways out of a deadlock that are wrong: a transfer that gives up on a
timeout (money lost) and one lock at a time (the audit sees money in flight).
Only when the exploration passes is the program run for real: a deadlocked
real run would only cost the learner the time limit.
"""

from __future__ import annotations

from conclab.curriculum.exercises._spec import ExerciseSpec
from conclab.curriculum.exercises._support import (
    exploration_detail,
    require_functions,
    trailing_int,
)
from conclab.exercises import CheckContext, ExploreRun
from conclab.i18n import Messages

SCHEDULES = 300
SEED = 0
FUNCTIONS = ("pay_a_to_b", "pay_b_to_a", "audit")

HARNESS = '''
from conclab.explore import Bilingual as _conclab_Bilingual


_conclab_audits = []


def _conclab_pay_a_to_b():
    pay_a_to_b(10)


def _conclab_pay_b_to_a():
    pay_b_to_a(10)


def _conclab_audit():
    _conclab_audits.append(audit())


THREADS = [_conclab_pay_a_to_b, _conclab_pay_b_to_a, _conclab_audit]


def check():
    seen = _conclab_audits[0] if _conclab_audits else None
    assert seen == 200, _conclab_Bilingual(
        f"audit() saw a total of {seen}, not 200",
        ja=f"audit() が見た合計は {seen} で、200 ではありません")
    assert (balance_a, balance_b) == (100, 100), _conclab_Bilingual(
        f"after paying 10 each way: a = {balance_a}, b = {balance_b}, expected 100 and 100",
        ja=f"双方向に 10 ずつ送金した後: a = {balance_a}、b = {balance_b}（期待値はどちらも 100）")
'''

MESSAGES = Messages({
    "explore-name": {"en": "two transfers and an audit at once (explorer)",
                     "ja": "2 つの送金と監査を同時に実行（インターリーブ探索）"},
    "explore-ok": {"en": "no deadlock, no lost transfer and every audit saw 200, in all {n} schedules explored "
                         "(every schedule with up to 2 preemptions, then more at random)",
                   "ja": "探索した {n} 通りのスケジュールすべてで、デッドロックも失われた送金もなく、監査は"
                         "毎回 200 でした（プリエンプション 2 回までの全スケジュールと、追加のランダムなスケジュール）"},
    "threads": {"en": "T0 runs pay_a_to_b(10), T1 pay_b_to_a(10), T2 audit().",
                "ja": "T0 は pay_a_to_b(10)、T1 は pay_b_to_a(10)、T2 は audit() を実行します。"},
    "deadlock": {"en": "the threads deadlocked: each holds one lock and waits for the other's, for ever. {late} "
                       "still take(s) lock_b before lock_a. Take the locks in one order everywhere (lock_a, then "
                       "lock_b) in every function that takes both, the audit included.",
                 "ja": "スレッドがデッドロックしました。それぞれが一方のロックを持ったまま、もう一方のロックを"
                       "永遠に待っています。{late} はまだ lock_a より先に lock_b を取っています。両方のロックを"
                       "取るすべての関数（監査も含めて）で、同じ順序（lock_a、次に lock_b）で取ってください。"},
    "one-of-them": {"en": "one of them", "ja": "どれか 1 つの関数"},
    "gave-up": {"en": "a transfer was lost: it gave up when the second lock did not come within its timeout, and "
                      "returned without moving the money, silently. A timeout hides the deadlock instead of "
                      "removing it. Take the locks in the same order everywhere, and simply wait.",
                "ja": "送金が 1 つ失われました。2 つ目のロックがタイムアウトまでに取れなかったときにあきらめ、"
                      "お金を動かさないまま黙って戻っています。タイムアウトはデッドロックを隠すだけで、なくしは"
                      "しません。どこでも同じ順序でロックを取り、そのまま待ってください。"},
    "in-flight": {"en": "audit() saw money in flight: it had left one account and not yet reached the other. "
                        "Holding one lock at a time removes the deadlock but lets others see a half-done "
                        "transfer. Hold both locks for the whole transfer, taken in the same order everywhere.",
                  "ja": "audit() が移動中のお金を見てしまいました。一方の口座から出て、まだもう一方に届いていない"
                        "状態です。ロックを一度に 1 つだけ持てばデッドロックはなくなりますが、送金の途中の状態が"
                        "ほかから見えてしまいます。送金の間は両方のロックを持ち続け、どこでも同じ順序で取って"
                        "ください。"},
    "other-finding": {"en": "two transfers and an audit at once went wrong:",
                      "ja": "2 つの送金と監査を同時に実行すると問題が起きました:"},
    "total-name": {"en": "the program's balances", "ja": "プログラムの残高"},
    "total-ok": {"en": "the last line ends with total 200, and no audit saw another total",
                 "ja": "最後の行は total 200 で終わり、200 以外の合計を見た監査もありませんでした"},
    "total-bad": {"en": "the last two lines must be 'audits N, wrong 0' and 'a 100 b 100 total 200'; they were: {lines}",
                  "ja": "最後の 2 行は 'audits N, wrong 0' と 'a 100 b 100 total 200' のはずですが、実際は {lines} でした"},
})


def _headline(ctx: CheckContext, outcome: ExploreRun) -> str:
    finding = outcome.finding
    if outcome.kind == "deadlock":
        late = [FUNCTIONS[int(entry["thread"][1:])] + "()" for entry in (finding.cycle if finding else ())
                if entry.get("holds") == ["lock_b"] and str(entry.get("thread", "T9"))[1:].isdigit()
                and int(entry["thread"][1:]) < len(FUNCTIONS)]
        key, values = "deadlock", {"late": ", ".join(late) or ctx.message(MESSAGES, "one-of-them")}
    elif outcome.kind == "assertion" and finding is not None and "seen == 200" in finding.source:
        key, values = "in-flight", {}
    elif outcome.kind == "assertion":
        key, values = "gave-up", {}
    else:
        key, values = "other-finding", {}
    return ctx.message(MESSAGES, key, **values) + "\n    " + ctx.message(MESSAGES, "threads")


def check(ctx: CheckContext) -> None:
    """Explore the three functions in three threads; run the program only once that passes."""
    if not require_functions(ctx, list(FUNCTIONS)):
        return
    outcome = ctx.explore(HARNESS, schedules=SCHEDULES, seed=SEED)
    name = ctx.message(MESSAGES, "explore-name")
    if not outcome.ok:
        ctx.add(name, False, exploration_detail(ctx, outcome, _headline(ctx, outcome)))
        return
    ctx.add(name, True, ctx.message(MESSAGES, "explore-ok", n=outcome.schedules))
    run = ctx.run()
    if not ctx.require_clean_run(run):
        return
    lines = run.output_lines[-2:]
    right = (len(lines) == 2 and lines[0].rstrip().endswith("wrong 0") and trailing_int(lines[1]) == 200
             and "a 100 b 100" in lines[1])
    ctx.add(ctx.message(MESSAGES, "total-name"), right,
            ctx.message(MESSAGES, "total-ok" if right else "total-bad", lines=" / ".join(lines)))


EXERCISE = ExerciseSpec(
    chapter="locks",
    order=20,
    title={"en": "Fix a lock-order deadlock", "ja": "ロックの順序によるデッドロックを直す"},
    summary={"en": "transfers and an audit take two locks in different orders: pick one order everywhere",
             "ja": "送金と監査が 2 つのロックを違う順序で取る: どこでも同じ順序にする"},
    check=check,
    limit_s=10.0,
)
