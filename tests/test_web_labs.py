"""The web-service labs (chapters 2 and 3): run each with --quick, check structure and exactness.

Exact figures (locked counts, fork copies, the forced spin-lock collision) are
asserted strictly; figures that depend on timing (lost updates, durations) only
where the lesson's window is wide enough to make them hold run after run.
"""

from __future__ import annotations

import shutil
import subprocess
import threading

import psutil
import pytest

from conclab.curriculum import registry
from conclab.lab import Claim, LabResult, evaluate, run_lab
from conclab.machine import Machine
from conclab.services import CounterServer

WEB_LABS = ("web-race", "fork-vs-thread", "spinlock", "lock", "critical-section",
            "framework-workers")


def run(lab_id: str, capsys: pytest.CaptureFixture[str]) -> LabResult:
    result = run_lab(registry().lab(lab_id), quick=True)
    assert result.leftover_processes == [], f"{lab_id} left processes behind"
    assert capsys.readouterr().out == "", f"{lab_id} printed: it would spoil --json"
    return result


def held(result: LabResult) -> dict[str, bool | None]:
    return {claim.id: claim.held for claim in result.claims}


@pytest.mark.parametrize("lab_id", WEB_LABS)
def test_labs_are_registered_in_their_chapters(lab_id: str) -> None:
    lab = registry().lab(lab_id)
    assert lab.chapter == ("races" if lab_id in ("web-race", "fork-vs-thread") else "locks")
    ((_name, source),) = registry().example_source(lab_id)
    imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert imports and not any("conclab" in line for line in imports), \
        "example code must be plain Python, free of conclab plumbing"


def test_web_race_loses_updates_and_locks_are_exact(capsys: pytest.CaptureFixture[str]) -> None:
    result = run("web-race", capsys)
    m = result.measured
    assert m["few_counted"] < 3 and m["many_counted"] < 20
    assert m["unsafe_lost"] > 0
    assert m["lock_lost"] == 0 and m["locked_increment_lost"] == 0
    assert m["lock_peak"] == 1 and m["locked_increment_peak"] == 1
    assert [row[0] for row in result.tables[1].rows] == ["unsafe", "spinlock", "lock",
                                                          "locked-increment"]
    assert all(result.tables[0].rows[i][1] + result.tables[0].rows[i][2] == sent
               for i, sent in enumerate((3, 20)))
    handler_lanes = {span.lane for span in result.spans if span.name.startswith("handle")}
    assert len(handler_lanes) == 23  # one handler thread per request, none from the side table
    assert all(held(result).values()), result.claims


def test_fork_vs_thread_parent_never_moves(capsys: pytest.CaptureFixture[str]) -> None:
    result = run("fork-vs-thread", capsys)
    m = result.measured
    assert m["thread_answers"] == [1, 2, 3] and m["thread_parent_count"] == 3
    assert m["fork_answers"] == [1, 1, 1] and m["fork_parent_count"] == 0 and m["fork_asked"] == 0
    assert m["fork_processes"] == 4 and m["parent_pid"] not in m["fork_pids"]
    child_lanes = {span.pid for span in result.spans if span.lane.startswith("pid ")}
    assert child_lanes == set(m["fork_pids"])  # spans came back from every forked child
    assert all(held(result).values())


def test_spinlock_lets_two_in_and_burns_cpu(capsys: pytest.CaptureFixture[str]) -> None:
    result = run("spinlock", capsys)
    m = result.measured
    assert m["forced_passed_test"] == 2 and m["forced_most_inside"] == 2
    assert "entered with" in m["forced_met"]
    inside = sorted((s for s in result.spans if s.name.startswith("inside")), key=lambda s: s.start_s)
    assert len(inside) == 2 and inside[1].start_s < inside[0].end_s  # overlapping on the timeline
    assert m["spin_cpu_s"] > 10 * m["lock_cpu_s"]
    assert all(held(result).values()), result.claims


def test_lock_is_exact_serialised_and_released_on_error(capsys: pytest.CaptureFixture[str]) -> None:
    result = run("lock", capsys)
    m = result.measured
    assert m["acquire_release_counted"] == m["with_counted"] == m["clients"]
    assert m["acquire_release_answers_distinct"] and m["with_answers_distinct"]
    assert m["lock_held_after_failure"] is False and m["after_failure_answer"] == "count: 1"
    assert all(held(result).values()), result.claims


