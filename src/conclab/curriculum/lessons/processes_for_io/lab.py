"""Lab ``processes-for-io``: a process pool on an I/O-bound job costs more than a thread pool."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import psutil

from conclab.curriculum.lessons._parallel import start_method
from conclab.curriculum.lessons.processes_for_io import example
from conclab.lab import Claim, Lab, LabContext, Measured

MB = 1024 * 1024


@contextlib.contextmanager
def sampling_children(peaks: dict[int, int], every: float = 0.01) -> Iterator[None]:
    """Poll this process's children while the block runs; keep each one's peak USS in ``peaks``.

    USS (unique set size) is the memory a process would give back if it ended:
    pages shared with the parent (fork's copy-on-write) do not count.
    """
    me = psutil.Process()
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            for child in me.children():
                try:
                    if "resource_tracker" in " ".join(child.cmdline()):
                        continue
                    uss = child.memory_full_info().uss
                except (psutil.Error, OSError):
                    continue
                peaks[child.pid] = max(peaks.get(child.pid, 0), uss)
            done.wait(every)

    sampler = threading.Thread(target=poll, name="memory-sampler", daemon=True)
    sampler.start()
    try:
        yield
    finally:
        done.set()
        sampler.join()


def run(ctx: LabContext) -> None:
    m = ctx.measured
    tasks = int(ctx.pick(example.TASKS, 4))
    wait = ctx.pick(example.WAIT, 0.05)
    size = example.BODY
    m.update(tasks=tasks, wait_s=wait, body_mb=size / MB, start_method=start_method())
    with ctx.trace(example, download="download {0}"):
        with ctx.measure("threads", label={"ja": "スレッド"}):
            threads_total = example.with_threads(tasks, wait, size)
        peaks: dict[int, int] = {}
        with sampling_children(peaks), ctx.measure("processes", label={"ja": "プロセス"}):
            processes_total = example.with_processes(tasks, wait, size)
    m["same_bytes"] = threads_total == processes_total == tasks * size
    m["extra_s"] = m["processes_s"] - m["threads_s"]
    m["slowdown"] = m["processes_s"] / m["threads_s"]
    m["workers_seen"] = len(peaks)
    m["uss_mb"] = (sum(peaks.values()) / len(peaks) / MB) if peaks else 0.0
    m["uss_total_mb"] = sum(peaks.values()) / MB
    ctx.table(
        {"en": f"{tasks} downloads: wait {wait:.2f} s, then return {size / MB:.1f} MB",
         "ja": f"ダウンロード {tasks} 件: {wait:.2f} 秒待って {size / MB:.1f} MB を返す"},
        [{"en": "way", "ja": "やり方"}, {"en": "took (s)", "ja": "所要（秒）"},
         {"en": "memory of its own", "ja": "専有メモリ"}],
        [[ctx.text({"en": "thread pool of {0}", "ja": "スレッドプール（{0} 本）"}, tasks), m["threads_s"],
          ctx.text({"en": "one process, shared", "ja": "1 プロセスを共有"})],
         [ctx.text({"en": "process pool of {0} ({1})", "ja": "プロセスプール（{0} 個、{1}）"}, tasks,
                   m["start_method"]), m["processes_s"],
          ctx.text({"en": "{0:.1f} MB each, {1:.1f} MB in all", "ja": "1 個あたり {0:.1f} MB、合計 {1:.1f} MB"},
                   m["uss_mb"], m["uss_total_mb"])]],
    )


def threads_is_wait(m: Measured) -> bool:
    return m["threads_s"] <= 1.5 * m["wait_s"] + 0.1


def processes_cost_more(m: Measured) -> bool:
    """At least 10% slower: start-up and pickling cost real time, whatever the start method."""
    return m["processes_s"] >= 1.1 * m["threads_s"]


LAB = Lab(
    id="processes-for-io",
    chapter="processes",
    order=6,
    title={"en": "Processes for I/O: more cost, no gain",
           "ja": "I/O にプロセスを使う: コストが増えるだけ"},
    summary={"en": "Waiting needs no core: a process pool only adds start-up, pickling and memory.",
             "ja": "待ちにコアは要らない。プロセスプールは起動、pickle、メモリのコストを増やすだけ。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("threads-enough",
              {"en": "The thread pool finished in {threads_s:.2f} s: about one wait ({wait_s:.2f} s).",
               "ja": "スレッドプールは {threads_s:.2f} 秒で終わりました。待ち時間 1 回分（{wait_s:.2f} 秒）とほぼ同じです。"},
              threads_is_wait, uses=("threads_s", "wait_s"),
              not_held={"en": "The thread pool took {threads_s:.2f} s: more than about one wait ({wait_s:.2f} s).",
                        "ja": "スレッドプールは {threads_s:.2f} 秒かかりました。待ち時間 1 回分（{wait_s:.2f} 秒）より長くなりました。"}),
        Claim("processes-cost-more",
              {"en": "The process pool took {processes_s:.2f} s, {extra_s:.2f} s more ({slowdown:.1f}x): "
                     "starting workers and pickling the bodies back.",
               "ja": "プロセスプールは {processes_s:.2f} 秒かかり、{extra_s:.2f} 秒余計でした（{slowdown:.1f} 倍）。ワーカーの起動と、結果を pickle 化して送り返すコストです。"},
              processes_cost_more, uses=("processes_s", "threads_s", "extra_s", "slowdown"),
              not_held={"en": "The process pool took {processes_s:.2f} s ({slowdown:.1f}x the threads): not the clear extra cost this lab expects.",
                        "ja": "プロセスプールは {processes_s:.2f} 秒（スレッドの {slowdown:.1f} 倍）でした。このラボが想定するほどの余計なコストは見えませんでした。"}),
        Claim("memory-per-process",
              {"en": "Each worker process held {uss_mb:.1f} MB of memory of its own (USS), "
                     "{uss_total_mb:.1f} MB for {workers_seen} workers; threads share one process.",
               "ja": "ワーカープロセスはそれぞれ {uss_mb:.1f} MB の専有メモリ（USS）を使い、{workers_seen} 個で合計 {uss_total_mb:.1f} MB でした。スレッドは 1 つのプロセスを共有します。"},
              lambda m: m["workers_seen"] >= 1 and m["uss_mb"] >= 1.0,
              uses=("uss_mb", "uss_total_mb", "workers_seen"), sensitive_to=("timing",),
              not_held={"en": "The worker processes' own memory (USS) could not be measured here ({uss_mb:.1f} MB, {workers_seen} workers seen).",
                        "ja": "ワーカープロセスの専有メモリ（USS）は、ここでは計測できませんでした（{uss_mb:.1f} MB、確認できたワーカー {workers_seen} 個）。"}),
        Claim("same-bytes",
              {"en": "Both ways received the same bytes.", "ja": "どちらの方法でも同じバイト列を受け取りました。"},
              lambda m: m["same_bytes"] is True, uses=("same_bytes",), sensitive_to=(),
              not_held={"en": "The two ways received different bytes.",
                        "ja": "2 つの方法で受け取ったバイト列が違いました。"}),
    ),
)
