"""Lab ``concepts``: the machine's facts, and one tiny demonstration of each key idea."""

from __future__ import annotations

import time

from conclab.curriculum.lessons.concepts import example
from conclab.lab import Claim, Lab, LabContext, Measured


def calibrate(seconds: float) -> int:
    """How many ``count`` iterations take about ``seconds`` on this machine."""
    n = 20_000
    while True:
        start = time.perf_counter()
        example.count(n)
        took = time.perf_counter() - start
        if took > 0.02:
            return max(1, int(n * seconds / took))
        n *= 4


def run(ctx: LabContext) -> None:
    m = ctx.measured
    facts = ctx.machine
    ctx.table(
        {"en": "This machine", "ja": "このマシン"},
        [{"en": "fact", "ja": "項目"}, {"en": "value", "ja": "値"}],
        [["Python", f"{facts.implementation} {facts.python_version}"],
         [ctx.text({"en": "GIL", "ja": "GIL"}),
          ctx.text({"en": "on", "ja": "有効"} if facts.gil_enabled else {"en": "off", "ja": "無効"})],
         [ctx.text({"en": "usable cores", "ja": "使えるコア数"}), facts.cores],
         [ctx.text({"en": "process start method", "ja": "プロセスの起動方式"}), facts.start_method]],
    )
    m["cores"] = facts.cores

    wait_s = ctx.pick(0.3, 0.05)
    m["wait_s"] = wait_s
    with ctx.trace(example, "thread_changes_list", "process_changes_list", "visit",
                   wait={"en": "wait {0}s", "ja": "wait {0} 秒"}, count="count"):
        # 1. Memory: shared by threads, separate in processes.
        m["after_thread"] = example.thread_changes_list()
        m["after_process"] = example.process_changes_list()

        # 2. Concurrency: two waits overlap.
        with ctx.measure("two_waits", label={"ja": "2 つの待ちを同時に"}):
            example.two_waits_in_threads(wait_s)

        # 3. Parallelism: CPU work in threads (GIL) and in processes.
        n = calibrate(ctx.pick(0.25, 0.05))
        with ctx.measure("one_count", label={"ja": "1 回数える"}):
            example.count(n)
        with ctx.measure("two_counts_threads", label={"ja": "スレッド 2 本で数える"}):
            example.two_counts_in_threads(n)
        with ctx.measure("two_counts_processes", label={"ja": "プロセス 2 つで数える"}):
            example.two_counts_in_processes(n)
    m["threads_vs_one"] = m["two_counts_threads_s"] / m["one_count_s"]
    m["processes_vs_one"] = m["two_counts_processes_s"] / m["one_count_s"]
    ctx.table(
        {"en": "Two tasks at once", "ja": "2 つの処理を同時に"},
        [{"en": "what", "ja": "内容"}, {"en": "took (s)", "ja": "所要（秒）"},
         {"en": "one task alone (s)", "ja": "1 つだけなら（秒）"}],
        [[ctx.text({"en": "two waits, two threads", "ja": "待ち 2 つ、スレッド 2 本"}),
          m["two_waits_s"], wait_s],
         [ctx.text({"en": "two counts, two threads", "ja": "計算 2 つ、スレッド 2 本"}),
          m["two_counts_threads_s"], m["one_count_s"]],
         [ctx.text({"en": "two counts, two processes", "ja": "計算 2 つ、プロセス 2 個"}),
          m["two_counts_processes_s"], m["one_count_s"]]],
    )


def waits_overlap(m: Measured) -> bool:
    return m["two_waits_s"] <= 1.5 * m["wait_s"] + 0.05


