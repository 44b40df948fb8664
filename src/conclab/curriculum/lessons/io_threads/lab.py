"""Lab ``io-threads``: three simulated I/O tasks, one after another and in threads."""

from __future__ import annotations

from conclab.curriculum.lessons.io_threads import example
from conclab.lab import Claim, Lab, LabContext, Measured


def run(ctx: LabContext) -> None:
    scale = ctx.pick(1.0, 0.1)
    tasks = [(name, seconds * scale) for name, seconds in example.TASKS]
    ctx.measured["sum_s"] = sum(seconds for _, seconds in tasks)
    ctx.measured["longest_s"] = max(seconds for _, seconds in tasks)
    with ctx.trace(example, download="download {0}"):
        with ctx.measure("sequential", label={"ja": "順番に"}):
            example.sequential(tasks)
        with ctx.measure("threads", label={"ja": "スレッド"}):
            example.with_threads(tasks)
    m = ctx.measured
    m["speedup"] = m["sequential_s"] / m["threads_s"]
    ctx.table(
        {"en": "Three waits of {}".format(", ".join(f"{s:.2f} s" for _, s in tasks)),
         "ja": "{} の待ちを 3 つ".format("、".join(f"{s:.2f} 秒" for _, s in tasks))},
        [{"en": "way", "ja": "やり方"}, {"en": "took (s)", "ja": "所要（秒）"},
         {"en": "compared with", "ja": "比べる値"}],
        [[ctx.text({"en": "one after another", "ja": "順番に"}), m["sequential_s"],
          ctx.text({"en": "sum {0:.2f} s", "ja": "合計 {0:.2f} 秒"}, m["sum_s"])],
         [ctx.text({"en": "three threads", "ja": "スレッド 3 本"}), m["threads_s"],
          ctx.text({"en": "longest {0:.2f} s", "ja": "最長 {0:.2f} 秒"}, m["longest_s"])]],
    )


def sequential_is_sum(m: Measured) -> bool:
    return 0.95 * m["sum_s"] <= m["sequential_s"] <= 1.5 * m["sum_s"] + 0.05


def threads_is_longest(m: Measured) -> bool:
    upper = min(1.5 * m["longest_s"] + 0.05, (m["longest_s"] + m["sum_s"]) / 2)
    return 0.95 * m["longest_s"] <= m["threads_s"] <= upper


LAB = Lab(
    id="io-threads",
    chapter="threads-io",
    order=1,
    title={"en": "Threads for waiting: three simulated downloads",
           "ja": "待ち時間にはスレッド: 3 つのダウンロードを模擬する"},
    summary={"en": "Three I/O waits take their sum one after another, the longest in threads.",
             "ja": "3 つの I/O 待ちは、順番なら合計、スレッドなら最長の分だけかかる。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("sequential-is-sum",
              {"en": "One after another, the waits took {sequential_s:.2f} s: about their sum ({sum_s:.2f} s).",
               "ja": "順番に実行すると {sequential_s:.2f} 秒かかりました。待ち時間の合計（{sum_s:.2f} 秒）とほぼ同じです。"},
              sequential_is_sum, uses=("sequential_s", "sum_s"),
              not_held={"en": "One after another, the waits took {sequential_s:.2f} s: not about their sum ({sum_s:.2f} s).",
                        "ja": "順番に実行すると {sequential_s:.2f} 秒でした。待ち時間の合計（{sum_s:.2f} 秒）からは外れました。"}),
        Claim("threads-is-longest",
              {"en": "In threads they took {threads_s:.2f} s: about the longest wait ({longest_s:.2f} s), not the sum.",
               "ja": "スレッドでは {threads_s:.2f} 秒で済みました。合計ではなく、最も長い待ち時間（{longest_s:.2f} 秒）とほぼ同じです。"},
              threads_is_longest, uses=("threads_s", "longest_s", "sum_s"),
              not_held={"en": "In threads they took {threads_s:.2f} s: not about the longest wait ({longest_s:.2f} s).",
                        "ja": "スレッドでは {threads_s:.2f} 秒でした。最も長い待ち時間（{longest_s:.2f} 秒）からは外れました。"}),
        Claim("threads-faster",
              {"en": "Threads finished {speedup:.1f}x faster than running one after another.",
               "ja": "スレッドは順番に実行するより {speedup:.1f} 倍速く終わりました。"},
              lambda m: m["speedup"] >= 1.5, uses=("speedup",),
              not_held={"en": "Threads ran at {speedup:.1f}x the speed of running one after another: less than the 1.5x this lab expects.",
                        "ja": "スレッドの速さは順番に実行したときの {speedup:.1f} 倍でした。このラボが想定する 1.5 倍に届きませんでした。"}),
    ),
)
