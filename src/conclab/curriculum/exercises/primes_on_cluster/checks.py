"""Checks of primes_on_cluster: the right count, computed by the cluster's workers, in tasks worth sending.

The check starts a real ``dask scheduler`` and two ``dask worker`` processes on
loopback, runs the learner's program with the scheduler's address, and reads
what ran where from the scheduler's task stream, never from the program's output.
"""

from __future__ import annotations

import contextlib
import statistics
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from conclab._process import launch
from conclab.curriculum.exercises._spec import ExerciseSpec
from conclab.curriculum.exercises._support import primes_upto, trailing_int
from conclab.curriculum.lessons.dask_cluster.example import (
    scheduler_command,
    wait_for_address,
    worker_command,
)
from conclab.exercises import CheckContext
from conclab.i18n import Messages

LIMIT = 200_000
#: A task whose work is shorter than this is mostly the cost of sending and tracking it.
MIN_TASK_MS = 10.0

MESSAGES = Messages({
    "count-name": {"en": "count up to {limit}", "ja": "{limit} までの個数"},
    "count-ok": {"en": "the last line ends with {expected}", "ja": "最後の行が {expected} で終わっています"},
    "count-bad": {"en": "expected the last line to end with {expected} (the number of primes up to {limit}), "
                        "got {got!r}. Check that the parts cover 1..{limit} exactly once.",
                  "ja": "最後の行は {expected}（{limit} までの素数の個数）で終わるはずですが、{got!r} でした。"
                        "分割した範囲が 1..{limit} をちょうど一度ずつ覆っているか確かめてください。"},
    "cluster-name": {"en": "work done by the cluster", "ja": "クラスターでの実行"},
    "cluster-ok": {"en": "{tasks} tasks ran on {workers} workers, up to {overlap} at once; "
                         "each did {median:.0f} ms of work (median)",
                   "ja": "タスク {tasks} 個がワーカー {workers} 個で実行され、同時に最大 {overlap} 個動きました。"
                         "1 個の仕事は {median:.0f} ミリ秒（中央値）でした"},
    "no-tasks": {"en": "no task reached the scheduler at {address}: the count ran inside your program. "
                       "Connect with Client(sys.argv[1]) and send the parts to the cluster "
                       "(client.map, then client.gather).",
                 "ja": "{address} のスケジューラーにタスクが 1 つも届きませんでした。数え上げはプログラムの中で"
                       "行われています。Client(sys.argv[1]) で接続し、分割した範囲をクラスターに送ってください"
                       "（client.map のあと client.gather）。"},
    "local-processes": {"en": "no task reached the scheduler at {address}, but your program started {children} "
                              "process(es) of its own: a local Pool counts on this machine only, while the "
                              "cluster's workers wait. Send the parts to the cluster with client.map.",
                        "ja": "{address} のスケジューラーにタスクは届かず、プログラムが自分でプロセスを {children} 個"
                              "起動していました。ローカルの Pool はこのマシンでしか数えず、クラスターのワーカーは"
                              "待っているだけです。client.map で分割した範囲をクラスターに送ってください。"},
    "one-task": {"en": "all the work ran as {tasks} task(s) on one worker while the other waited: split the "
                       "range into parts (a few per worker) and send each part as its own task.",
                 "ja": "仕事全体がタスク {tasks} 個としてワーカー 1 個で実行され、もう 1 つのワーカーは待っていました。"
                       "範囲を分割し（ワーカーあたり数個）、それぞれを別のタスクとして送ってください。"},
    "serial": {"en": "{tasks} tasks ran one after another, never two at once: .compute() or .result() inside "
                     "the loop waits for each task before the next is sent. Send them all first "
                     "(client.map, or dask.compute(*parts)), then gather.",
               "ja": "タスク {tasks} 個が 1 つずつ順番に実行され、同時には動きませんでした。ループの中の .compute() や"
                     " .result() は、次のタスクを送る前に 1 つずつ結果を待ちます。先に全部を送り"
                     "（client.map、または dask.compute(*parts)）、そのあとで結果を集めてください。"},
    "tiny": {"en": "each of the {tasks} tasks did only {median:.1f} ms of work (median): a task costs the "
                   "cluster about a millisecond or more to send, schedule and track, so most of the time went "
                   "there. Use fewer, bigger parts: tens to hundreds of milliseconds each.",
             "ja": "タスク {tasks} 個の仕事は 1 個あたり {median:.1f} ミリ秒（中央値）しかありませんでした。クラスターは"
                   "タスク 1 個を送り、割り当て、記録するのに 1 ミリ秒以上かかるので、時間の大半がそこに使われます。"
                   "分割を減らして大きくしてください（1 個あたり数十〜数百ミリ秒）。"},
})


