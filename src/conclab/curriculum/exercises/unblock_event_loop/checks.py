"""Checks of unblock_event_loop: the results, a heartbeat that never stops, and the lookups overlapping.

The program's own heartbeat task prints ``tick`` every 0.05 s; the checker
times each line as it arrives (``PYTHONUNBUFFERED=1``). The longest silence
is the event loop's lag: a blocking call on the loop's thread silences the
heartbeat for as long as it blocks, whatever the program claims. The time
from the first tick to the last line tells whether the four 0.3 s lookups
overlapped.
"""

from __future__ import annotations

from itertools import pairwise

from conclab.curriculum.exercises._spec import ExerciseSpec
from conclab.exercises import CheckContext
from conclab.i18n import Messages

NUMBERS = (1, 2, 3, 4)
BLOCK_S = 0.3
LAG_MAX_S = 0.2
WORK_MAX_S = 0.8  # one lookup (0.3 s) plus the 0.1 s warm-up and slack; one after another takes 1.3 s

MESSAGES = Messages({
    "results-name": {"en": "every result and the total", "ja": "すべての結果と合計"},
    "results-ok": {"en": "{count} results and 'total {total}'", "ja": "{count} 個の結果と 'total {total}' が表示されました"},
    "results-bad": {"en": "expected the lines {expected} and a last line 'total {total}'; missing: {missing}",
                    "ja": "{expected} の各行と、最後の行 'total {total}' が必要です。足りない行: {missing}"},
    "lag-name": {"en": "event loop stays responsive", "ja": "イベントループが応答し続ける"},
    "lag-ok": {"en": "the heartbeat never paused longer than {lag:.2f} s", "ja": "ハートビートの途切れは最長でも {lag:.2f} 秒でした"},
    "lag-bad": {"en": "the heartbeat stopped for {lag:.2f} s: the event loop was frozen, because a blocking call "
                      "(time.sleep inside slow_lookup) ran on the loop's own thread. 'await asyncio.sleep(0)' "
                      "only lets other tasks run before the call, not during it. Run the call in a thread: "
                      "await asyncio.to_thread(slow_lookup, n).",
                "ja": "ハートビートが {lag:.2f} 秒止まりました。ブロッキングな呼び出し（slow_lookup の中の time.sleep）が"
                      "イベントループ自身のスレッドで実行され、ループが固まっています。'await asyncio.sleep(0)' は"
                      "呼び出しの前にほかのタスクを動かすだけで、呼び出しの最中には何も動きません。呼び出しを"
                      "スレッドで実行してください: await asyncio.to_thread(slow_lookup, n)"},
    "lag-none": {"en": "no 'tick' line was printed: keep the heartbeat task of the starter",
                 "ja": "'tick' の行が 1 つも表示されませんでした。スターターのハートビートのタスクは残してください"},
    "work-name": {"en": "lookups overlap", "ja": "問い合わせが重なって進む"},
    "work-ok": {"en": "the {count} lookups of {block:g} s took {work:.2f} s together",
                "ja": "{block:g} 秒の問い合わせ {count} 件が、全体で {work:.2f} 秒で終わりました"},
    "work-bad": {"en": "the {count} lookups of {block:g} s took {work:.2f} s together: they ran one after another. "
                       "Start them all before awaiting any (asyncio.gather), each in its own thread.",
                 "ja": "{block:g} 秒の問い合わせ {count} 件に全体で {work:.2f} 秒かかりました。1 つずつ順番に実行されています。"
                       "どれかを await する前に、すべてを開始してください（asyncio.gather）。それぞれを別のスレッドで動かします。"},
})


def check(ctx: CheckContext) -> None:
    """One unbuffered run: the lines, the longest silence of the heartbeat, the time of the work."""
    run = ctx.run([], env={"PYTHONUNBUFFERED": "1"})
    if not ctx.require_clean_run(run):
        return
    printed = [line.strip() for line in run.output_lines]
    total = sum(n * n for n in NUMBERS)
    expected = [f"result {n} {n * n}" for n in NUMBERS]
    missing = [line for line in expected if line not in printed]
    last_ok = bool(printed) and printed[-1] == f"total {total}"
    if not last_ok:
        missing.append(f"total {total}")
    ctx.add(ctx.message(MESSAGES, "results-name"), not missing,
            ctx.message(MESSAGES, "results-ok", count=len(NUMBERS), total=total) if not missing
            else ctx.message(MESSAGES, "results-bad", expected=", ".join(f"'{e}'" for e in expected),
                             total=total, missing=", ".join(f"'{m}'" for m in missing)))
    ticks = [at for at, line in run.lines if line.strip() == "tick"]
    if not ticks:
        ctx.add(ctx.message(MESSAGES, "lag-name"), False, ctx.message(MESSAGES, "lag-none"))
        return
    # Every silence between the first tick and the last line: the loop prints nothing while frozen.
    times = [at for at, _ in run.lines if at >= ticks[0]]
    lag = max((later - earlier for earlier, later in pairwise(times)), default=0.0)
    ctx.add(ctx.message(MESSAGES, "lag-name"), lag <= LAG_MAX_S,
            ctx.message(MESSAGES, "lag-ok" if lag <= LAG_MAX_S else "lag-bad", lag=lag))
    work = run.lines[-1][0] - ticks[0]
    ctx.add(ctx.message(MESSAGES, "work-name"), work <= WORK_MAX_S,
            ctx.message(MESSAGES, "work-ok" if work <= WORK_MAX_S else "work-bad", count=len(NUMBERS),
                        block=BLOCK_S, work=work))


EXERCISE = ExerciseSpec(
    chapter="asyncio",
    order=10,
    title={"en": "Unblock a stalled event loop", "ja": "止まったイベントループを動かす"},
    summary={"en": "run a blocking call with asyncio.to_thread so the heartbeat keeps ticking",
             "ja": "ブロッキングな呼び出しを asyncio.to_thread で実行し、ハートビートを止めない"},
    check=check,
    limit_s=10.0,
)
