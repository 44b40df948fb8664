"""Lab ``task-granularity``: the cost of a task on a Pool and on Dask, and the chunk size that hides it."""

from __future__ import annotations

import contextlib
from concurrent.futures import ProcessPoolExecutor

from conclab.curriculum.lessons._dask import (
    add_spans,
    limit_for,
    load_example,
    quiet_dask,
    scheduler_address,
    task_spans,
    wall_offset,
    worker_names,
)
from conclab.lab import Claim, Lab, LabContext, Measured

#: Dask within this factor of the pool counts as "no longer losing".
CLOSE = 1.25
EXAMPLE = "conclab.curriculum.lessons.task_granularity.example"


def run(ctx: LabContext) -> None:
    example = load_example(EXAMPLE)
    from dask.distributed import get_task_stream

    m = ctx.measured
    quiet_dask()
    workers = ctx.machine.cores
    address = scheduler_address()
    empty = int(ctx.pick(100, 60))
    sweep = [4, 32, 160] if not ctx.quick else [4, 64]
    limit = limit_for(example.count_primes, ctx.pick(0.5, 0.15))
    m.update(empty_tasks=empty, limit=limit, sweep=sweep, workers=workers,
             cluster="embedded" if address is None else address)
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(ProcessPoolExecutor(workers))
        target = address or stack.enter_context(example.start_cluster(workers))
        client = stack.enter_context(example.Client(target))
        example.empty_tasks_on_pool(pool, 2 * workers)
        example.empty_tasks_on_dask(client, 2 * workers)
        example.count_in_parts_on_dask(client, 100, workers)
        with ctx.measure("empty tasks on the pool", label={"ja": "空のタスクをプールで"}):
            example.empty_tasks_on_pool(pool, empty)
        with ctx.measure("empty tasks on Dask", label={"ja": "空のタスクを Dask で"}):
            example.empty_tasks_on_dask(client, empty)
        lanes, offset = worker_names(client), wall_offset(ctx)
        with get_task_stream(client) as stream:
            for parts in sweep:
                with ctx.measure(f"pool, {parts} parts", label={"ja": f"プール、{parts} 分割"}):
                    m[f"pool_{parts}_count"] = example.count_in_parts_on_pool(pool, limit, parts)
                with ctx.measure(f"Dask, {parts} parts", label={"ja": f"Dask、{parts} 分割"}):
                    m[f"dask_{parts}_count"] = example.count_in_parts_on_dask(client, limit, parts)
        add_spans(ctx, task_spans(stream.data, lanes, offset))
    with ctx.measure("sequential", label={"ja": "順番に"}):
        m["expected"] = example.count_primes((1, limit + 1))
    _derive(m)
    _table(ctx, m)


def _derive(m: dict) -> None:
    """Per-task costs, each part's length, and the smallest part at which Dask stops losing."""
    sweep = m["sweep"]
    m["pool_task_ms"] = 1000 * m.pop("empty tasks on the pool_s") / m["empty_tasks"]
    m["dask_task_ms"] = 1000 * m.pop("empty tasks on Dask_s") / m["empty_tasks"]
    m["task_ratio"] = m["dask_task_ms"] / max(m["pool_task_ms"], 1e-6)
    for parts in sweep:
        m[f"pool_{parts}_s"] = m.pop(f"pool, {parts} parts_s")
        m[f"dask_{parts}_s"] = m.pop(f"Dask, {parts} parts_s")
    few, many = sweep[0], sweep[-1]
    m.update(few=few, many=many, dask_few_s=m[f"dask_{few}_s"], dask_many_s=m[f"dask_{many}_s"],
             pool_few_s=m[f"pool_{few}_s"], pool_many_s=m[f"pool_{many}_s"])
    m["many_ratio"] = m["dask_many_s"] / max(m["dask_few_s"], 1e-6)
    m["few_vs_pool"] = m["dask_few_s"] / max(m["pool_few_s"], 1e-6)
    m["same_counts"] = all(m[f"{way}_{parts}_count"] == m["expected"]
                           for way in ("pool", "dask") for parts in sweep)
    close = [parts for parts in sweep if m[f"dask_{parts}_s"] <= CLOSE * m[f"pool_{parts}_s"]]
    m["break_even_ms"] = 1000 * m["sequential_s"] / max(close) if close else None


def _table(ctx: LabContext, m: Measured) -> None:
    ctx.table(
        {"en": f"{m['empty_tasks']} empty tasks: the cost of a task alone",
         "ja": f"空のタスク {m['empty_tasks']} 個: タスク 1 個にかかるコストだけ"},
        [{"en": "on", "ja": "実行先"}, {"en": "per task (ms)", "ja": "1 個あたり（ミリ秒）"}],
        [[ctx.text({"en": "process pool", "ja": "プロセスプール"}), f"{m['pool_task_ms']:.2f}"],
         ["Dask", f"{m['dask_task_ms']:.2f}"]],
    )
    rows = []
    for parts in m["sweep"]:
        chunk_ms = 1000 * m["sequential_s"] / parts
        ratio = m[f"dask_{parts}_s"] / max(m[f"pool_{parts}_s"], 1e-6)
        rows.append([f"{parts}", f"{chunk_ms:.1f}", m[f"pool_{parts}_s"], m[f"dask_{parts}_s"], ctx.text({"en": "{0:.2f}x", "ja": "{0:.2f} 倍"}, ratio)])
    ctx.table(
        {"en": f"Primes up to {m['limit']:,} ({m['sequential_s']:.2f} s one after another) in parts",
         "ja": f"{m['limit']:,} までの素数（順番に実行して {m['sequential_s']:.2f} 秒）を分割して"},
        [{"en": "parts", "ja": "分割数"}, {"en": "work per part (ms)", "ja": "1 個の仕事（ミリ秒）"},
         {"en": "pool (s)", "ja": "プール（秒）"}, {"en": "Dask (s)", "ja": "Dask（秒）"},
         {"en": "Dask / pool", "ja": "Dask / プール"}],
        rows,
    )
    if m["break_even_ms"] is not None:
        ctx.note({"en": "Dask came within {0:.2f}x of the pool once each part did about {1:.0f} ms of work.",
                  "ja": "1 個あたり約 {1:.0f} ミリ秒の仕事があれば、Dask はプールの {0:.2f} 倍以内に収まりました。"},
                 CLOSE, m["break_even_ms"])


