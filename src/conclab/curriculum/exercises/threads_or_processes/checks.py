"""Checks of threads_or_processes: each part run alone and measured for what its work needs.

The I/O part must take about one wait, not twelve, and must start no process:
waiting needs no extra interpreter. The CPU part must keep more than one core
busy, judged as in find_primes_parallel: the CPU time of the whole process
tree over wall time, or (Linux) how many of its threads were ready to run at
once, which stays honest when other programs keep the machine busy (counted
only when the program started processes: threads waiting for the GIL wake
every few milliseconds and look ready too). On a one-core machine the CPU
part's parallelism does not apply.
"""

from __future__ import annotations

from conclab.curriculum.exercises._spec import ExerciseSpec
from conclab.curriculum.exercises._support import primes_upto
from conclab.exercises import CheckContext
from conclab.i18n import Messages
from conclab.machine import machine_facts, usable_cores

REQUESTS = 12
WAIT_S = 0.2
CPU_LIMIT = 300_000
IO_MAX_S = WAIT_S + 0.6  # one wait, interpreter start and slack; one after another takes 2.4 s
CPU_RATIO_MIN = 1.3
RUNNABLE_MIN = 1.4  # counted only with worker processes; one busy worker at a time gives about 1.0

MESSAGES = Messages({
    "io-result-name": {"en": "I/O part: result", "ja": "I/O の部分: 結果"},
    "cpu-result-name": {"en": "CPU part: result", "ja": "CPU の部分: 結果"},
    "result-ok": {"en": "printed {expected!r}", "ja": "{expected!r} と表示されました"},
    "result-bad": {"en": "expected a line {expected!r}, got {got!r}", "ja": "{expected!r} の行が必要ですが、{got!r} でした"},
    "io-name": {"en": "I/O part: the waits overlap, in threads", "ja": "I/O の部分: 待ち時間がスレッドで重なる"},
    "io-ok": {"en": "{requests} waits of {wait:g} s took {wall:.2f} s in all, with no extra process",
              "ja": "{wait:g} 秒の待ち {requests} 回が、追加のプロセスなしで全体 {wall:.2f} 秒で終わりました"},
    "io-procs": {"en": "the I/O part started {children} processes to wait for replies. A process costs a whole "
                       "interpreter (tens of milliseconds to start, megabytes of memory) and waiting needs no CPU: "
                       "a waiting thread releases the GIL, so threads overlap the waits just as well. Use "
                       "ThreadPoolExecutor here.",
                 "ja": "I/O の部分で、応答を待つためにプロセスを {children} 個起動しています。プロセスは 1 つごとに"
                       "インタープリター全体を抱え（起動に数十ミリ秒、メモリは数 MB）、待つだけなら CPU は要りません。"
                       "待っているスレッドは GIL を解放するので、スレッドでも待ち時間は同じように重なります。"
                       "ここでは ThreadPoolExecutor を使ってください。"},
    "io-slow": {"en": "{requests} waits of {wait:g} s took {wall:.2f} s: they did not all wait at the same time. "
                      "Run the requests in a ThreadPoolExecutor with one worker per request "
                      "(max_workers=len(jobs)).",
                "ja": "{wait:g} 秒の待ち {requests} 回に {wall:.2f} 秒かかりました。全部が同時に待ってはいません。"
                      "リクエストを ThreadPoolExecutor で、リクエストごとに 1 つのワーカーを用意して実行してください"
                      "（max_workers=len(jobs)）。"},
    "cpu-name": {"en": "CPU part: several cores at once", "ja": "CPU の部分: 複数のコアが同時に働く"},
    "cpu-one-core": {"en": "does not apply: this machine has one usable core, so nothing can compute in parallel",
                     "ja": "対象外: このマシンで使えるコアは 1 つなので、並列に計算することはできません"},
    "cpu-fast": {"en": "finished in {wall:.2f} s, too fast to measure parallelism; the count is right",
                 "ja": "{wall:.2f} 秒で終わったため並列性は測れませんでしたが、個数は正しいです"},
    "cpu-ok": {"en": "CPU time {cpu:.2f} s over {wall:.2f} s wall (x{ratio:.2f}) on {cores} cores{runnable}",
               "ja": "{cores} コアで CPU 時間 {cpu:.2f} 秒 / 経過時間 {wall:.2f} 秒（x{ratio:.2f}）{runnable}"},
    "runnable": {"en": ", on average {mean:.1f} ready to run at once", "ja": "、同時に実行可能だったのは平均 {mean:.1f}"},
    "cpu-threads": {"en": "only one core was busy (CPU time {cpu:.2f} s over {wall:.2f} s wall, x{ratio:.2f}) and no "
                          "process was started: a loop uses one core, and threads take turns under the GIL when they "
                          "compute in Python. Use ProcessPoolExecutor for the counting.{busy}",
                    "ja": "忙しかったコアは 1 つだけで（CPU 時間 {cpu:.2f} 秒 / 経過時間 {wall:.2f} 秒、x{ratio:.2f}）、"
                          "プロセスは起動されていません。ループは 1 コアしか使わず、Python で計算するスレッドは GIL のもとで"
                          "交代に動くだけです。"
                          "数える処理には ProcessPoolExecutor を使ってください。{busy}"},
    "cpu-serial": {"en": "{children} processes were started, but only one core was busy at a time (CPU time "
                         "{cpu:.2f} s over {wall:.2f} s wall, x{ratio:.2f}): hand all the chunks to the pool at "
                         "once (pool.map), and give it more than one worker.{busy}",
                   "ja": "プロセスは {children} 個起動しましたが、同時に忙しかったコアは 1 つだけでした（CPU 時間 "
                         "{cpu:.2f} 秒 / 経過時間 {wall:.2f} 秒、x{ratio:.2f}）。すべての範囲をまとめてプールに渡し"
                         "（pool.map）、ワーカーを 2 つ以上にしてください。{busy}"},
    "busy": {"en": " (This machine is busy: load {load:.1f} on {cores} cores; if you are sure, check again.)",
             "ja": "（このマシンは混んでいます: {cores} コアで負荷 {load:.1f}。自信があれば、もう一度チェックしてください。）"},
})


