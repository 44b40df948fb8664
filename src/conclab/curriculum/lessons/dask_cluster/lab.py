"""Lab ``dask-cluster``: a scheduler and two workers on loopback; one worker is killed mid-job."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import psutil

from conclab._process import ProcessTree, launch
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

#: A time in a table cell.
SECONDS = {"en": "{0:.2f} s", "ja": "{0:.2f} 秒"}
EXAMPLE = "conclab.curriculum.lessons.dask_cluster.example"
#: The scheduler's log lines worth showing the learner, by what they start with.
SHOWN = ("Scheduler at", "Register worker", "Remove worker", "Removing worker", "Lost all workers")


def sieve_count(limit: int) -> int:
    """The number of primes up to ``limit``, by a sieve: the answer the cluster must find."""
    flags = bytearray([1]) * (limit + 1)
    flags[:2] = b"\0\0"
    for n in range(2, int(limit ** 0.5) + 1):
        if flags[n]:
            flags[n * n::n] = bytearray(len(flags[n * n::n]))
    return sum(flags)


def short_log_line(line: str) -> str | None:
    """A scheduler log line worth showing, without its time stamp, stimulus id or list of task keys."""
    text = line.split(" - ", 3)[-1].strip()
    if not text.startswith(SHOWN):
        return None
    text = re.sub(r"\s*\(stimulus_id=[^)]*\)", "", text)
    keys = re.search(r"\{('[^']*'(?:, )?)+\}", text)
    if keys:
        count = keys.group(0).count("'") // 2
        text = text[:keys.start()] + f"{count} task(s)" + text[keys.end():]
    return " ".join(text.split())


def _scheduler_line(ctx: LabContext) -> Any:
    def sink(_: float, line: str) -> None:
        text = short_log_line(line)
        if text:
            ctx.log(text)
    return sink


@contextlib.contextmanager
def own_cluster(ctx: LabContext, example: ModuleType, folder: str) -> Iterator[tuple[str, list[ProcessTree]]]:
    """Start ``dask scheduler`` and two ``dask worker`` processes; every one is killed at the end."""
    scheduler_file = os.path.join(folder, "scheduler.json")
    trees: list[ProcessTree] = []
    try:
        loud = {**os.environ, "DASK_LOGGING__DISTRIBUTED": "info"}  # its log lines are shown
        trees.append(launch(example.scheduler_command(scheduler_file), cwd=folder, env=loud,
                            on_stderr=_scheduler_line(ctx)))
        address = example.wait_for_address(scheduler_file)
        for name in ("worker-1", "worker-2"):
            trees.append(launch(example.worker_command(scheduler_file, name), cwd=folder))
        yield address, trees
    finally:
        pids = {tree.pid for tree in trees} | {p.pid for tree in trees for p in tree.members()}
        for tree in trees:
            tree.finish()
        ctx.measured["started_pids"] = len(pids)
        ctx.measured["left_running"] = sum(_alive_pid(pid) for pid in pids)


def _alive(process: psutil.Process) -> bool:
    with contextlib.suppress(psutil.Error):
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    return False


def _alive_pid(pid: int) -> bool:
    with contextlib.suppress(psutil.Error):
        return _alive(psutil.Process(pid))
    return False


def run(ctx: LabContext) -> None:
    example = load_example(EXAMPLE)
    from dask.distributed import Client, get_task_stream

    m = ctx.measured
    quiet_dask()
    address = scheduler_address()
    limit = limit_for(example.count_primes, ctx.pick(1.0, 0.3))
    parts = int(ctx.pick(16, 8))
    m.update(limit=limit, parts=parts, expected=sieve_count(limit), killed=False,
             cluster="loopback" if address is None else address)
    with contextlib.ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="conclab-dask-"))
        trees: list[ProcessTree] = []
        with ctx.measure("cluster start", label={"ja": "クラスターの起動"}):
            if address is None:
                address, trees = stack.enter_context(own_cluster(ctx, example, folder))
            client = stack.enter_context(Client(address, timeout=30))
            client.wait_for_workers(2 if trees else 1, timeout=60)
            client.gather(client.map(example.count_primes, [(1, 2)] * 4, pure=False))
        lanes, offset = worker_names(client), wall_offset(ctx)
        m["workers"] = len(lanes)

        def kill_worker_2() -> None:
            m["killed_at"] = ctx.now()
            m["killed"] = True
            ctx.log("conclab: killing worker-2 (SIGKILL)")
            trees[2].kill()

        with get_task_stream(client) as stream, ctx.measure("job", label={"ja": "ジョブ"}):
            m["count"] = example.count_on_cluster(client, limit, parts, kill_worker_2 if trees else None)
        m["job_end"] = ctx.now()
        spans = add_spans(ctx, task_spans(stream.data, lanes, offset))
    _derive(m, spans, lanes)
    _table(ctx, m)


def _derive(m: dict[str, Any], spans: list[Any], lanes: dict[str, str]) -> None:
    killed_at = m.get("killed_at", m["job_end"])
    m["computed"] = len(spans)
    m["reruns"] = len(spans) - m["parts"]
    m["lanes_before_kill"] = len({s.lane for s in spans if s.start_s < killed_at})
    m["worker_2_tasks"] = sum(1 for s in spans if s.lane == "worker 2")
    m["cluster_start_s"] = m.pop("cluster start_s")


def _table(ctx: LabContext, m: Measured) -> None:
    ctx.table(
        {"en": f"Primes up to {m['limit']:,}: {m['parts']} tasks, {m['workers']} workers",
         "ja": f"{m['limit']:,} までの素数: タスク {m['parts']} 個、ワーカー {m['workers']} 個"},
        [{"en": "what", "ja": "内容"}, {"en": "result", "ja": "結果"}],
        [[ctx.text({"en": "scheduler and workers up", "ja": "スケジューラーとワーカーの起動"}),
          ctx.text(SECONDS, m["cluster_start_s"])],
         [ctx.text({"en": "the job", "ja": "ジョブ"}), ctx.text(SECONDS, m["job_s"])],
         [ctx.text({"en": "count (the sieve says)", "ja": "数えた個数（ふるいでの正解）"}),
          f"{m['count']:,} ({m['expected']:,})"],
         [ctx.text({"en": "tasks computed (tasks in the job)", "ja": "計算されたタスク（ジョブのタスク数）"}),
          f"{m['computed']} ({m['parts']})"],
         [ctx.text({"en": "worker-2 killed at", "ja": "worker-2 を止めた時刻"}),
          ctx.text(SECONDS, m["killed_at"]) if m["killed"] else "-"]],
    )


def right_despite_kill(m: Measured) -> bool:
    return bool(m["killed"] and m["killed_at"] < m["job_end"] and m["count"] == m["expected"])


LAB = Lab(
    id="dask-cluster",
    chapter="beyond",
    order=3,
    title={"en": "A real Dask cluster: scheduler, workers, and a worker that dies",
           "ja": "本物の Dask クラスター: スケジューラー、ワーカー、そして落ちるワーカー"},
    summary={"en": "dask scheduler and two dask workers on loopback; one is killed mid-job and the count stays right.",
             "ja": "ループバック上の dask scheduler と dask worker 2 個。途中で 1 個を止めても数は正しいまま。"},
    example=(EXAMPLE,),
    run=run,
    options=("scheduler",),
    claims=(
        Claim("both-workers-ran",
              {"en": "Before the kill, the scheduler's task stream shows tasks started on {lanes_before_kill} workers.",
               "ja": "止める前のタスクストリームでは、{lanes_before_kill} 個のワーカーがタスクを始めていました。"},
              lambda m: m["lanes_before_kill"] >= 2, uses=("lanes_before_kill", "workers"),
              requires=("local-cluster",), sensitive_to=("load", "timing"),
              unmeasured={"en": 'With its own scheduler and two workers, the lab sees both start tasks before it kills one; this run used the cluster at --scheduler, whose workers it does not start or kill, so that was not measured here.',
                          "ja": '自分で起動したスケジューラーとワーカー 2 個なら、1 個を止める前に両方がタスクを始めるのを確かめます。今回は --scheduler で指定したクラスターを使い、ワーカーを起動も停止もしないので、ここでは計測していません。'},
              not_held={"en": "Before the kill, the task stream shows tasks started on only {lanes_before_kill} worker(s): not both.",
                        "ja": "止める前のタスクストリームでタスクを始めていたワーカーは {lanes_before_kill} 個だけで、両方ではありませんでした。"}),
        Claim("right-despite-kill",
              {"en": "worker-2 was killed {killed_at:.2f} s in, before the job ended, and the count was still "
                     "right: {count:,} (the sieve says {expected:,}).",
               "ja": "worker-2 を開始から {killed_at:.2f} 秒でジョブの途中に止めましたが、数は {count:,} 個で正しいままでした（ふるいでの正解は {expected:,} 個）。"},
              right_despite_kill, uses=("killed_at", "job_end", "count", "expected"),
              requires=("local-cluster",), sensitive_to=(),
              unmeasured={"en": 'With its own workers, the lab kills one mid-job and checks the count is still right; this run used the cluster at --scheduler, whose workers it does not kill, so that was not measured here.',
                          "ja": '自分で起動したワーカーなら、ジョブの途中で 1 個を止めても数が正しいことを確かめます。今回は --scheduler で指定したクラスターを使い、ワーカーを止めないので、ここでは計測していません。'},
              not_held={"en": "worker-2 was killed {killed_at:.2f} s in and the count was {count:,} (the sieve says {expected:,}): the kill did not land before the job ended, or the count was wrong.",
                        "ja": "worker-2 を開始から {killed_at:.2f} 秒で止め、数は {count:,} 個でした（ふるいでの正解は {expected:,} 個）。ジョブの途中で止められなかったか、数が正しくありませんでした。"}),
        Claim("scheduler-reran",
              {"en": "The scheduler ran {reruns} task(s) again: results that were lost with worker-2 "
                     "({computed} computations for {parts} tasks).",
               "ja": "スケジューラーはタスクを {reruns} 個もう一度実行しました。worker-2 と一緒に失われた結果です"
                     "（タスク {parts} 個に対して計算は {computed} 回）。"},
              lambda m: m["reruns"] >= 1, uses=("reruns", "computed", "parts"),
              requires=("local-cluster",), sensitive_to=("load", "timing"),
              unmeasured={"en": 'When a worker is killed mid-job, the scheduler runs its lost tasks again; no worker was killed on the cluster at --scheduler, so that was not measured here.',
                          "ja": 'ジョブの途中でワーカーが止まると、スケジューラーは失われたタスクをもう一度実行します。--scheduler で指定したクラスターではワーカーを止めていないので、ここでは計測していません。'},
              not_held={"en": "The scheduler ran no task again ({computed} computations for {parts} tasks): nothing lost with worker-2 needed recomputing this time.",
                        "ja": "スケジューラーがもう一度実行したタスクはありませんでした（タスク {parts} 個に対して計算は {computed} 回）。今回は worker-2 と一緒に失われて計算し直す結果がありませんでした。"}),
        Claim("nothing-left",
              {"en": "All {started_pids} processes of the cluster (scheduler and workers) were stopped: "
                     "{left_running} left running.",
               "ja": "クラスターのプロセス {started_pids} 個（スケジューラーとワーカー）はすべて止まりました。"
                     "残ったのは {left_running} 個です。"},
              lambda m: m["started_pids"] >= 3 and m["left_running"] == 0, uses=("started_pids", "left_running"),
              requires=("local-cluster",), sensitive_to=(),
              unmeasured={"en": 'The lab stops every process of a cluster it starts; the cluster at --scheduler is yours and keeps running, so that was not measured here.',
                          "ja": 'ラボは自分で起動したクラスターのプロセスをすべて止めます。--scheduler で指定したクラスターはあなたのものなので動かしたままにし、ここでは計測していません。'},
              not_held={"en": "Of the cluster's {started_pids} processes, {left_running} were still running at the end.",
                        "ja": "クラスターのプロセス {started_pids} 個のうち、{left_running} 個が最後まで動いたままでした。"}),
        Claim("same-count-on-cluster",
              {"en": "The cluster counted {count:,} primes, as the sieve does.",
               "ja": "クラスターは {count:,} 個の素数を数えました。ふるいの答えと同じです。"},
              lambda m: m["count"] == m["expected"], uses=("count", "expected"), sensitive_to=(),
              not_held={"en": "The cluster counted {count:,} primes: not what the sieve says.",
                        "ja": "クラスターが数えた素数は {count:,} 個で、ふるいの答えと違いました。"}),
    ),
)
