"""Checks of producer_consumer: every item processed exactly once, and a clean exit.

The checker runs the program with more items than the default, compares the
lines with its own answer, and requires the program to end by itself. When
it hangs, the stacks say where each thread waited; the checker also counts
the consumer threads still waiting for an item, which tells "no sentinel at
all" from "one sentinel for several consumers".
"""

from __future__ import annotations

from collections import Counter

from conclab.curriculum.exercises._spec import ExerciseSpec
from conclab.exercises import CheckContext, ProgramRun
from conclab.i18n import Messages

ITEMS = 120
CONSUMERS = 4

MESSAGES = Messages({
    "stop-name": {"en": "every consumer stops", "ja": "すべての消費者が止まる"},
    "none-stopped": {"en": "all {count} consumer threads ({names}) were still waiting for an item after the last "
                           "one: nothing told them that the producer had finished. After the last item, put one "
                           "sentinel (for example None) per consumer, and stop a consumer when it takes one.",
                     "ja": "最後の要素のあとも、消費者スレッド {count} 本（{names}）がすべて次の要素を待ち続けていました。"
                           "生産者が終わったことを誰も伝えていません。最後の要素のあとに消費者の数だけ番兵"
                           "（たとえば None）を入れ、番兵を受け取った消費者は止まるようにしてください。"},
    "some-stopped": {"en": "{stopped} consumer(s) stopped, but {count} ({names}) were still waiting for an item: "
                           "a consumer that takes the sentinel stops taking, so the others never see it. Put one "
                           "sentinel per consumer.",
                     "ja": "止まった消費者スレッドは {stopped} 本でしたが、{count} 本（{names}）は次の要素を待ち続けていました。"
                           "番兵を受け取った消費者はそれ以上取り出さないので、ほかの消費者には番兵が届きません。"
                           "消費者一人につき 1 つの番兵を入れてください。"},
    "items-name": {"en": "every item exactly once", "ja": "すべての要素をちょうど一度"},
    "items-ok": {"en": "{count} items processed, none missing, none twice, and 'processed {count}'",
                 "ja": "{count} 個の要素を処理し、抜けも重複もなく、'processed {count}' も正しく表示されました"},
    "missing": {"en": "{missing} of {count} items were never processed (e.g. {examples}). A consumer that stops "
                      "when the queue is empty stops too early: the producer may just not have put the next item "
                      "yet. Stop on a sentinel instead, one per consumer.",
                "ja": "{count} 個のうち {missing} 個の要素が処理されませんでした（例: {examples}）。キューが空になったら"
                      "止まる消費者は、早く止まりすぎます。生産者がまだ次の要素を入れていないだけかもしれないからです。"
                      "代わりに番兵で止めてください（消費者一人に 1 つ）。"},
    "twice": {"en": "{repeated} items were processed more than once (e.g. {examples}): each item must be taken "
                    "from the queue by exactly one consumer",
              "ja": "{repeated} 個の要素が 2 回以上処理されました（例: {examples}）。各要素はちょうど 1 つの消費者が"
                    "キューから取り出すようにしてください"},
    "wrong-result": {"en": "wrong lines (expected '<item> <item squared>'): {examples}",
                     "ja": "正しくない行があります（'<要素> <要素の 2 乗>' のはずです）: {examples}"},
    "last-bad": {"en": "expected a last line 'processed {count}', got {got!r}",
                 "ja": "最後の行は 'processed {count}' であるべきですが、{got!r} でした"},
})


def _waiting_consumers(run: ProgramRun) -> list[str]:
    """Names (or ids) of the threads other than the main one that were still in the learner's code."""
    main_pid = next((s.pid for s in run.stacks if s.is_main), None)
    return sorted(s.name or s.ident for s in run.stacks
                  if s.pid == main_pid and not s.is_main and s.innermost_in(run.script) is not None)


def check(ctx: CheckContext) -> None:
    """One run with ITEMS items: a clean exit, then the lines against the checker's own answer."""
    run = ctx.run([str(ITEMS)])
    if not ctx.require_clean_run(run):
        if run.timed_out:
            waiting = _waiting_consumers(run)
            if waiting:
                key = "none-stopped" if len(waiting) >= CONSUMERS else "some-stopped"
                ctx.add(ctx.message(MESSAGES, "stop-name"), False,
                        ctx.message(MESSAGES, key, count=len(waiting), names=", ".join(waiting),
                                    stopped=max(0, CONSUMERS - len(waiting))))
        return
    lines = [line.strip() for line in run.output_lines]
    body, last = lines[:-1], (lines[-1] if lines else "")
    seen: Counter[int] = Counter()
    wrong: list[str] = []
    for line in body:
        parts = line.split()
        if len(parts) == 2 and all(p.lstrip("-").isdigit() for p in parts) and int(parts[1]) == int(parts[0]) ** 2:
            seen[int(parts[0])] += 1
        else:
            wrong.append(line)
    missing = [n for n in range(1, ITEMS + 1) if n not in seen]
    repeated = [n for n, times in seen.items() if times > 1]
    problems = []
    if missing:
        problems.append(ctx.message(MESSAGES, "missing", missing=len(missing), count=ITEMS,
                                    examples=", ".join(map(str, missing[:5]))))
    if repeated:
        problems.append(ctx.message(MESSAGES, "twice", repeated=len(repeated),
                                    examples=", ".join(map(str, sorted(repeated)[:5]))))
    if wrong:
        problems.append(ctx.message(MESSAGES, "wrong-result", examples=", ".join(repr(w) for w in wrong[:3])))
    if last != f"processed {ITEMS}":
        problems.append(ctx.message(MESSAGES, "last-bad", count=ITEMS, got=last))
    ctx.add(ctx.message(MESSAGES, "items-name"), not problems,
            "\n".join(problems) or ctx.message(MESSAGES, "items-ok", count=ITEMS))


EXERCISE = ExerciseSpec(
    chapter="coordination",
    order=50,
    title={"en": "Producer and consumers with sentinels", "ja": "番兵を使う生産者と消費者"},
    summary={"en": "four consumers share a queue.Queue; one sentinel each lets all of them stop",
             "ja": "4 つの消費者が queue.Queue を共有し、一人 1 つの番兵で全員が止まる"},
    check=check,
    limit_s=3.0,
)
