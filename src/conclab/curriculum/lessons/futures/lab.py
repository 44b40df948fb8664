"""Lab ``futures``: ``ThreadPoolExecutor`` with submit, map and as_completed; errors; pool sizes.

The unconsumed-``map`` demonstration is measured from the spans: every
``save`` call is counted, so the lab can say "all rows ran, one raised, and
no error reached the caller" rather than merely assert it.
"""

from __future__ import annotations

import math

from conclab.curriculum.lessons.futures import example
from conclab.lab import Claim, Lab, LabContext, Measured

SIZES = (1, 2, 4, 8)
ERROR = "caught: row 13 is malformed"


def run(ctx: LabContext) -> None:
    scale = ctx.pick(1.0, 0.3)
    jobs = [(name, seconds * scale) for name, seconds in example.JOBS]
    count, wait = 8, ctx.pick(0.1, 0.02)
    rows = list(range(20))
    m = ctx.measured
    m.update(longest_s=max(s for _, s in jobs), sum_s=sum(s for _, s in jobs), rows=len(rows),
             jobs=count, wait_s=wait,
             finish_order=[f"{name} done" for name, _ in sorted(jobs, key=lambda job: job[1])],
             input_order=[f"{name} done" for name, _ in jobs])
    with ctx.trace(example, fetch="fetch {0}", save="save {0}"):
        for way, func in (("submit", example.with_submit), ("map", example.with_map),
                          ("as_completed", example.with_as_completed)):
            with ctx.measure(way, label={"ja": way}):  # the executor's method: code
                m[f"{way}_results"] = func(jobs)
        with ctx.measure("errors", label={"ja": "例外"}):
            m["future_error"] = example.error_through_future()
            m["unconsumed"] = example.map_unconsumed(rows)
            m["consumed"] = example.map_consumed(rows)
        for workers in SIZES:
            with ctx.measure(f"pool{workers}", label={"ja": f"ワーカー {workers} 本"}):
                example.run_pool(workers, count, wait)
            m[f"pool{workers}_ideal_s"] = math.ceil(count / workers) * wait
    spans = ctx.recorder.spans()
    m["unconsumed_saves"] = sum(1 for s in spans if s.name.startswith("save ") and s.lane.startswith("lost"))
    m["pool_lanes"] = {workers: len({s.lane for s in spans if s.lane.startswith(f"size{workers}_")})
                       for workers in SIZES}
    ctx.table(
        {"en": "Three jobs: " + ", ".join(f"{n} {s:.2f} s" for n, s in jobs),
         "ja": "3 つの仕事: " + "、".join(f"{n} {s:.2f} 秒" for n, s in jobs)},
        [{"en": "way", "ja": "やり方"}, {"en": "took (s)", "ja": "所要（秒）"},
         {"en": "results, in the order received", "ja": "受け取った順の結果"}],
        [[way, m[f"{way}_s"], ", ".join(m[f"{way}_results"])] for way in ("submit", "map", "as_completed")],
    )
    ctx.table(
        {"en": f"{count} waits of {wait:.2f} s on pools of different sizes",
         "ja": f"{wait:.2f} 秒の待ちを {count} 個、大きさの違うプールで"},
        [{"en": "threads", "ja": "スレッド数"}, {"en": "took (s)", "ja": "所要（秒）"},
         {"en": "rounds x wait (s)", "ja": "回数 × 待ち（秒）"}],
        [[w, m[f"pool{w}_s"], m[f"pool{w}_ideal_s"]] for w in SIZES],
    )


def _about(value: float, target: float) -> bool:
    return 0.95 * target <= value <= 1.5 * target + 0.05


def ordered_results(m: Measured) -> bool:
    return (m["submit_results"] == m["input_order"] == m["map_results"]
            and _about(m["submit_s"], m["longest_s"]) and _about(m["map_s"], m["longest_s"]))


def unconsumed_map_hides(m: Measured) -> bool:
    return (m["unconsumed"] == "no error seen" and m["unconsumed_saves"] == m["rows"]
            and m["consumed"] == ERROR)


def pool_size_sets_rounds(m: Measured) -> bool:
    return all(_about(m[f"pool{w}_s"], m[f"pool{w}_ideal_s"]) for w in SIZES)


