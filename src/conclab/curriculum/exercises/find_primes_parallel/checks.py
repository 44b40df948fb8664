"""Checks of find_primes_parallel: the right counts, and real parallelism.

Parallelism is measured two ways, because one alone misleads: the CPU time
of the whole process tree over wall time (about 1 for a loop, and for threads
under the GIL; near the core count for a Pool), and, on Linux, how many of
the program's threads were ready to run at the same moment, which stays
honest when other programs make the machine busy and CPU time cannot grow.
"""

from __future__ import annotations

from conclab.curriculum.exercises._spec import ExerciseSpec
from conclab.curriculum.exercises._support import primes_upto, trailing_int
from conclab.exercises import CheckContext, ProgramRun
from conclab.i18n import Messages
from conclab.machine import machine_facts, usable_cores

DEFAULT_LIMIT = 100_000
CHECK_LIMIT = 400_000
CPU_RATIO_MIN = 1.3
RUNNABLE_MIN = 1.6

MESSAGES = Messages({
    "count-name": {"en": "count up to {limit}", "ja": "{limit} までの個数"},
    "count-ok": {"en": "the last line ends with {expected}", "ja": "最後の行が {expected} で終わっています"},
    "count-bad": {"en": "expected the last line to end with {expected} (the number of primes up to {limit}), "
                        "got {got!r}. Check that the parts cover 1..{limit} exactly once: range(start, stop) "
                        "excludes stop.",
                  "ja": "最後の行は {expected}（{limit} までの素数の個数）で終わるはずですが、{got!r} でした。"
                        "分割した範囲が 1..{limit} をちょうど一度ずつ覆っているか確かめてください"
                        "（range(start, stop) は stop を含みません）。"},
    "par-name": {"en": "parallelism", "ja": "並列性"},
    "par-one-core": {"en": "does not apply: this machine has one usable core, so nothing can run in parallel",
                     "ja": "対象外: このマシンで使えるコアは 1 つなので、並列には動けません"},
    "par-ok": {"en": "{cores} cores worked at once: CPU time {cpu:.2f} s over {wall:.2f} s wall "
                     "(x{ratio:.2f}){runnable}",
               "ja": "{cores} コアが同時に働きました: CPU 時間 {cpu:.2f} 秒 / 経過時間 {wall:.2f} 秒"
                     "（x{ratio:.2f}）{runnable}"},
    "runnable": {"en": ", on average {mean:.1f} processes ready to run at once",
                 "ja": "、同時に実行可能だったプロセスは平均 {mean:.1f} 個"},
    "par-fast": {"en": "finished in {wall:.2f} s, too fast to measure parallelism; the count is right",
                 "ja": "{wall:.2f} 秒で終わったため並列性は測れませんでしたが、個数は正しいです"},
    "par-no-procs": {"en": "only one core was busy (CPU time {cpu:.2f} s over {wall:.2f} s wall, x{ratio:.2f}) "
                           "and no other process was started. A loop uses one core, and threads take turns "
                           "under the GIL, so CPU-bound work needs processes: multiprocessing.Pool.{busy}",
                     "ja": "忙しかったコアは 1 つだけで（CPU 時間 {cpu:.2f} 秒 / 経過時間 {wall:.2f} 秒、x{ratio:.2f}）、"
                           "別のプロセスは起動されませんでした。ループは 1 コアしか使わず、スレッドは GIL のもとで"
                           "交代に動くだけなので、CPU バウンドな処理にはプロセス（multiprocessing.Pool）が必要です。{busy}"},
    "par-serial": {"en": "{children} worker processes were started, but they worked one after another "
                         "(CPU time {cpu:.2f} s over {wall:.2f} s wall, x{ratio:.2f}). Hand all the parts to "
                         "the pool at once (map, or apply_async then get), not apply() in a loop.{busy}",
                   "ja": "ワーカープロセスは {children} 個起動しましたが、1 つずつ順番に働いていました"
                         "（CPU 時間 {cpu:.2f} 秒 / 経過時間 {wall:.2f} 秒、x{ratio:.2f}）。ループの中で apply() を"
                         "呼ぶのではなく、全部の範囲をまとめてプールに渡してください（map、または apply_async のあと get）。{busy}"},
    "busy": {"en": " (This machine is busy: load {load:.1f} on {cores} cores; if you are sure, check again.)",
             "ja": "（このマシンは混んでいます: {cores} コアで負荷 {load:.1f}。自信があれば、もう一度チェックしてください。）"},
})


def _count(ctx: CheckContext, args: list[str], limit: int) -> ProgramRun | None:
    """Run once; the run if it ended cleanly with the right count, else None (the reason recorded)."""
    run = ctx.run(args)
    name = ctx.message(MESSAGES, "count-name", limit=limit)
    if not ctx.require_clean_run(run):
        return None
    expected = len(primes_upto(limit))
    last = run.output_lines[-1] if run.output_lines else ""
    ok = trailing_int(last) == expected
    ctx.add(name, ok, ctx.message(MESSAGES, "count-ok" if ok else "count-bad",
                                  expected=expected, limit=limit, got=last))
    return run if ok else None


def check(ctx: CheckContext) -> None:
    """Right count for the default limit and a larger one; the larger run must use several cores."""
    if _count(ctx, [], DEFAULT_LIMIT) is None:
        return
    run = _count(ctx, [str(CHECK_LIMIT)], CHECK_LIMIT)
    if run is None:
        return
    name = ctx.message(MESSAGES, "par-name")
    cores = usable_cores()
    if cores < 2:
        ctx.add(name, True, ctx.message(MESSAGES, "par-one-core"))
        return
    wall = run.elapsed_s
    cpu = run.cpu_s or 0.0
    ratio = cpu / wall if wall > 0 else 0.0
    runnable = run.runnable_mean
    if wall < 0.25:
        ctx.add(name, True, ctx.message(MESSAGES, "par-fast", wall=wall))
        return
    runnable_text = ctx.message(MESSAGES, "runnable", mean=runnable) if runnable is not None else ""
    # Ready-to-run threads count only across worker processes: threads waiting for the GIL
    # wake every few milliseconds and look ready, so eight threads would look parallel.
    spread = runnable is not None and runnable >= RUNNABLE_MIN and run.children_seen > 0
    if ratio >= CPU_RATIO_MIN or spread:
        ctx.add(name, True, ctx.message(MESSAGES, "par-ok", cores=cores, cpu=cpu, wall=wall, ratio=ratio,
                                        runnable=runnable_text))
        return
    facts = machine_facts()
    busy = (ctx.message(MESSAGES, "busy", load=facts.load_average or 0.0, cores=cores)
            if facts.busy else "")
    children = run.children_seen
    key = "par-no-procs" if children == 0 else "par-serial"
    ctx.add(name, False, ctx.message(MESSAGES, key, cpu=cpu, wall=wall, ratio=ratio, children=children,
                                     busy=busy))


EXERCISE = ExerciseSpec(
    chapter="processes",
    order=10,
    title={"en": "Find primes on every core", "ja": "すべてのコアで素数を探す"},
    summary={"en": "count primes with multiprocessing.Pool over split ranges",
             "ja": "範囲を分けて multiprocessing.Pool で素数を数える"},
    check=check,
    limit_s=20.0,
)
