"""Lab ``pool``: ``multiprocessing.Pool`` maps more tasks than cores; chunksize measured."""

from __future__ import annotations

import math
import multiprocessing

from conclab.curriculum.lessons._parallel import child_spans, ideal_speedup, size_for, start_method
from conclab.curriculum.lessons.pool import example
from conclab.lab import Claim, Lab, LabContext, Measured

TASKS = 8


def run(ctx: LabContext) -> None:
    m = ctx.measured
    workers = ctx.machine.cores
    n = size_for(example.crunch, ctx.pick(0.12, 0.025))
    sizes = [n] * TASKS
    items = range(int(ctx.pick(10_000, 2_000)))
    m.update(tasks=TASKS, workers=workers, ideal=ideal_speedup(workers, TASKS),
             items=len(items), start_method=start_method())
    m["default_chunksize"] = math.ceil(len(items) / (4 * workers))
    with ctx.trace(example, crunch="crunch"):
        with ctx.measure("sequential", label={"ja": "順番に"}):
            expected = example.sequential(sizes)
        with ctx.measure("pool start", label={"ja": "プールの起動"}), multiprocessing.Pool(workers) as pool:
            example.squares(pool, range(4 * workers), 1)  # every worker up and running
            began = ctx.now()
            with ctx.measure("pool", label={"ja": "プール"}):
                got = example.with_pool(pool, sizes)
            with ctx.measure("chunksize 1", label={"ja": "chunksize 1"}):
                one = example.squares(pool, items, 1)
            with ctx.measure("chunksize default", label={"ja": "chunksize 既定値"}):
                chunked = example.squares(pool, items, None)
    m["pool_start_s"] = m.pop("pool start_s") - m["pool_s"] - m["chunksize 1_s"] - m["chunksize default_s"]
    m["chunk1_s"] = m.pop("chunksize 1_s")
    m["chunked_s"] = m.pop("chunksize default_s")
    m["same_results"] = got == expected and one == chunked == [x * x for x in items]
    crunched = child_spans(ctx, "crunch", since=began)
    m["worker_pids"] = sorted({s.pid for s in crunched})
    m["speedup"] = m["sequential_s"] / m["pool_s"]
    m["of_ideal"] = m["speedup"] / m["ideal"]
    m["chunk_gain"] = m["chunk1_s"] / max(m["chunked_s"], 1e-6)
    ctx.table(
        {"en": f"{TASKS} equal tasks on a pool of {workers} ({m['start_method']})",
         "ja": f"同じ大きさのタスク {TASKS} 個を {workers} プロセスのプールで（{m['start_method']}）"},
        [{"en": "way", "ja": "やり方"}, {"en": "took (s)", "ja": "所要（秒）"},
         {"en": "speed-up", "ja": "速度向上"}],
        [[ctx.text({"en": "one after another", "ja": "順番に"}), m["sequential_s"], ctx.text({"en": "{0:.2f}x", "ja": "{0:.2f} 倍"}, 1.0)],
         [ctx.text({"en": "pool.map (ideal {0}x)", "ja": "pool.map（理想は {0} 倍）"}, m["ideal"]),
          m["pool_s"], ctx.text({"en": "{0:.2f}x", "ja": "{0:.2f} 倍"}, m['speedup'])],
         [ctx.text({"en": "starting the pool (not counted above)", "ja": "プールの起動（上の時間には含めない）"}),
          m["pool_start_s"], ""]],
    )
    ctx.table(
        {"en": f"{len(items):,} tiny tasks (x * x)", "ja": f"ごく小さなタスク（x * x）{len(items):,} 個"},
        [{"en": "chunksize", "ja": "chunksize"}, {"en": "messages", "ja": "メッセージ数"},
         {"en": "took (s)", "ja": "所要（秒）"}],
        [["1", f"{len(items):,}", m["chunk1_s"]],
         [ctx.text({"en": "default ({0})", "ja": "既定（{0}）"}, m["default_chunksize"]),
          f"{math.ceil(len(items) / m['default_chunksize']):,}", m["chunked_s"]]],
    )


