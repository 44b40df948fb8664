"""Checks of graceful_shutdown: a signal while the workers run, then every worker's report and the total.

The checker waits for the ``started`` line, lets the workers run for 0.3 s,
and sends SIGINT, as Ctrl-C would (then, once that passes, SIGTERM, as
``kill`` or a container stop would). It measures the time from the signal to
the end of the process, and reads the lines: one report per worker, all
before the last line, whose total must equal the sum of the reports (a worker
killed mid-job cannot report, and its work is lost).
"""

from __future__ import annotations

import re
import signal

from conclab.curriculum.exercises._spec import ExerciseSpec
from conclab.exercises import CheckContext, Interrupt, ProgramRun
from conclab.i18n import Messages

WORKERS = 4
RUN_FOR_S = 0.3
STOP_MAX_S = 0.5
_REPORT = re.compile(r"worker (\d+) stopped after (\d+) jobs")
_FINAL = re.compile(r"stopped cleanly: (\d+) jobs")

MESSAGES = Messages({
    "runs": {"en": "stops on {signal}", "ja": "{signal} で停止"},
    "reports-name": {"en": "every worker reports after {signal}", "ja": "{signal} のあと全ワーカーが報告"},
    "reports-ok": {"en": "{workers} workers reported {total} jobs, and the last line says {total}",
                   "ja": "{workers} 個のワーカーが合計 {total} 件の仕事を報告し、最後の行も {total} です"},
    "reports-missing": {"en": "no 'worker <i> stopped after <n> jobs' line for worker(s) {missing}: the program "
                              "ended while they were still working, so they were killed mid-job. Daemon threads "
                              "die when the main thread ends; tell the workers to stop with a threading.Event "
                              "and join() each one before the last line.",
                        "ja": "ワーカー {missing} の 'worker <i> stopped after <n> jobs' の行がありません。ワーカーが"
                              "まだ働いているうちにプログラムが終わり、仕事の途中で殺されています。デーモンスレッドは"
                              "メインスレッドが終わると消えます。threading.Event で止まるよう伝え、最後の行の前に"
                              "各ワーカーを join() してください。"},
    "reports-late": {"en": "worker(s) {late} reported after the last line: the main thread printed the total "
                           "before they had finished. join() every worker first.",
                     "ja": "ワーカー {late} の報告が最後の行より後に出ています。ワーカーが終わる前にメインスレッドが"
                           "合計を表示しました。先にすべてのワーカーを join() してください。"},
    "final-bad": {"en": "expected a last line 'stopped cleanly: {total} jobs' (the sum of the workers' reports), "
                        "got {got!r}",
                  "ja": "最後の行は 'stopped cleanly: {total} jobs'（ワーカーの報告の合計）であるべきですが、"
                        "{got!r} でした"},
    "idle": {"en": "worker(s) {idle} did no job in {run:g} s: start the workers before waiting for the signal",
             "ja": "ワーカー {idle} は {run:g} 秒のあいだに 1 件も仕事をしていません。シグナルを待つ前に"
                   "ワーカーを起動してください"},
    "time-name": {"en": "stops within {bound:g} s of {signal}", "ja": "{signal} から {bound:g} 秒以内に停止"},
    "time-ok": {"en": "ended {took:.2f} s after {signal}", "ja": "{signal} の {took:.2f} 秒後に終了しました"},
    "time-bad": {"en": "ended only {took:.2f} s after {signal} (at most {bound:g} s): a worker did not notice the "
                       "Event in time. A worker resting in time.sleep() sees the Event only when it wakes; rest "
                       "with stop.wait(seconds) instead, which returns as soon as the Event is set.",
                 "ja": "{signal} から終了まで {took:.2f} 秒かかりました（上限 {bound:g} 秒）。Event に気づくのが遅れた"
                       "ワーカーがいます。time.sleep() で休んでいるワーカーは、起きるまで Event に気づきません。"
                       "代わりに stop.wait（秒数） で休めば、Event がセットされた瞬間に戻ってきます。"},
    "no-start": {"en": "the program never printed its 'started' line, so no signal was sent",
                 "ja": "'started' の行が表示されなかったため、シグナルを送れませんでした"},
})


def _interrupted(ctx: CheckContext, signum: int) -> tuple[ProgramRun, str]:
    name = signal.Signals(signum).name
    run = ctx.run([], interrupt=Interrupt(signum, after_line="started", delay_s=RUN_FOR_S))
    return run, name


def _judge(ctx: CheckContext, run: ProgramRun, name: str) -> bool:
    """Record the reports, the total and the stop time of one interrupted run; True if all passed."""
    if not ctx.require_clean_run(run, ctx.message(MESSAGES, "runs", signal=name)):
        return False
    if run.interrupted_at is None:
        return ctx.add(ctx.message(MESSAGES, "runs", signal=name), False, ctx.message(MESSAGES, "no-start"))
    # Searched in the whole output, not line by line: print() writes the text and the newline
    # separately, so two workers reporting at once may share a line; that is not the learner's fault.
    text = run.stdout
    finals = list(_FINAL.finditer(text))
    final_at = finals[-1].start() if finals else len(text)
    reports: dict[int, int] = {}
    late: list[int] = []
    for match in _REPORT.finditer(text):
        reports[int(match.group(1))] = int(match.group(2))
        if match.start() > final_at:
            late.append(int(match.group(1)))
    total = sum(reports.values())
    missing = [i for i in range(WORKERS) if i not in reports]
    idle = [i for i, jobs in reports.items() if jobs == 0]
    lines = [line.strip() for line in run.output_lines if line.strip()]
    last = lines[-1] if lines else ""
    final = _FINAL.fullmatch(last)
    problem = None
    if missing:
        problem = ctx.message(MESSAGES, "reports-missing", missing=", ".join(map(str, missing)))
    elif late:
        problem = ctx.message(MESSAGES, "reports-late", late=", ".join(map(str, sorted(late))))
    elif final is None or int(final.group(1)) != total:
        problem = ctx.message(MESSAGES, "final-bad", total=total, got=last)
    elif idle:
        problem = ctx.message(MESSAGES, "idle", idle=", ".join(map(str, idle)), run=RUN_FOR_S)
    ok = ctx.add(ctx.message(MESSAGES, "reports-name", signal=name), problem is None,
                 problem or ctx.message(MESSAGES, "reports-ok", workers=WORKERS, total=total))
    took = run.elapsed_s - run.interrupted_at
    fast = took <= STOP_MAX_S
    ctx.add(ctx.message(MESSAGES, "time-name", bound=STOP_MAX_S, signal=name), fast,
            ctx.message(MESSAGES, "time-ok" if fast else "time-bad", took=took, signal=name, bound=STOP_MAX_S))
    return ok and fast


def check(ctx: CheckContext) -> None:
    """SIGINT first; SIGTERM only once SIGINT is handled, so a failure answers in one run."""
    run, name = _interrupted(ctx, signal.SIGINT)
    if _judge(ctx, run, name) and hasattr(signal, "SIGTERM"):
        run, name = _interrupted(ctx, signal.SIGTERM)
        _judge(ctx, run, name)


EXERCISE = ExerciseSpec(
    chapter="coordination",
    order=40,
    title={"en": "Shut down gracefully with an Event", "ja": "Event で行儀よく終了する"},
    summary={"en": "on SIGINT/SIGTERM, a threading.Event stops every worker after its job; join, then report",
             "ja": "SIGINT/SIGTERM を受けたら threading.Event で全ワーカーを仕事の区切りで止め、join してから報告する"},
    check=check,
    limit_s=4.0,
)
