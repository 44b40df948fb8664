"""Checks of stream_primes: every prime once, the count, printed as they come, a clean exit.

"As they come" is measured from when each line reached the checker (the
program runs with ``PYTHONUNBUFFERED=1`` so a print is a write): the first
prime must arrive well before the program ends. A parent that collects and
prints at the end shows its first prime only moments before it exits.
"""

from __future__ import annotations

from collections import Counter

from conclab.curriculum.exercises._spec import ExerciseSpec
from conclab.curriculum.exercises._support import primes_upto, trailing_int
from conclab.exercises import CheckContext
from conclab.i18n import Messages

CHECK_LIMIT = 200_000
EARLY_FRACTION = 0.25  # a stream shows its first prime at once; a batch after all the work

MESSAGES = Messages({
    "once-name": {"en": "every prime exactly once", "ja": "すべての素数がちょうど一度"},
    "once-ok": {"en": "{count} primes, none missing, none repeated",
                "ja": "{count} 個の素数、抜けも重複もありません"},
    "once-bad": {"en": "{missing} primes missing (e.g. {missing_examples}), {repeated} printed more than once "
                       "(e.g. {repeated_examples}), {other} lines that are not primes up to {limit} "
                       "(e.g. {other_examples}). Every worker must cover its own part of 1..{limit}, once.",
                 "ja": "抜けている素数が {missing} 個（例: {missing_examples}）、2 回以上表示された素数が {repeated} 個"
                       "（例: {repeated_examples}）、{limit} までの素数でない行が {other} 個（例: {other_examples}）"
                       "ありました。各ワーカーは 1..{limit} の自分の担当範囲を一度だけ調べてください。"},
    "count-name": {"en": "last line: the count", "ja": "最後の行: 個数"},
    "count-ok": {"en": "the last line ends with {expected}", "ja": "最後の行が {expected} で終わっています"},
    "count-bad": {"en": "expected a last line ending with {expected}, got {got!r}",
                  "ja": "最後の行は {expected} で終わるはずですが、{got!r} でした"},
    "stream-name": {"en": "printed as they arrive", "ja": "届いた順にすぐ表示"},
    "stream-ok": {"en": "the first prime appeared after {first:.2f} s of {total:.2f} s",
                  "ja": "最初の素数は {total:.2f} 秒中 {first:.2f} 秒の時点で表示されました"},
    "stream-bad": {"en": "the first prime appeared only after {first:.2f} s of {total:.2f} s: the results were "
                         "collected and printed at the end. Print each prime as soon as queue.get() returns it.",
                   "ja": "最初の素数が表示されたのは {total:.2f} 秒中 {first:.2f} 秒の時点でした。結果を集めてから最後に"
                         "まとめて表示しています。queue.get() で受け取ったらすぐに表示してください。"},
    "stream-none": {"en": "no prime was printed", "ja": "素数が 1 つも表示されませんでした"},
    "workers-name": {"en": "worker processes", "ja": "ワーカープロセス"},
    "workers-ok": {"en": "{count} worker processes were seen", "ja": "ワーカープロセスを {count} 個確認しました"},
    "workers-bad": {"en": "no worker process was seen: start workers with multiprocessing.Process and give "
                          "each a part of the range and the Queue",
                    "ja": "ワーカープロセスが見つかりませんでした。multiprocessing.Process でワーカーを起動し、"
                          "それぞれに範囲の一部と Queue を渡してください"},
})


def _examples(values: list[object]) -> str:
    return ", ".join(str(v) for v in values[:3]) or "-"


def check(ctx: CheckContext) -> None:
    """One unbuffered run with a larger limit; every check reads that run."""
    run = ctx.run([str(CHECK_LIMIT)], env={"PYTHONUNBUFFERED": "1"})
    if not ctx.require_clean_run(run):
        return
    expected = primes_upto(CHECK_LIMIT)
    lines = run.lines[:-1]
    last = run.output_lines[-1] if run.output_lines else ""
    values = [line.strip() for _, line in lines]
    numbers = Counter(int(v) for v in values if v.lstrip("-").isdigit())
    wanted = set(expected)
    missing = sorted(wanted - set(numbers))
    repeated = sorted(n for n, times in numbers.items() if times > 1 and n in wanted)
    other = [v for v in values if not (v.lstrip("-").isdigit() and int(v) in wanted)]
    ok = not missing and not repeated and not other
    ctx.add(ctx.message(MESSAGES, "once-name"), ok,
            ctx.message(MESSAGES, "once-ok" if ok else "once-bad", count=len(expected), limit=CHECK_LIMIT,
                        missing=len(missing), missing_examples=_examples(list(missing)),
                        repeated=len(repeated), repeated_examples=_examples(list(repeated)),
                        other=len(other), other_examples=_examples(list(other))))
    count_ok = trailing_int(last) == len(expected)
    ctx.add(ctx.message(MESSAGES, "count-name"), count_ok,
            ctx.message(MESSAGES, "count-ok" if count_ok else "count-bad", expected=len(expected), got=last))
    first = next((at for at, line in lines if line.strip().isdigit()), None)
    name = ctx.message(MESSAGES, "stream-name")
    if first is None:
        ctx.add(name, False, ctx.message(MESSAGES, "stream-none"))
    else:
        early = first <= EARLY_FRACTION * run.elapsed_s
        ctx.add(name, early, ctx.message(MESSAGES, "stream-ok" if early else "stream-bad",
                                         first=first, total=run.elapsed_s))
    ctx.add(ctx.message(MESSAGES, "workers-name"), run.children_seen > 0,
            ctx.message(MESSAGES, "workers-ok" if run.children_seen else "workers-bad",
                        count=run.children_seen))


EXERCISE = ExerciseSpec(
    chapter="ipc",
    order=10,
    title={"en": "Stream primes through a Queue", "ja": "Queue で素数を次々に受け取る"},
    summary={"en": "workers send each prime through a multiprocessing.Queue; print as they arrive",
             "ja": "ワーカーが素数を 1 つずつ multiprocessing.Queue で送り、届いた順に表示する"},
    check=check,
    limit_s=15.0,
)