LAB = Lab(
    id="concepts",
    chapter="concepts",
    order=1,
    title={"en": "Concurrency, parallelism, processes, threads and the GIL",
           "ja": "並行と並列、プロセスとスレッド、そして GIL"},
    summary={"en": "This machine's facts and one tiny demonstration of each idea.",
             "ja": "このマシンの情報と、それぞれの考え方を確かめる小さな実験。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("threads-share-memory",
              {"en": "A thread's change to a global list is seen by the main thread: {after_thread}.",
               "ja": "スレッドがグローバルなリストに加えた変更は、メインスレッドからも見えます: {after_thread}"},
              lambda m: m["after_thread"] == ["thread"], uses=("after_thread",), sensitive_to=(),
              not_held={"en": "The main thread saw the global list as {after_thread}, not with the thread's change.",
                        "ja": "メインスレッドから見たグローバルなリストは {after_thread} で、スレッドの変更が見えませんでした。"}),
        Claim("processes-own-memory",
              {"en": "A child process changed only its own copy: the parent's list is still {after_process}.",
               "ja": "子プロセスが変更したのは自分のコピーだけで、親のリストは {after_process} のままでした。"},
              lambda m: m["after_process"] == [], uses=("after_process",), sensitive_to=(),
              not_held={"en": "After the child process ran, the parent's list was {after_process}: the child's change reached the parent, which a separate process should not do.",
                        "ja": "子プロセスの実行後、親のリストは {after_process} でした。別のプロセスの変更が親に届いており、想定とは違います。"}),
        Claim("waits-overlap",
              {"en": "Two {wait_s:.2f} s waits in two threads took {two_waits_s:.2f} s: they overlapped (concurrency).",
               "ja": "{wait_s:.2f} 秒の待ちを 2 つスレッドで実行すると {two_waits_s:.2f} 秒でした。待ちが重なりました（並行処理）。"},
              waits_overlap, uses=("two_waits_s", "wait_s"),
              not_held={"en": "Two {wait_s:.2f} s waits in two threads took {two_waits_s:.2f} s: more than one wait, so they did not overlap as expected.",
                        "ja": "{wait_s:.2f} 秒の待ちを 2 つスレッドで実行すると {two_waits_s:.2f} 秒でした。待ち 1 回分より長く、想定どおりには重なりませんでした。"}),
        Claim("gil-serialises-threads",
              {"en": "Two CPU-bound counts in two threads took {threads_vs_one:.2f}x one count: the GIL let one run at a time.",
               "ja": "CPU を使う計算 2 つをスレッドで実行すると、1 つ分の {threads_vs_one:.2f} 倍かかりました。GIL のため、同時には 1 つしか動きません。"},
              lambda m: m["threads_vs_one"] >= 1.6, uses=("threads_vs_one",), unmeasured={"en": "With the GIL on, two CPU-bound counts in two threads take about twice one count; this build has no GIL, so it was not measured here.",
                          "ja": "GIL が有効なら、CPU バウンドなカウント 2 つをスレッド 2 本で動かすと、1 つ分の約 2 倍の時間がかかります。この環境には GIL がないので、ここでは計測していません。"},
              requires=("gil",),
              sensitive_to=("gil", "load", "timing"),
              not_held={"en": "Two CPU-bound counts in two threads took only {threads_vs_one:.2f}x one count: less than the about twice the GIL should cause.",
                        "ja": "CPU を使う計算 2 つをスレッドで実行すると、1 つ分の {threads_vs_one:.2f} 倍でした。GIL から想定される約 2 倍より短くなりました。"}),
        Claim("processes-run-in-parallel",
              {"en": "In two processes they took {processes_vs_one:.2f}x one count: both ran at the same instant (parallelism).",
               "ja": "プロセス 2 つでは 1 つ分の {processes_vs_one:.2f} 倍で済みました。2 つが同時に動きました（並列処理）。"},
              lambda m: m["processes_vs_one"] <= 1.5, uses=("processes_vs_one",), unmeasured={"en": "On two or more cores, two counts in two processes take about as long as one; with one core they cannot run in parallel, so this was not measured here.",
                          "ja": "コアが 2 個以上あれば、カウント 2 つをプロセス 2 個で動かすと 1 つ分とほぼ同じ時間で終わります。コアが 1 個では並列に動けないので、ここでは計測していません。"},
              requires=("multicore",),
              sensitive_to=("cores", "load", "timing"),
              not_held={"en": "In two processes they took {processes_vs_one:.2f}x one count: not about one count, so the two did not run fully side by side here.",
                        "ja": "プロセス 2 つでは 1 つ分の {processes_vs_one:.2f} 倍かかりました。1 つ分に近くはならず、今回は 2 つが十分に並んで動けませんでした。"}),
    ),
)