@contextlib.contextmanager
def loopback_cluster(workers: int = 2) -> Iterator[str]:
    """A ``dask scheduler`` and ``workers`` workers on 127.0.0.1; all killed at the end. The address."""
    # Imported here: the catalogue loads every check, and Dask takes a second to import.

    with tempfile.TemporaryDirectory(prefix="conclab-cluster-") as folder, contextlib.ExitStack() as stack:
        scheduler_file = str(Path(folder) / "scheduler.json")
        stack.enter_context(launch(scheduler_command(scheduler_file), cwd=folder))
        address = wait_for_address(scheduler_file)
        for number in range(1, workers + 1):
            stack.enter_context(launch(worker_command(scheduler_file, f"worker-{number}"), cwd=folder))
        yield address


def computes(records: Sequence[Mapping[str, Any]]) -> list[tuple[str, float, float]]:
    """(worker, start, stop) of every ``compute`` interval in the scheduler's task stream."""
    return [(str(r.get("worker")), float(s["start"]), float(s["stop"]))
            for r in records for s in r.get("startstops", ()) if s.get("action") == "compute"]


def most_at_once(intervals: Sequence[tuple[str, float, float]]) -> int:
    """The largest number of intervals running at the same instant."""
    events = sorted([(start, 1) for _, start, _ in intervals] + [(stop, -1) for _, _, stop in intervals])
    running = peak = 0
    for _, step in events:
        running += step
        peak = max(peak, running)
    return peak


def judge_tasks(records: Sequence[Mapping[str, Any]], children: int) -> tuple[str, dict[str, Any]]:
    """The message key and its values for what the cluster did (``cluster-ok`` when all is well)."""
    intervals = computes(records)
    if not intervals:
        return ("local-processes" if children else "no-tasks"), {"children": children}
    workers = len({worker for worker, _, _ in intervals})
    values = {"tasks": len(intervals), "workers": workers, "overlap": most_at_once(intervals),
              "median": 1000 * statistics.median(stop - start for _, start, stop in intervals)}
    if workers < 2:
        return "one-task", values
    if values["overlap"] < 2:
        return "serial", values
    if values["median"] < MIN_TASK_MS:
        return "tiny", values
    return "cluster-ok", values


def check(ctx: CheckContext) -> None:
    """Right count; tasks from the scheduler's own record: on both workers, at once, and worth sending."""
    from dask.distributed import Client, get_task_stream

    with loopback_cluster() as address, Client(address, timeout=30) as client:
        client.wait_for_workers(2, timeout=60)
        with get_task_stream(client) as stream:
            run = ctx.run([address, str(LIMIT)])
        records = list(stream.data)
    if not ctx.require_clean_run(run):
        return
    expected = len(primes_upto(LIMIT))
    last = run.output_lines[-1] if run.output_lines else ""
    ok = trailing_int(last) == expected
    ctx.add(ctx.message(MESSAGES, "count-name", limit=LIMIT), ok,
            ctx.message(MESSAGES, "count-ok" if ok else "count-bad", expected=expected, limit=LIMIT, got=last))
    key, values = judge_tasks(records, run.children_seen)
    ctx.add(ctx.message(MESSAGES, "cluster-name"), key == "cluster-ok",
            ctx.message(MESSAGES, key, address=address, **values))


EXERCISE = ExerciseSpec(
    chapter="beyond",
    order=10,
    title={"en": "Primes on a cluster", "ja": "クラスターで素数を数える"},
    summary={"en": "take find_primes_parallel to a Dask cluster whose address is on the command line",
             "ja": "find_primes_parallel を、コマンドラインで受け取ったアドレスの Dask クラスターで動かす"},
    check=check,
    limit_s=60.0,
)
