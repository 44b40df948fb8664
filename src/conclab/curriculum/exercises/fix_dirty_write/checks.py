"""Checks of fix_dirty_write: no lost withdrawal between asyncio tasks, explored; and the program's balance.

The explorer runs two ``withdraw(10)`` coroutines as tasks on its own event
loop, choosing which ready task steps at every ``await`` that yields, over
every schedule with up to two preemptions (then more by pct). The program is
also run once for real (five withdrawals): its balance must be 50. Which
mistake it is (a lock made inside the coroutine, a lock around the await
only) is read from the learner's coroutine, so the message says what to change.
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
EXPECTED = 50

HARNESS = '''
from conclab.explore import Bilingual as _conclab_Bilingual


async def _conclab_withdraw():
    await withdraw(10)


TASKS = [_conclab_withdraw, _conclab_withdraw]


def check():
    assert balance == START - 20, _conclab_Bilingual(
        f"two withdrawals of 10 from {START}, but balance = {balance}",
        ja=f"{START} から 10 を 2 回引き出したのに、balance = {balance} です")
'''

MESSAGES = Messages({
    "explore-name": {"en": "two withdrawals at once (explorer)", "ja": "同時に 2 回の引き出し（インターリーブ探索）"},
    "explore-ok": {"en": "two withdraw(10) tasks both took effect in all {n} schedules explored "
                         "(every schedule with up to 2 preemptions, then more at random)",
                   "ja": "2 つの withdraw(10) タスクが、探索した {n} 通りのスケジュールすべてで両方とも反映"
                         "されました（プリエンプション 2 回までの全スケジュールと、追加のランダムなスケジュール）"},
    "unlocked": {"en": "a withdrawal was lost: while one task awaited, the other read the same old balance, and "
                       "the last write won (a lost update). A task yields at every await, so the read, the await "
                       "and the write must be one critical section: hold one asyncio.Lock, shared by every task, "
                       "from the read to the write.",
                 "ja": "引き出しが 1 つ失われました。一方のタスクが await している間に、もう一方が同じ古い残高を"
                       "読み、最後に書いたほうが勝っています（更新の消失）。タスクは await のたびに制御を"
                       "譲るので、読み取り・await・書き戻しを 1 つのクリティカルセクションにし、すべてのタスクで"
                       "共有する asyncio.Lock を読み取りから書き戻しまで持ち続けてください。"},
    "per-call": {"en": "a withdrawal was lost although withdraw() takes a lock: it creates a new asyncio.Lock on "
                       "every call, so each task locks its own lock and none ever waits. Create the lock once, "
                       "at module level next to balance.",
                 "ja": "withdraw() はロックを取っていますが、引き出しが 1 つ失われました。呼び出すたびに新しい "
                       "asyncio.Lock を作っているので、タスクごとに別のロックを取り、誰も待ちません。ロックは"
                       "モジュールの最上位、balance の隣で一度だけ作ってください。"},
    "partial": {"en": "a withdrawal was lost although withdraw() takes a lock: the lock covers only part of it. "
                      "The other task read the balance outside the lock, before this one wrote it back. Hold the "
                      "lock from the read to the write, the await included.",
                "ja": "withdraw() はロックを取っていますが、引き出しが 1 つ失われました。ロックが一部しか囲んで"
                      "いません。このタスクが書き戻す前に、もう一方のタスクがロックの外で残高を読んでいます。"
                      "ロックは読み取りから書き戻しまで、await も含めて持ち続けてください。"},
    "other-finding": {"en": "two withdrawals at once went wrong:", "ja": "同時に 2 回引き出すと問題が起きました:"},
    "balance-name": {"en": "the program's balance", "ja": "プログラムの残高"},
    "balance-ok": {"en": "the last line ends with {expected}, as it should", "ja": "最後の行が正しく {expected} で終わっています"},
    "balance-bad": {"en": "the last line must end with the balance after five withdrawals of 10, {expected}; "
                          "it was: {line!r}",
                    "ja": "最後の行は 10 を 5 回引き出したあとの残高 {expected} で終わる必要がありますが、実際は "
                          "{line!r} でした"},
})


def _mistake(ctx: CheckContext) -> str:
    function = ctx.source.top_level_functions().get("withdraw")
    if function is None:
        return "unlocked"
    if any(name in ("Lock", "Semaphore", "BoundedSemaphore") for name in calls_in(function)):
        return "per-call"
    if any(isinstance(node, (ast.AsyncWith, ast.With)) for node in ast.walk(function)) or "acquire" in calls_in(function):
        return "partial"
    return "unlocked"


def check(ctx: CheckContext) -> None:
    """Explore two withdraw() tasks while the program runs once for real (both in subprocesses)."""
    if not require_functions(ctx, ["withdraw"]):
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
    ctx.add(ctx.message(MESSAGES, "balance-name"), right,
            ctx.message(MESSAGES, "balance-ok" if right else "balance-bad", expected=EXPECTED, line=last))


EXERCISE = ExerciseSpec(
    chapter="asyncio",
    order=20,
    title={"en": "Fix the asyncio lost update", "ja": "asyncio での更新の消失を直す"},
    summary={"en": "tasks read, await, then write a balance: hold one asyncio.Lock from the read to the write",
             "ja": "タスクが残高を読み、await し、書き戻す: 読み取りから書き戻しまで 1 つの asyncio.Lock を持つ"},
    check=check,
    limit_s=10.0,
)