def test_critical_section_is_exact_and_overlaps(capsys: pytest.CaptureFixture[str]) -> None:
    result = run("critical-section", capsys)
    m = result.measured
    assert m["whole_counted"] == m["increment_counted"] == m["clients"]
    assert m["whole_peak"] == 1 and m["increment_peak"] >= 2
    assert m["whole_s"] > m["increment_s"]
    assert all(held(result).values()), result.claims


def test_framework_workers_real_servers_and_no_leftovers(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("gunicorn")
    pytest.importorskip("uvicorn")
    result = run("framework-workers", capsys)
    m = result.measured
    assert m["sync_processes"] >= 2 and m["sync_sum"] == m["clients"] > m["sync_highest"]
    assert m["gthread_processes"] == 1 and m["gthread_highest"] == m["clients"]
    assert m["uvicorn_processes"] == 1 and m["uvicorn_highest"] == m["clients"]
    assert any("Booting worker" in line for line in result.log)
    names = " ".join(p.info["cmdline"] and " ".join(p.info["cmdline"]) or ""
                     for p in psutil.process_iter(["cmdline"]))
    assert "framework_workers:wsgi_app" not in names and "framework_workers:asgi_app" not in names
    assert all(held(result).values()), result.claims


def test_claims_fail_when_the_thing_they_state_is_false(machine: Machine) -> None:
    """Claim logic on made-up figures: a fixed counter, a spin lock that kept out, one shared count."""
    def claim(lab_id: str, claim_id: str) -> Claim:
        return next(c for c in registry().lab(lab_id).claims if c.id == claim_id)

    no_loss = {"few": 3, "few_counted": 3, "few_lost": 0}
    assert evaluate(claim("web-race", "few-lose"), no_loss, machine, "en").held is False
    kept_out = {"forced_passed_test": 1, "forced_most_inside": 1, "forced_met": "A entered alone"}
    assert evaluate(claim("spinlock", "both-inside"), kept_out, machine, "en").held is False
    idle = {"spin_cpu_s": 0.001, "spin_wall_s": 0.5, "spin_cpu_share": 0.002, "hold_s": 0.5}
    assert evaluate(claim("spinlock", "spin-burns-cpu"), idle, machine, "en").held is False
    one_count = {"sync_processes": 1, "sync_per_process": [9], "sync_sum": 9, "sync_highest": 9,
                 "clients": 9}
    assert evaluate(claim("framework-workers", "workers-diverge"), one_count, machine, "en").held is False
    overlapped = {"clients": 5, "acquire_release_s": 0.05, "with_s": 0.05, "serial_s": 0.5}
    assert evaluate(claim("lock", "work-serialises"), overlapped, machine, "en").held is False


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_counter_server_with_curl_fired_in_the_background() -> None:
    """As the texts did: several curl in the background against the threading counter server.

    A barrier as the work holds all three handlers between their read and
    their write, so the unsafe counter loses two updates every time; the
    lock counter, driven the same way with real work, counts all five.
    """
    curl = shutil.which("curl")
    assert curl is not None
    barrier = threading.Barrier(3, timeout=10)
    with CounterServer(mode="threading", counter="unsafe", work=barrier.wait) as server:
        clients = [subprocess.Popen([curl, "-s", "--max-time", "20", f"{server.url}/c{i}"],
                                    stdout=subprocess.PIPE, text=True) for i in range(3)]
        outputs = [client.communicate(timeout=30)[0] for client in clients]
        assert server.count == 1
    assert all(out.startswith("count: 1 ") for out in outputs), outputs
    assert sum(line.startswith("start") for line in server.log_lines) == 3

    with CounterServer(mode="threading", counter="lock", work=0.05) as server:
        clients = [subprocess.Popen([curl, "-s", "--max-time", "20", f"{server.url}/c{i}"],
                                    stdout=subprocess.PIPE, text=True) for i in range(5)]
        outputs = [client.communicate(timeout=30)[0] for client in clients]
        assert server.count == 5
    assert sorted(int(out.split()[1]) for out in outputs) == [1, 2, 3, 4, 5]
