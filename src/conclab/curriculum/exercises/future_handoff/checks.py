"""Checks of future_handoff: the value early, the exception carried over, and no busy wait.

Two runs: ``21`` must print ``got 42`` while the worker is still tidying up
(so the value was handed over, not read after join), and ``abc`` must print
the worker's ValueError in the main thread (so it travelled through
set_exception). The CPU time of the first run, less that of an interpreter
that only starts, tells a thread that sleeps in result() from one that polls
a variable in a loop.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from conclab.curriculum.exercises._spec import ExerciseSpec
from conclab.exercises import CheckContext, ProgramRun, run_program
from conclab.i18n import Messages

COMPUTE_S = 0.3
TIDY_S = 0.3
EXTRA_CPU_MAX_S = COMPUTE_S / 3  # a polling loop burns about the whole wait; result() about none
_BASELINE = "import concurrent.futures, sys, threading, time\nprint('ready')\n"

MESSAGES = Messages({
    "value-name": {"en": "the value arrives", "ja": "値が届く"},
    "value-ok": {"en": "printed 'got 42'", "ja": "'got 42' と表示されました"},
    "value-bad": {"en": "expected a line 'got 42' for the input 21, got {got!r}",
                  "ja": "入力 21 に対して 'got 42' の行が必要ですが、{got!r} でした"},
    "early-name": {"en": "handed over before the worker ends", "ja": "ワーカーが終わる前に受け渡す"},
    "early-ok": {"en": "the value was printed {before:.2f} s before the program ended, while the worker was still "
                       "tidying up",
                 "ja": "値はプログラムの終了より {before:.2f} 秒前、ワーカーがまだ後片付けをしているあいだに表示されました"},
    "early-bad": {"en": "the value was printed only {before:.2f} s before the program ended: the main thread "
                        "waited for the whole worker (join) instead of for its result. With a Future, result() "
                        "returns the moment the worker calls set_result(), and the worker goes on by itself.",
                  "ja": "値が表示されたのはプログラムの終了のわずか {before:.2f} 秒前でした。メインスレッドが結果ではなく、"
                        "ワーカー全体の終了（join）を待っています。Future なら、ワーカーが set_result() を呼んだ瞬間に "
                        "result() が戻り、ワーカーはそのまま自分の仕事を続けます。"},
    "cpu-name": {"en": "waits without burning CPU", "ja": "CPU を使わずに待つ"},
    "cpu-ok": {"en": "{extra:.2f} s of CPU beyond starting Python, for a {wait:g} s wait",
               "ja": "{wait:g} 秒の待ちに対して、Python の起動以外に使った CPU 時間は {extra:.2f} 秒でした"},
    "cpu-bad": {"en": "{extra:.2f} s of CPU beyond starting Python, for a {wait:g} s wait: a thread polled in a "
                      "loop (busy waiting), keeping a core busy and taking the GIL from the worker. "
                      "future.result() sleeps until the value is set, using no CPU.",
                "ja": "{wait:g} 秒待つあいだに、Python の起動以外で {extra:.2f} 秒の CPU 時間を使いました。スレッドが"
                      "ループで確認し続けて（ビジーウェイト）、コアを 1 つ占有し、ワーカーから GIL を奪っています。"
                      "future.result() なら、値がセットされるまで CPU を使わずに眠って待ちます。"},
    "error-name": {"en": "the worker's exception reaches the main thread",
                   "ja": "ワーカーの例外がメインスレッドに届く"},
    "error-ok": {"en": "printed {got!r}", "ja": "{got!r} と表示されました"},
    "error-bad": {"en": "for the input abc, expected a line 'error: ValueError: ...' (the worker's int('abc') fails), "
                        "got {got!r}: the exception stayed in the worker thread. Catch it there and hand it over "
                        "with future.set_exception(error); result() raises it in the main thread.",
                  "ja": "入力 abc に対しては 'error: ValueError: ...' の行が必要です（ワーカーの int('abc') が失敗します）が、"
                        "{got!r} でした。例外がワーカースレッドに残ったままです。ワーカーで捕まえて "
                        "future.set_exception(error) で渡せば、メインスレッドの result() がその例外を送出します。"},
    "error-hang": {"en": "for the input abc the main thread waited forever for a Future nobody settled: when the "
                         "computation fails, set_result() is never called. Catch the exception in the worker and "
                         "call future.set_exception(error), so result() raises it instead of waiting.",
                   "ja": "入力 abc では、誰も値を入れない Future をメインスレッドが永遠に待ち続けました。計算が失敗すると "
                         "set_result() は呼ばれません。ワーカーで例外を捕まえて future.set_exception(error) を呼べば、"
                         "result() は待ち続けずにその例外を送出します。"},
})


def _baseline_cpu(ctx: CheckContext) -> float:
    """CPU time of an interpreter that only starts and imports what the program needs."""
    with tempfile.TemporaryDirectory(prefix="conclab-baseline-") as folder:
        script = Path(folder) / "baseline.py"
        script.write_text(_BASELINE, encoding="utf-8")
        run = run_program(script, limit_s=ctx.limit_s)
    return run.cpu_s or 0.0


def _line(run: ProgramRun, prefix: str) -> tuple[float, str] | None:
    return next(((at, line.strip()) for at, line in run.lines if line.strip().startswith(prefix)), None)


def check(ctx: CheckContext) -> None:
    """'21' for the value, its timing and CPU; then 'abc' for the exception."""
    run = ctx.run(["21"], env={"PYTHONUNBUFFERED": "1"})
    if ctx.require_clean_run(run):
        got = _line(run, "got ")
        if ctx.add(ctx.message(MESSAGES, "value-name"), got is not None and got[1] == "got 42",
                   ctx.message(MESSAGES, "value-ok") if got is not None and got[1] == "got 42"
                   else ctx.message(MESSAGES, "value-bad", got=got[1] if got else "")) and got is not None:
            before = run.elapsed_s - got[0]
            early = before >= TIDY_S / 2
            ctx.add(ctx.message(MESSAGES, "early-name"), early,
                    ctx.message(MESSAGES, "early-ok" if early else "early-bad", before=before))
        if run.cpu_s is not None:
            extra = max(0.0, run.cpu_s - _baseline_cpu(ctx))
            calm = extra <= EXTRA_CPU_MAX_S
            ctx.add(ctx.message(MESSAGES, "cpu-name"), calm,
                    ctx.message(MESSAGES, "cpu-ok" if calm else "cpu-bad", extra=extra, wait=COMPUTE_S))
    failing = ctx.run(["abc"], env={"PYTHONUNBUFFERED": "1"})
    if not ctx.require_clean_run(failing):
        if failing.timed_out:
            ctx.add(ctx.message(MESSAGES, "error-name"), False, ctx.message(MESSAGES, "error-hang"))
        return
    error = _line(failing, "error:")
    text = error[1] if error else (failing.output_lines[-1].strip() if failing.output_lines else "")
    ok = text.startswith("error: ValueError:")
    ctx.add(ctx.message(MESSAGES, "error-name"), ok, ctx.message(MESSAGES, "error-ok" if ok else "error-bad", got=text))


EXERCISE = ExerciseSpec(
    chapter="coordination",
    order=60,
    title={"en": "Hand a result over through a Future", "ja": "Future で結果を受け渡す"},
    summary={"en": "the worker settles a concurrent.futures.Future; the main thread waits in result()",
             "ja": "ワーカーが concurrent.futures.Future に結果を入れ、メインスレッドは result() で待つ"},
    check=check,
    limit_s=3.0,
)
