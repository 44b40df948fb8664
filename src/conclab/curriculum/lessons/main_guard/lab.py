"""Lab ``main-guard``: the ``__main__`` guard and the start methods, shown by running a script each way."""

from __future__ import annotations

import contextlib
import multiprocessing
import subprocess
import sys
import threading
from typing import Any

import psutil

from conclab.curriculum.lessons.main_guard import example
from conclab.lab import Claim, Lab, LabContext, Measured

TIMEOUT_S = 30.0


def run_script(method: str, guarded: bool) -> dict[str, Any]:
    """Run the example script in a fresh interpreter; stop its whole process tree if interrupted."""
    command = [sys.executable, example.__file__, method] + ([] if guarded else ["--no-guard"])
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = process.communicate(timeout=TIMEOUT_S)
    finally:
        if process.poll() is None:  # interrupted or hung: the script's own child must go too
            with contextlib.suppress(psutil.Error):
                for child in psutil.Process(process.pid).children(recursive=True):
                    child.kill()
            process.kill()
            process.wait()
    lines = out.splitlines()
    seen = [line.split(" = ", 1)[1].strip("'") for line in lines if line.startswith("child sees SETTING")]
    exit_lines = [line for line in lines if line.startswith("child exit code")]
    return {
        "top_level_runs": sum(line.startswith("top level ran") for line in lines),
        "child_saw": seen[0] if seen else None,
        "child_exit": int(exit_lines[0].rsplit(" ", 1)[1]) if exit_lines else None,
        "bootstrap_error": "bootstrapping phase" in err,
        "returncode": process.returncode,
    }


def _name(method: str, guarded: bool) -> str:
    return method if guarded else f"{method} --no-guard"


def run(ctx: LabContext) -> None:
    m = ctx.measured
    methods = multiprocessing.get_all_start_methods()
    plan = [(method, True) for method in methods] + [(method, False) for method in methods]
    if ctx.quick:  # the three runs the claims need
        plan = [(method, guarded) for method, guarded in plan
                if (method, guarded) in {("fork", True), ("spawn", True), ("spawn", False)}]
    m["start_methods"] = list(methods)
    m["default_start_method"] = multiprocessing.get_start_method()
    outcomes: dict[tuple[str, bool], dict[str, Any]] = {}

    def one(method: str, guarded: bool) -> None:
        with ctx.measure(_name(method, guarded), lane=_name(method, guarded),
                         label={"ja": method if guarded else f"{method}（ガードなし）"}):
            outcomes[method, guarded] = run_script(method, guarded)

    # The runs are independent interpreters: run them side by side, one lane each. Not daemon
    # threads: on Ctrl-C the runner kills the scripts and these threads end; a daemon thread
    # still writing while the interpreter shuts down can abort it.
    runners = [threading.Thread(target=one, args=step, name=_name(*step)) for step in plan]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    rows = []
    for method, guarded in plan:
        outcome = outcomes[method, guarded]
        took = m.pop(f"{_name(method, guarded)}_s")
        key = f"{method}{'' if guarded else '_unguarded'}"
        for field, value in outcome.items():
            m[f"{key}_{field}"] = value
        rows.append([method, ctx.text({"en": "yes", "ja": "あり"} if guarded else {"en": "no", "ja": "なし"}),
                     outcome["top_level_runs"], outcome["child_saw"] or "-",
                     "-" if outcome["child_exit"] is None else outcome["child_exit"], took])
    ctx.table(
        {"en": "The script run with each start method", "ja": "起動方式ごとにスクリプトを実行"},
        [{"en": "start method", "ja": "起動方式"}, {"en": "guard", "ja": "ガード"},
         {"en": "top level ran", "ja": "トップレベルの実行回数"}, {"en": "child saw SETTING", "ja": "子が見た SETTING"},
         {"en": "child exit code", "ja": "子の終了コード"}, {"en": "took (s)", "ja": "所要（秒）"}],
        rows,
    )


def fork_copies(m: Measured) -> bool:
    return m["fork_top_level_runs"] == 1 and m["fork_child_saw"] == "changed in main" and m["fork_child_exit"] == 0


def spawn_imports(m: Measured) -> bool:
    return m["spawn_top_level_runs"] == 2 and m["spawn_child_saw"] == "set at import" and m["spawn_child_exit"] == 0


def unguarded_spawn_fails(m: Measured) -> bool:
    return m["spawn_unguarded_child_exit"] == 1 and m["spawn_unguarded_bootstrap_error"] is True


LAB = Lab(
    id="main-guard",
    chapter="processes",
    order=7,
    title={"en": "The __main__ guard and the start methods: fork, spawn, forkserver",
           "ja": "__main__ ガードと起動方式: fork、spawn、forkserver"},
    summary={"en": "One script run with each start method, with and without the guard: what the child copies.",
             "ja": "1 つのスクリプトを起動方式ごとに、ガードありとなしで実行し、子プロセスが何を受け継ぐかを見る。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("fork-copies-parent",
              {"en": "With fork the top level ran once and the child saw the parent's change "
                     "({fork_child_saw!r}): the child is a copy of the running parent.",
               "ja": "fork ではトップレベルは 1 回だけ実行され、子は親が変えた値（{fork_child_saw!r}）を見ました。子は実行中の親のコピーです。"},
              fork_copies, uses=("fork_top_level_runs", "fork_child_saw"), unmeasured={"en": "With fork the child is a copy of the running parent and does not run the top level again; this platform cannot fork, so it was not measured here.",
                          "ja": "fork では子は実行中の親のコピーで、トップレベルを実行し直しません。この環境では fork が使えないので、ここでは計測していません。"},
              requires=("fork",),
              sensitive_to=(),
              not_held={"en": "With fork the child saw {fork_child_saw!r}: not a copy of the running parent as expected.",
                        "ja": "fork で子が見た値は {fork_child_saw!r} で、想定した「実行中の親のコピー」にはなりませんでした。"}),
        Claim("spawn-imports-again",
              {"en": "With spawn the top level ran twice, once in the child, which saw {spawn_child_saw!r}: "
                     "the child imported the script afresh.",
               "ja": "spawn ではトップレベルが 2 回（1 回は子の中で）実行され、子は {spawn_child_saw!r} を見ました。子はスクリプトを新しく import し直しました。"},
              spawn_imports, uses=("spawn_top_level_runs", "spawn_child_saw"), sensitive_to=(),
              not_held={"en": "With spawn the child saw {spawn_child_saw!r}: not a fresh import of the script as expected.",
                        "ja": "spawn で子が見た値は {spawn_child_saw!r} で、想定した「スクリプトを新しく import し直す」にはなりませんでした。"}),
        Claim("no-guard-spawn-fails",
              {"en": "Without the guard, the spawned child tried to start its own child and failed "
                     "(exit code {spawn_unguarded_child_exit}, \"bootstrapping phase\" RuntimeError).",
               "ja": "ガードがないと、spawn された子が自分の子を起動しようとして失敗しました（終了コード {spawn_unguarded_child_exit}、起動処理中のプロセス起動を拒む RuntimeError）。"},
              unguarded_spawn_fails, uses=("spawn_unguarded_child_exit", "spawn_unguarded_bootstrap_error"),
              sensitive_to=(),
              not_held={"en": "Without the guard, the spawned child exited with code {spawn_unguarded_child_exit}, without the \"bootstrapping phase\" RuntimeError expected.",
                        "ja": "ガードがないとき、spawn された子の終了コードは {spawn_unguarded_child_exit} で、想定した、起動処理中のプロセス起動を拒む RuntimeError は出ませんでした。"}),
    ),
)
