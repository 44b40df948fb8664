"""Checks of replace_spin_lock: never two threads inside, explored step by step; and the program's total.

The explorer calls ``add_one()`` from two threads over every schedule with up
to two preemptions (then more by pct): with a hand-made flag both threads get
past the test before either sets the flag, every time. Which mistake it is (a
flag, with or without a sleep; a lock per call; a lock per thread) is read
from the learner's code, so the message says what to change. The program is
also run once for real: it must print the right total.
"""

from __future__ import annotations

import ast
import threading

from conclab.curriculum.exercises._spec import ExerciseSpec
from conclab.curriculum.exercises._support import (
    calls_in,
    exploration_detail,
    require_functions,
    trailing_int,
)
from conclab.exercises import CheckContext, ExploreRun
from conclab.i18n import Messages

SCHEDULES = 300
SEED = 0
EXPECTED = 4 * 2000

HARNESS = '''
from conclab.explore import Bilingual as _conclab_Bilingual


def _conclab_adder():
    add_one()


THREADS = [_conclab_adder, _conclab_adder]


def check():
    assert total == 2, _conclab_Bilingual(
        f"two calls of add_one(), but total = {total}",
        ja=f"add_one() を 2 回呼んだのに total = {total} です")
'''

MESSAGES = Messages({
    "explore-name": {"en": "one thread at a time inside (explorer)", "ja": "中に入れるのは一度に 1 スレッド（インターリーブ探索）"},
    "explore-ok": {"en": "add_one() from two threads never had both inside, in all {n} schedules explored "
                         "(every schedule with up to 2 preemptions, then more at random)",
                   "ja": "2 つのスレッドから add_one() を呼び、探索した {n} 通りのスケジュールすべてで、"
                         "同時に 2 つが中に入ることはありませんでした（プリエンプション 2 回までの全スケジュールと、"
                         "追加のランダムなスケジュール）"},
    "flag": {"en": "both threads were inside your spin lock at once: each saw the flag down, and only then "
                   "raised it. Testing the flag and raising it are two steps, and the other thread ran in "
                   "between. Replace acquire() and release() with a threading.Lock, whose acquire() tests and "
                   "takes in one indivisible step.",
             "ja": "2 つのスレッドが同時にスピンロックの中に入りました。どちらもフラグが下りているのを見てから"
                   "フラグを立てています。フラグを調べる操作と立てる操作は別の 2 ステップで、その間にもう一方の"
                   "スレッドが動きました。acquire() と release() を threading.Lock に置き換えてください。"
                   "Lock の acquire() は、調べて取るを分けられない 1 ステップで行います。"},
    "flag-sleep": {"en": "both threads were inside your spin lock at once. The sleep in the loop saves CPU, but "
                         "testing the flag and raising it are still two steps, and the other thread ran in "
                         "between. Only a real lock tests and takes in one step: use threading.Lock.",
                   "ja": "2 つのスレッドが同時にスピンロックの中に入りました。ループ中の sleep は CPU の無駄を"
                         "減らしますが、フラグを調べる操作と立てる操作は 2 ステップのままで、その間にもう一方の"
                         "スレッドが動きました。調べて取るを 1 ステップで行えるのは本物のロックだけです。"
                         "threading.Lock を使ってください。"},
    "per-call": {"en": "both threads were inside at once although add_one() takes a lock: it creates a new lock "
                       "on every call, which no other thread ever waits for. Create one Lock at module level and "
                       "use that one in add_one().",
                 "ja": "add_one() はロックを取っていますが、2 つのスレッドが同時に中に入りました。呼び出すたびに"
                       "新しいロックを作っているので、ほかのスレッドがそれを待つことはありません。Lock は"
                       "モジュールの最上位で 1 つだけ作り、add_one() ではそれを使ってください。"},
    "per-thread": {"en": "both threads were inside at once: each thread has its own lock, so no thread ever "
                         "waits for another. A lock protects shared data only if every thread uses the same "
                         "one. (An RLock is not a per-thread lock: it is one lock that its owner may take "
                         "again.) Create one Lock at module level.",
                   "ja": "2 つのスレッドが同時に中に入りました。スレッドごとに別のロックを持っているので、"
                         "どのスレッドもほかを待ちません。ロックが共有データを守れるのは、すべてのスレッドが同じ"
                         "ロックを使うときだけです（RLock はスレッドごとのロックではなく、持ち主がもう一度取れる"
                         " 1 つのロックです）。Lock はモジュールの最上位で 1 つだけ作ってください。"},
    "other-finding": {"en": "two threads calling add_one() at once went wrong:",
                      "ja": "2 つのスレッドが同時に add_one() を呼ぶと問題が起きました:"},
    "total-name": {"en": "the program's total", "ja": "プログラムの合計"},
    "total-ok": {"en": "the last line ends with {expected}, as it should", "ja": "最後の行が正しく {expected} で終わっています"},
    "total-bad": {"en": "the last line must end with the total, {expected}; it was: {line!r}",
                  "ja": "最後の行は合計 {expected} で終わる必要がありますが、実際は {line!r} でした"},
})


def _mistake(ctx: CheckContext) -> str:
    functions = ctx.source.top_level_functions()
    every_call = calls_in(ast.parse(ctx.path.read_text(encoding="utf-8")))
    add_one = functions.get("add_one")
    if "local" in every_call:
        return "per-thread"
    if add_one is not None and any(name in ("Lock", "RLock") for name in calls_in(add_one)):
        return "per-call"
    loops = [node for function in functions.values() for node in ast.walk(function) if isinstance(node, ast.While)]
    if loops:
        return "flag-sleep" if any("sleep" in calls_in(loop) for loop in loops) else "flag"
    return "flag" if "Lock" not in every_call else "other-finding"


def check(ctx: CheckContext) -> None:
    """Explore two concurrent add_one() calls while the program runs once for real (both in subprocesses)."""
    if not require_functions(ctx, ["add_one"]):
        return
    explored: list[ExploreRun] = []
    explorer = threading.Thread(target=lambda: explored.append(
        ctx.explore(HARNESS, schedules=SCHEDULES, seed=SEED)), name="explorer")
    explorer.start()
    try:
        run = ctx.run()
    finally:
        explorer.join()
    outcome = explored[0]
    name = ctx.message(MESSAGES, "explore-name")
    if outcome.ok:
        ctx.add(name, True, ctx.message(MESSAGES, "explore-ok", n=outcome.schedules))
    else:
        key = _mistake(ctx) if outcome.kind == "assertion" else "other-finding"
        ctx.add(name, False, exploration_detail(ctx, outcome, ctx.message(MESSAGES, key)))
    if not ctx.require_clean_run(run):
        return
    last = run.output_lines[-1] if run.output_lines else ""
    right = trailing_int(last) == EXPECTED
    ctx.add(ctx.message(MESSAGES, "total-name"), right,
            ctx.message(MESSAGES, "total-ok" if right else "total-bad", expected=EXPECTED, line=last))


EXERCISE = ExerciseSpec(
    chapter="locks",
    order=10,
    title={"en": "Replace the hand-made spin lock", "ja": "自作のスピンロックを置き換える"},
    summary={"en": "a flag tested then set lets two threads in: use threading.Lock",
             "ja": "調べてから立てるフラグでは 2 スレッドが入れてしまう: threading.Lock を使う"},
    check=check,
    limit_s=10.0,
)
