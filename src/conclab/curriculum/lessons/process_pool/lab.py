"""Lab ``process-pool``: ``ProcessPoolExecutor`` with ``map``, ``submit`` and ``as_completed``."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

from conclab.curriculum.lessons._parallel import ideal_speedup, size_for, start_method
from conclab.curriculum.lessons.process_pool import example
from conclab.lab import Claim, Lab, LabContext, Measured

TASKS = 8


def run(ctx: LabContext) -> None:
    m = ctx.measured
    workers = ctx.machine.cores
    unit = size_for(example.crunch, ctx.pick(0.1, 0.02))
    sizes = [unit] * TASKS
    jobs = [("long", 4 * unit), ("short", unit), ("medium", 2 * unit)]
    m.update(tasks=TASKS, workers=workers, ideal=ideal_speedup(workers, TASKS),
             submitted=[name for name, _ in jobs], start_method=start_method())
    with ctx.trace(example, crunch="crunch {0:,}", check_size="check_size {0}"):
        with ctx.measure("sequential", label={"ja": "順番に"}):
            expected = [example.crunch(n) for n in sizes]
        with ctx.measure("executor", label={"ja": "ProcessPoolExecutor"}), ProcessPoolExecutor(max_workers=workers) as executor:
            example.with_map(executor, [1] * (2 * workers))  # start every worker first
            with ctx.measure("map", label={"ja": "map"}):
                got = example.with_map(executor, sizes)
            with ctx.measure("as_completed", label={"ja": "as_completed"}):
                m["finished"] = example.first_come_first_served(executor, jobs)
            m["error"] = example.error_through_future(executor, -1)
    m["same_results"] = got == expected
    m["speedup"] = m["sequential_s"] / m["map_s"]
    m["of_ideal"] = m["speedup"] / m["ideal"]
    ctx.table(
        {"en": f"ProcessPoolExecutor(max_workers={workers}), {m['start_method']}",
         "ja": f"ProcessPoolExecutor(max_workers={workers})、{m['start_method']}"},
        [{"en": "what", "ja": "内容"}, {"en": "result", "ja": "結果"}],
        [[ctx.text({"en": "one after another", "ja": "順番に"}), f"{m['sequential_s']:.3f} s"],
         [ctx.text({"en": "executor.map ({0} tasks)", "ja": "executor.map（タスク {0} 個）"}, TASKS),
          ctx.text({"en": "{0:.3f} s, {1:.2f}x (ideal {2}x)", "ja": "{0:.3f} 秒、{1:.2f} 倍（理想は {2} 倍）"},
                   m["map_s"], m["speedup"], m["ideal"])],
         [ctx.text({"en": "submitted", "ja": "投入した順"}), " → ".join(m["submitted"])],
         [ctx.text({"en": "as_completed gave", "ja": "as_completed が返した順"}), " → ".join(m["finished"])],
         [ctx.text({"en": "future.result() raised", "ja": "future.result() が送出した例外"}), str(m["error"])]],
    )


def near_ideal(m: Measured) -> bool:
    """60% of the ideal: pickling and a busy machine cost something, no speed-up fails."""
    return m["of_ideal"] >= 0.6


LAB = Lab(
    id="process-pool",
    chapter="processes",
    order=3,
    title={"en": "concurrent.futures.ProcessPoolExecutor: map, submit, as_completed",
           "ja": "concurrent.futures.ProcessPoolExecutor: map、submit、as_completed"},
    summary={"en": "The pool again through futures: results in order, as they finish, and errors.",
             "ja": "Future を通してもう一度プールを使う: 入力順の結果、終わった順の結果、そして例外。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("map-near-ideal",
              {"en": "executor.map ran the {tasks} tasks {speedup:.2f}x faster than one after another "
                     "({of_ideal:.0%} of the ideal {ideal}x).",
               "ja": "executor.map は {tasks} 個のタスクを順番に実行するより {speedup:.2f} 倍速く終えました（理想の {ideal} 倍の {of_ideal:.0%}）。"},
              near_ideal, uses=("sequential_s", "map_s", "speedup", "ideal", "of_ideal"),
              unmeasured={"en": "On two or more cores executor.map runs the tasks faster than one after another; with one core it cannot, so this was not measured here.",
                          "ja": "コアが 2 個以上あれば、executor.map はタスクを順番に実行するより速く終えます。コアが 1 個ではそうならないので、ここでは計測していません。"},
              requires=("multicore",), sensitive_to=("cores", "load", "timing"),
              not_held={"en": "executor.map ran the {tasks} tasks at {speedup:.2f}x the speed of one after another ({of_ideal:.0%} of the ideal {ideal}x, short of the 60% this lab expects).",
                        "ja": "executor.map で {tasks} 個のタスクを実行した速さは、順番に実行したときの {speedup:.2f} 倍でした。理想の {ideal} 倍の {of_ideal:.0%} で、このラボが想定する 60% に届きませんでした。"}),
        Claim("map-in-order",
              {"en": "executor.map returned the results in the order of the input.",
               "ja": "executor.map は入力と同じ順番で結果を返しました。"},
              lambda m: m["same_results"] is True, uses=("same_results",), sensitive_to=(),
              not_held={"en": "executor.map did not return the results in the order of the input.",
                        "ja": "executor.map は入力と同じ順番では結果を返しませんでした。"}),
        Claim("as-completed-finish-order",
              {"en": "as_completed handed back the short job first, although the long one was submitted first.",
               "ja": "as_completed は、先に投入した長いジョブではなく、短いジョブを最初に返しました。"},
              lambda m: m["finished"][0] == "short" and m["finished"][-1] == "long",
              uses=("submitted", "finished"), unmeasured={"en": "With two or more workers, as_completed hands back the short job first; with one core the single worker runs the jobs in the order submitted, so this was not measured here.",
                          "ja": "ワーカーが 2 個以上あれば、as_completed は短いジョブを先に返します。コアが 1 個だとワーカー 1 個が投入順に実行するので、ここでは計測していません。"},
              requires=("multicore",),
              sensitive_to=("cores", "load", "timing"),
              not_held={"en": "as_completed did not hand back the short job first and the long one last on this run.",
                        "ja": "今回の実行では、as_completed は短いジョブを最初に、長いジョブを最後に返しませんでした。"}),
        Claim("exception-through-future",
              {"en": "The ValueError raised in the worker was raised again by future.result() in the parent.",
               "ja": "ワーカーで発生した ValueError が、親プロセスの future.result() でもう一度送出されました。"},
              lambda m: str(m["error"]).startswith("ValueError: size must not be negative"),
              uses=("error",), sensitive_to=(),
              not_held={"en": "future.result() in the parent did not raise the worker's ValueError.",
                        "ja": "親プロセスの future.result() は、ワーカーで発生した ValueError を送出しませんでした。"}),
    ),
)