def tiny_tasks_lose(m: Measured) -> bool:
    """1.3x: the many-parts run pays hundreds of task costs; a wide margin still shows it clearly."""
    return m["many_ratio"] >= 1.3


def big_chunks_close(m: Measured) -> bool:
    """With a few big parts the task cost is noise: Dask within 1.5x of the pool (plus 50 ms for a hiccup)."""
    return m["dask_few_s"] <= 1.5 * m["pool_few_s"] + 0.05


LAB = Lab(
    id="task-granularity",
    chapter="beyond",
    order=2,
    title={"en": "Task granularity: what a task costs on a Pool and on Dask",
           "ja": "タスクの粒度: プールと Dask でタスク 1 個にかかるコスト"},
    summary={"en": "Many tiny tasks against a few chunks: the per-task cost of each, and the chunk size that hides it.",
             "ja": "ごく小さなタスクを大量にか、大きなかたまりを少しか。それぞれのタスク 1 個のコストと、それが隠れる大きさ。"},
    example=(EXAMPLE,),
    run=run,
    options=("scheduler",),
    claims=(
        Claim("same-counts",
              {"en": "Every split gave the same count, {expected:,}, on the pool and on Dask.",
               "ja": "どの分割でも、プールでも Dask でも、数は同じ {expected:,} 個でした。"},
              lambda m: m["same_counts"] is True, uses=("expected", "same_counts"), sensitive_to=(),
              not_held={"en": "Not every split gave the same count, {expected:,}, on the pool and on Dask.",
                        "ja": "分割のしかたやプールか Dask かによって、数が {expected:,} 個にそろわないことがありました。"}),
        Claim("dask-task-costs-more",
              {"en": "An empty task cost {dask_task_ms:.2f} ms on Dask and {pool_task_ms:.2f} ms on the pool: "
                     "{task_ratio:.1f}x (the scheduler decides where each one runs and tracks its state).",
               "ja": "空のタスク 1 個のコストは Dask で {dask_task_ms:.2f} ミリ秒、プールで {pool_task_ms:.2f} ミリ秒、"
                     "{task_ratio:.1f} 倍でした（スケジューラーがタスクごとに実行先を決め、状態を記録するためです）。"},
              lambda m: m["dask_task_ms"] > m["pool_task_ms"], uses=("dask_task_ms", "pool_task_ms", "task_ratio"),
              sensitive_to=("load", "timing"),
              not_held={"en": "An empty task cost {dask_task_ms:.2f} ms on Dask and {pool_task_ms:.2f} ms on the pool ({task_ratio:.1f}x): Dask was not the costlier one this time.",
                        "ja": "空のタスク 1 個のコストは Dask で {dask_task_ms:.2f} ミリ秒、プールで {pool_task_ms:.2f} ミリ秒（{task_ratio:.1f} 倍）で、今回は Dask のほうが高くはなりませんでした。"}),
        Claim("tiny-tasks-lose",
              {"en": "On Dask the same work in {many} parts took {dask_many_s:.2f} s, {many_ratio:.1f}x as long "
                     "as in {few} parts ({dask_few_s:.2f} s).",
               "ja": "Dask では同じ仕事を {many} 分割すると {dask_many_s:.2f} 秒かかり、{few} 分割"
                     "（{dask_few_s:.2f} 秒）の {many_ratio:.1f} 倍でした。"},
              tiny_tasks_lose, uses=("dask_few_s", "dask_many_s", "many_ratio"),
              sensitive_to=("load", "timing"),
              not_held={"en": "On Dask the work in {many} parts took {dask_many_s:.2f} s, {many_ratio:.1f}x the {few} parts ({dask_few_s:.2f} s): less than the 1.3x this lab expects.",
                        "ja": "Dask で {many} 分割は {dask_many_s:.2f} 秒、{few} 分割（{dask_few_s:.2f} 秒）の {many_ratio:.1f} 倍でした。このラボが想定する 1.3 倍に届きませんでした。"}),
        Claim("big-chunks-close",
              {"en": "In {few} big parts Dask took {dask_few_s:.2f} s against the pool's {pool_few_s:.2f} s "
                     "({few_vs_pool:.2f}x): with enough work per task, the cost of a task is hidden.",
               "ja": "{few} 個の大きな分割では、Dask は {dask_few_s:.2f} 秒、プールは {pool_few_s:.2f} 秒"
                     "（{few_vs_pool:.2f} 倍）でした。1 個のタスクに十分な仕事があれば、タスクのコストは隠れます。"},
              big_chunks_close, uses=("dask_few_s", "pool_few_s", "few_vs_pool"),
              sensitive_to=("load", "timing"),
              not_held={"en": "In {few} big parts Dask took {dask_few_s:.2f} s against the pool's {pool_few_s:.2f} s ({few_vs_pool:.2f}x): the cost of its tasks still showed.",
                        "ja": "{few} 個の大きな分割で、Dask は {dask_few_s:.2f} 秒、プールは {pool_few_s:.2f} 秒（{few_vs_pool:.2f} 倍）でした。タスクのコストが隠れきりませんでした。"}),
    ),
)