LAB = Lab(
    id="futures",
    chapter="threads-io",
    order=2,
    title={"en": "concurrent.futures: submit, map, as_completed", "ja": "concurrent.futures: submit、map、as_completed"},
    summary={"en": "A thread pool returns futures that carry results and errors; an unread map hides an error.",
             "ja": "スレッドプールは結果も例外も運ぶ Future を返す。読まれない map は例外を隠す。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("submit-and-map-keep-order",
              {"en": "submit and map returned the results in input order ({input_order}) after about the longest "
                     "job ({submit_s:.2f} s and {map_s:.2f} s; longest {longest_s:.2f} s).",
               "ja": "submit と map は結果を入力の順（{input_order}）に返し、かかった時間はいちばん長い仕事とほぼ同じでした（{submit_s:.2f} 秒と {map_s:.2f} 秒、最長 {longest_s:.2f} 秒）。"},
              ordered_results, uses=("submit_s", "map_s", "longest_s", "submit_results", "map_results"),
              not_held={"en": "submit and map took {submit_s:.2f} s and {map_s:.2f} s (longest job {longest_s:.2f} s): not both in input order ({input_order}) after about the longest job.",
                        "ja": "submit と map は {submit_s:.2f} 秒と {map_s:.2f} 秒でした（最長の仕事は {longest_s:.2f} 秒）。「入力の順（{input_order}）で、最長の仕事とほぼ同じ時間」にはなりませんでした。"}),
        Claim("as-completed-fastest-first",
              {"en": "as_completed handed back results as they finished, fastest first: {as_completed_results}.",
               "ja": "as_completed は終わった順、つまり速いものから結果を返しました: {as_completed_results}。"},
              lambda m: m["as_completed_results"] == m["finish_order"],
              uses=("as_completed_results", "finish_order"),
              not_held={"en": "as_completed handed back {as_completed_results}: not in the order the jobs finished.",
                        "ja": "as_completed が返した順は {as_completed_results} で、仕事が終わった順ではありませんでした。"}),
        Claim("exception-through-future",
              {"en": "An exception raised in a pool thread was re-raised by future.result() in the caller "
                     "({future_error}).",
               "ja": "プールのスレッドで発生した例外は、呼び出し側の future.result() で送出し直されました（{future_error}）。"},
              lambda m: m["future_error"] == ERROR, uses=("future_error",), sensitive_to=(),
              not_held={"en": "future.result() in the caller gave {future_error}, not the exception raised in the pool thread.",
                        "ja": "呼び出し側の future.result() の結果は {future_error} で、プールのスレッドで発生した例外ではありませんでした。"}),
        Claim("unconsumed-map-hides-error",
              {"en": "pool.map with its results never read ran all {unconsumed_saves} saves, row 13 raised, and the "
                     "caller saw nothing; reading the results raised it ({consumed}).",
               "ja": "結果を読まない pool.map は {unconsumed_saves} 件の save をすべて実行し、13 行目で例外が起きたのに、呼び出し側は何も気づきませんでした。結果を読むと例外が出ました（{consumed}）。"},
              unconsumed_map_hides, uses=("unconsumed", "unconsumed_saves", "consumed"), sensitive_to=(),
              not_held={"en": "pool.map with its results never read ran {unconsumed_saves} saves, and reading the results gave {consumed}: not the hidden error this lab expects.",
                        "ja": "結果を読まない pool.map は {unconsumed_saves} 件の save を実行し、結果を読むと {consumed} でした。このラボが想定する「例外が隠れる」にはなりませんでした。"}),
        Claim("pool-size-sets-rounds",
              {"en": "{jobs} waits of {wait_s:.2f} s took {pool1_s:.2f} s on 1 thread, {pool2_s:.2f} s on 2, "
                     "{pool4_s:.2f} s on 4 and {pool8_s:.2f} s on 8: one round of waits per pool-full.",
               "ja": "{wait_s:.2f} 秒の待ち {jobs} 個は、スレッド 1 本で {pool1_s:.2f} 秒、2 本で {pool2_s:.2f} 秒、4 本で {pool4_s:.2f} 秒、8 本で {pool8_s:.2f} 秒でした。プールが一杯になるたびに待ちが一巡します。"},
              pool_size_sets_rounds, uses=tuple(f"pool{w}_s" for w in SIZES) + ("wait_s",),
              not_held={"en": "{jobs} waits of {wait_s:.2f} s took {pool1_s:.2f} s on 1 thread, {pool2_s:.2f} s on 2, {pool4_s:.2f} s on 4 and {pool8_s:.2f} s on 8: not one round of waits per pool-full at every size.",
                        "ja": "{wait_s:.2f} 秒の待ち {jobs} 個は、スレッド 1 本で {pool1_s:.2f} 秒、2 本で {pool2_s:.2f} 秒、4 本で {pool4_s:.2f} 秒、8 本で {pool8_s:.2f} 秒でした。どの大きさでも「プールが一杯になるたびに待ちが一巡する」とはなりませんでした。"}),
    ),
)
