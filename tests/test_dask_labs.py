"""Chapter 9's Dask lessons: claim logic on made-up figures, the task stream as spans, real runs.

The claim logic and the address checks are fast and exact. The labs themselves
start a real Dask scheduler and workers (seconds each on a loaded two-core
machine), so those runs are marked slow; timing claims are not asserted to hold
there, only the claims that do not depend on time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

import psutil
import pytest

from conclab.curriculum import registry
from conclab.errors import ConclabError
from conclab.lab import SCHEDULER_ENV, check_scheduler_address, evaluate, run_lab
from conclab.machine import Machine
from conftest import invoke

DASK_LABS = ["dask-executor", "task-granularity", "dask-cluster"]


def claims_of(lab_id: str) -> dict[str, Any]:
    return {c.id: c for c in registry().lab(lab_id).claims}


def verdicts(lab_id: str, measured: dict[str, Any], machine: Machine) -> dict[str, bool | None]:
    return {cid: evaluate(c, measured, machine, "en").held for cid, c in claims_of(lab_id).items()}


def test_chapter_nine_is_listed() -> None:
    result = invoke("list", "--json")
    items = json.loads(result.stdout)
    beyond = [item["id"] for item in items if item["chapter"] == "beyond" and item["kind"] == "lab"]
    assert beyond == DASK_LABS


EXECUTOR = {"expected": 9592, "pool_count": 9592, "dask_count": 9592, "sequential_s": 0.8, "pool_s": 0.45,
            "pool_speedup": 1.78, "ideal": 2, "pool_of_ideal": 0.89, "dask_s": 0.5, "dask_speedup": 1.6,
            "dask_ideal": 2, "dask_of_ideal": 0.8, "dask_threads": 2, "workers_used": 2, "dask_workers": 2,
            "cluster_start_s": 2.5, "pool_start_s": 0.05, "start_ratio": 50.0}


def test_dask_executor_claims(machine: Machine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SCHEDULER_ENV, raising=False)
    assert set(verdicts("dask-executor", EXECUTOR, machine).values()) == {True}
    slow = dict(EXECUTOR, dask_of_ideal=0.3, dask_speedup=0.6)
    assert verdicts("dask-executor", slow, machine)["dask-near-ideal"] is False
    wrong = dict(EXECUTOR, dask_count=9591)
    assert verdicts("dask-executor", wrong, machine)["same-count"] is False
    idle = dict(EXECUTOR, workers_used=1)
    assert verdicts("dask-executor", idle, machine)["every-worker-ran-tasks"] is False
    cheap = dict(EXECUTOR, cluster_start_s=0.08)
    assert verdicts("dask-executor", cheap, machine)["cluster-start-costs"] is False
    one_core = dataclasses.replace(machine, cores=1)
    assert verdicts("dask-executor", EXECUTOR, one_core)["dask-near-ideal"] is None
    monkeypatch.setenv(SCHEDULER_ENV, "tcp://127.0.0.1:8786")
    result = evaluate(claims_of("dask-executor")["cluster-start-costs"], EXECUTOR, machine, "ja")
    assert result.held is None and "tcp://127.0.0.1:8786" in (result.reason or "")


GRANULARITY = {"expected": 6868, "same_counts": True, "dask_task_ms": 2.0, "pool_task_ms": 0.3, "task_ratio": 6.7,
               "few": 4, "many": 256, "dask_few_s": 0.2, "dask_many_s": 0.9, "many_ratio": 4.5,
               "pool_few_s": 0.18, "few_vs_pool": 1.1}


def test_task_granularity_claims(machine: Machine) -> None:
    assert set(verdicts("task-granularity", GRANULARITY, machine).values()) == {True}
    cheap = dict(GRANULARITY, dask_task_ms=0.2)
    assert verdicts("task-granularity", cheap, machine)["dask-task-costs-more"] is False
    flat = dict(GRANULARITY, many_ratio=1.1)
    assert verdicts("task-granularity", flat, machine)["tiny-tasks-lose"] is False
    behind = dict(GRANULARITY, dask_few_s=0.5)
    assert verdicts("task-granularity", behind, machine)["big-chunks-close"] is False


CLUSTER = {"lanes_before_kill": 2, "workers": 2, "killed": True, "killed_at": 1.0, "job_end": 2.0,
           "count": 14824, "expected": 14824, "reruns": 2, "computed": 18, "parts": 16,
           "started_pids": 3, "left_running": 0}


def test_dask_cluster_claims(machine: Machine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SCHEDULER_ENV, raising=False)
    assert set(verdicts("dask-cluster", CLUSTER, machine).values()) == {True}
    late = dict(CLUSTER, killed_at=2.5)  # killed after the job ended: proves nothing
    assert verdicts("dask-cluster", late, machine)["right-despite-kill"] is False
    wrong = dict(CLUSTER, count=14823)
    assert verdicts("dask-cluster", wrong, machine)["right-despite-kill"] is False
    assert verdicts("dask-cluster", dict(CLUSTER, reruns=0), machine)["scheduler-reran"] is False
    assert verdicts("dask-cluster", dict(CLUSTER, left_running=1), machine)["nothing-left"] is False
    monkeypatch.setenv(SCHEDULER_ENV, "tcp://127.0.0.1:8786")
    on_theirs = verdicts("dask-cluster", CLUSTER, machine)
    assert on_theirs["right-despite-kill"] is None and on_theirs["same-count-on-cluster"] is True


def test_task_stream_becomes_spans() -> None:
    from conclab.curriculum.lessons._dask import task_spans

    records = [
        {"key": "count_primes-6f1c2e3d-0a1b-4c5d-9e8f-00112233aabb-3", "worker": "tcp://127.0.0.1:4001",
         "startstops": ({"action": "transfer", "start": 100.0, "stop": 100.1},
                        {"action": "compute", "start": 100.1, "stop": 100.6})},
        {"key": ("count_primes-6f1c2e3d9a8b7c6d5e4f3a2b1c0d9e8f", 1), "worker": "tcp://127.0.0.1:4002",
         "startstops": ({"action": "compute", "start": 100.2, "stop": 100.4},)},
    ]
    lanes = {"tcp://127.0.0.1:4001": "worker 1", "tcp://127.0.0.1:4002": "worker 2"}
    spans = task_spans(records, lanes, offset=99.0)
    assert [(s.lane, s.name, round(s.start_s, 3), round(s.end_s, 3)) for s in spans] == [
        ("worker 1", "count_primes", 1.1, 1.6), ("worker 2", "count_primes", 1.2, 1.4)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(("address", "words"), [
    ("nonsense", "bad scheduler address"),
    ("http://127.0.0.1:8786", "bad scheduler address"),
    ("tcp://127.0.0.1", "bad scheduler address"),
    ("tcp://127.0.0.1:99999", "bad scheduler address"),
    ("tcp://192.0.2.1:8786", "--allow-remote"),
    ("tcp://example.com:8786", "--allow-remote"),
])
def test_bad_scheduler_addresses(address: str, words: str) -> None:
    with pytest.raises(ConclabError, match=words):
        check_scheduler_address(address)


def test_scheduler_address_must_answer() -> None:
    with pytest.raises(ConclabError, match="no Dask scheduler answers"):
        check_scheduler_address(f"127.0.0.1:{free_port()}", timeout_s=0.5)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert check_scheduler_address(f"localhost:{port}") == f"tcp://localhost:{port}"


@pytest.mark.parametrize("args", [
    ["run", "cpu-gil", "--scheduler", "tcp://127.0.0.1:8786"],
    ["run", "dask-executor", "--scheduler", "tcp://10.0.0.1:8786"],
    ["run", "dask-cluster", "--scheduler", "not an address"],
    ["run", "cpu-gil", "--python", "/no/such/python"],
    ["run", "cpu-gil", "--python", "python2.99"],
    ["compare", "cpu-gil", "--python", sys.executable],
])
def test_bad_input_is_one_line_and_exit_2(args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.stdout
    assert result.stderr.startswith("conclab: error: ") and result.stderr.count("\n") == 1, result.stderr


def test_bad_scheduler_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SCHEDULER_ENV, f"tcp://127.0.0.1:{free_port()}")
    result = invoke("run", "dask-executor", "--quick")
    assert result.exit_code == 2 and "no Dask scheduler answers" in result.stderr
    assert invoke("run", "concepts", "--quick", "--json").exit_code in (0, 1)  # not a Dask lab: ignored


# -- real runs ---------------------------------------------------------------

EXACT = {"dask-executor": ["same-count", "every-worker-ran-tasks"],
         "task-granularity": ["same-counts"],
         "dask-cluster": ["right-despite-kill", "nothing-left", "same-count-on-cluster"]}


def dask_processes() -> set[int]:
    found = set()
    for process in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if "dask" in cmdline and ("scheduler" in cmdline or "worker" in cmdline or "spawn_main" in cmdline):
            found.add(process.pid)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("lab_id", DASK_LABS)
def test_dask_lab_runs_quick(lab_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SCHEDULER_ENV, raising=False)
    before = dask_processes()
    result = run_lab(registry().lab(lab_id), quick=True)
    held = {c.id: c.held for c in result.claims}
    for claim_id in EXACT[lab_id]:
        assert held[claim_id] is True, (claim_id, result.to_json()["claims"])
    lanes = {s.lane for s in result.spans}
    assert {"worker 1", "worker 2"} <= lanes
    assert result.leftover_processes == []
    assert dask_processes() <= before
    if lab_id == "dask-cluster":
        assert any("Remove worker" in line for line in result.log), result.log


@pytest.mark.slow
@pytest.mark.parametrize(("lab_id", "marker"), [("dask-cluster", "dask worker"), ("dask-executor", "spawn_main")])
def test_ctrl_c_leaves_no_dask_process(lab_id: str, marker: str) -> None:
    """SIGINT to the whole group (Ctrl-C) once the workers run: exit 130, every Dask process gone."""
    script = ("from conclab.cli import main\nimport sys\n"
              f"sys.argv = ['conclab', 'run', '{lab_id}', '--json']\nmain()\n")
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True)
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while time.monotonic() < deadline and len(workers) < 2 and process.poll() is None:
            for child in psutil.Process(process.pid).children(recursive=True):
                seen.add(child.pid)
                with contextlib.suppress(psutil.Error):
                    if marker in " ".join(child.cmdline()):
                        workers.add(child.pid)
            time.sleep(0.05)
        assert len(workers) >= 2, "the Dask workers never started"
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=60) == 130
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        assert process.stderr is not None
        process.stderr.close()
    deadline = time.monotonic() + 5
    alive = {pid for pid in seen if psutil.pid_exists(pid)}
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = {pid for pid in alive
                 if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE}
    assert not alive


@pytest.mark.slow
def test_dask_executor_on_a_scheduler_the_learner_runs(tmp_path: Any) -> None:
    """--scheduler: the lab connects to a running scheduler; the start-up claim is not applicable."""
    from conclab._process import launch
    from conclab.curriculum.lessons.dask_cluster.example import (
        scheduler_command,
        wait_for_address,
        worker_command,
    )

    file = str(tmp_path / "scheduler.json")
    with launch(scheduler_command(file), cwd=tmp_path) as scheduler:
        address = wait_for_address(file)
        with launch(worker_command(file, "worker-1"), cwd=tmp_path), \
                launch(worker_command(file, "worker-2"), cwd=tmp_path):
            result = invoke("run", "dask-executor", "--quick", "--json", "--scheduler", address)
        assert scheduler.poll() is None
    data = json.loads(result.stdout)
    held = {c["id"]: c["held"] for c in data["claims"]}
    assert held["same-count"] is True and held["cluster-start-costs"] is None
    assert data["measured"]["cluster"] == address


def test_scheduler_log_lines_are_shortened() -> None:
    from conclab.curriculum.lessons.dask_cluster.lab import short_log_line

    lost = ("2026-12-01 23:01:02,009 - distributed.scheduler - WARNING - Removing worker 'tcp://127.0.0.1:1' "
            "caused the cluster to lose already computed task(s), which will be recomputed elsewhere: "
            "{'count_primes-e0-0', 'count_primes-e0-4'} (stimulus_id='handle-worker-cleanup-1.0')")
    assert short_log_line(lost) == ("Removing worker 'tcp://127.0.0.1:1' caused the cluster to lose already "
                                    "computed task(s), which will be recomputed elsewhere: 2 task(s)")
    assert short_log_line("2026 - distributed.scheduler - INFO - Clear task state") is None


@pytest.mark.slow
def test_dask_cluster_cleans_up_after_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    """The job raises mid-run: the error reaches the caller, and the scheduler and workers are gone."""
    from conclab.curriculum.lessons.dask_cluster import example

    def broken(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("the job broke")

    monkeypatch.delenv(SCHEDULER_ENV, raising=False)
    monkeypatch.setattr(example, "count_on_cluster", broken)
    before = dask_processes()
    with pytest.raises(RuntimeError, match="the job broke"):
        run_lab(registry().lab("dask-cluster"), quick=True)
    assert dask_processes() <= before