def near_ideal(m: Measured) -> bool:
    """60% of the ideal: the pool pays for pickling and a busy machine, but must clearly win."""
    return m["of_ideal"] >= 0.6


LAB = Lab(
    id="pool",
    chapter="processes",
    order=2,
    title={"en": "multiprocessing.Pool: more tasks than cores, and chunksize",
           "ja": "multiprocessing.Pool: コア数より多いタスクと chunksize"},
    summary={"en": "A pool maps eight tasks over the cores; chunksize decides how many messages it sends.",
             "ja": "プールが 8 個のタスクをコアに割り振る。chunksize で送るメッセージの数が決まる。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("pool-near-ideal",
              {"en": "pool.map finished the {tasks} tasks {speedup:.2f}x faster than one after another: "
                     "{of_ideal:.0%} of the ideal {ideal}x (min(cores, tasks)).",
               "ja": "pool.map は {tasks} 個のタスクを順番に実行するより {speedup:.2f} 倍速く終えました。理想の {ideal} 倍（min（コア数, タスク数））の {of_ideal:.0%} です。"},
              near_ideal, uses=("sequential_s", "pool_s", "speedup", "ideal", "of_ideal"),
              unmeasured={"en": "On two or more cores pool.map runs the tasks faster than one after another; with one core it cannot, so this was not measured here.",
                          "ja": "コアが 2 個以上あれば、pool.map はタスクを順番に実行するより速く終えます。コアが 1 個ではそうならないので、ここでは計測していません。"},
              requires=("multicore",), sensitive_to=("cores", "load", "timing"),
              not_held={"en": "pool.map ran the {tasks} tasks at {speedup:.2f}x the speed of one after another: {of_ideal:.0%} of the ideal {ideal}x (min(cores, tasks)), short of the 60% this lab expects.",
                        "ja": "pool.map で {tasks} 個のタスクを実行した速さは、順番に実行したときの {speedup:.2f} 倍でした。理想の {ideal} 倍（min（コア数, タスク数））の {of_ideal:.0%} で、このラボが想定する 60% に届きませんでした。"}),
        Claim("same-results",
              {"en": "The pool returned the same results, in the order of the input, as the plain loop.",
               "ja": "プールは、ふつうのループと同じ結果を入力と同じ順番で返しました。"},
              lambda m: m["same_results"] is True, uses=("same_results",), sensitive_to=(),
              not_held={"en": "The pool did not return the same results in the order of the input as the plain loop.",
                        "ja": "プールは、ふつうのループと同じ結果を入力と同じ順番では返しませんでした。"}),
        Claim("chunksize-matters",
              {"en": "{items:,} tiny tasks took {chunk1_s:.3f} s one per message and {chunked_s:.3f} s "
                     "in chunks of {default_chunksize}: {chunk_gain:.0f}x faster.",
               "ja": "ごく小さなタスク {items:,} 個は、1 個ずつ送ると {chunk1_s:.3f} 秒、{default_chunksize} 個ずつまとめると {chunked_s:.3f} 秒でした。{chunk_gain:.0f} 倍速くなりました。"},
              lambda m: m["chunk_gain"] >= 3, uses=("chunk1_s", "chunked_s", "chunk_gain"),
              sensitive_to=("load", "timing"),
              not_held={"en": "{items:,} tiny tasks took {chunk1_s:.3f} s one per message and {chunked_s:.3f} s in chunks of {default_chunksize}: only {chunk_gain:.0f}x, less than the 3x this lab expects.",
                        "ja": "ごく小さなタスク {items:,} 個は、1 個ずつ送ると {chunk1_s:.3f} 秒、{default_chunksize} 個ずつまとめると {chunked_s:.3f} 秒でした。差は {chunk_gain:.0f} 倍で、このラボが想定する 3 倍に届きませんでした。"}),
    ),
)