def _result(ctx: CheckContext, name_key: str, lines: list[str], expected: str) -> bool:
    got = next((line for line in lines if line.split(":")[0] == expected.split(":")[0]), lines[-1] if lines else "")
    ok = got == expected
    return ctx.add(ctx.message(MESSAGES, name_key), ok,
                   ctx.message(MESSAGES, "result-ok" if ok else "result-bad", expected=expected, got=got))


def check(ctx: CheckContext) -> None:
    """Run 'io' then 'cpu', each alone, so each measurement sees only its own part."""
    io = ctx.run(["io"])
    if ctx.require_clean_run(io) and _result(ctx, "io-result-name", [x.strip() for x in io.output_lines],
                                             f"io: {sum(n * 10 for n in range(REQUESTS))}"):
        name = ctx.message(MESSAGES, "io-name")
        if io.children_seen > 0:
            ctx.add(name, False, ctx.message(MESSAGES, "io-procs", children=io.children_seen))
        elif io.elapsed_s > IO_MAX_S:
            ctx.add(name, False, ctx.message(MESSAGES, "io-slow", requests=REQUESTS, wait=WAIT_S, wall=io.elapsed_s))
        else:
            ctx.add(name, True, ctx.message(MESSAGES, "io-ok", requests=REQUESTS, wait=WAIT_S, wall=io.elapsed_s))
    cpu_run = ctx.run(["cpu"])
    if not (ctx.require_clean_run(cpu_run) and _result(
            ctx, "cpu-result-name", [x.strip() for x in cpu_run.output_lines],
            f"cpu: {len(primes_upto(CPU_LIMIT - 1))}")):
        return
    name = ctx.message(MESSAGES, "cpu-name")
    cores = usable_cores()
    if cores < 2:
        ctx.add(name, True, ctx.message(MESSAGES, "cpu-one-core"))
        return
    wall = cpu_run.elapsed_s
    cpu = cpu_run.cpu_s or 0.0
    ratio = cpu / wall if wall > 0 else 0.0
    runnable = cpu_run.runnable_mean
    if wall < 0.25:
        ctx.add(name, True, ctx.message(MESSAGES, "cpu-fast", wall=wall))
        return
    # Ready-to-run threads count only across processes: threads waiting for the GIL wake every
    # few milliseconds and look ready, so eight threads under the GIL would look parallel.
    spread = runnable is not None and runnable >= RUNNABLE_MIN and cpu_run.children_seen > 0
    if ratio >= CPU_RATIO_MIN or spread:
        ctx.add(name, True, ctx.message(MESSAGES, "cpu-ok", cpu=cpu, wall=wall, ratio=ratio, cores=cores,
                                        runnable=ctx.message(MESSAGES, "runnable", mean=runnable)
                                        if runnable is not None else ""))
        return
    facts = machine_facts()
    busy = ctx.message(MESSAGES, "busy", load=facts.load_average or 0.0, cores=cores) if facts.busy else ""
    key = "cpu-threads" if cpu_run.children_seen == 0 else "cpu-serial"
    ctx.add(name, False, ctx.message(MESSAGES, key, cpu=cpu, wall=wall, ratio=ratio,
                                     children=cpu_run.children_seen, busy=busy))


EXERCISE = ExerciseSpec(
    chapter="processes",
    order=30,
    title={"en": "Threads or processes?", "ja": "スレッドか、プロセスか"},
    summary={"en": "pick ThreadPoolExecutor or ProcessPoolExecutor for an I/O-bound and a CPU-bound part",
             "ja": "I/O バウンドな処理と CPU バウンドな処理に、それぞれ合うエグゼキューターを選ぶ"},
    check=check,
    limit_s=15.0,
)
