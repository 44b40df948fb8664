"""The asyncio, coordination and I/O-example labs (issue 6), run in-process with ``--quick``.

Structure is asserted strictly (claim ids, task lanes, queue depths, row
counts, the server's in-flight peak); timings only with wide margins, because
CI is a loaded 2-core machine. Claim logic is also checked on made-up
measured values, so a claim is shown to fail when what it states is false.
"""

from __future__ import annotations

import functools
import json

import pytest

from conclab.curriculum import registry
from conclab.lab import LabResult, evaluate, run_lab
from conclab.machine import Machine

LABS = {
    "asyncio-basics": ("asyncio", {"await-in-turn-is-sum", "create-task-overlaps", "gather-and-taskgroup-overlap",
                                   "ready-is-not-running", "one-task-runs-at-a-time"}),
    "asyncio-blocking": ("asyncio", {"blocking-adds-up", "loop-stalled", "executor-overlaps", "loop-stays-free",
                                     "threads-do-not-speed-up-cpu"}),
    "asyncio-future": ("asyncio", {"future-resolved-by-another-task", "exception-travels", "timeout-gives-up",
                                   "cancel-is-prompt"}),
    "futures": ("threads-io", {"submit-and-map-keep-order", "as-completed-fastest-first",
                                 "exception-through-future", "unconsumed-map-hides-error", "pool-size-sets-rounds"}),
    "queue-threads": ("coordination", {"every-item-once", "unbounded-queue-fills", "bounded-queue-pushes-back"}),
    "event": ("coordination", {"start-together", "stop-wait-is-prompt", "time-sleep-is-late"}),
    "semaphore": ("coordination", {"unlimited-floods", "semaphore-limits", "limit-costs-rounds",
                                   "bounded-catches-extra-release"}),
    "condition-barrier": ("coordination", {"if-is-wrong", "while-is-right", "barrier-keeps-phases",
                                           "barrier-costs-slowest"}),
    "io-examples": ("threads-io", {"local-only", "pool-of-five-overlaps", "files-counted", "sqlite-rows-counted",
                                   "scraper-follows-links"}),
}


@functools.cache
def result(lab_id: str) -> LabResult:
    """Each lab runs once per test session; several tests read the same result."""
    return run_lab(registry().lab(lab_id), quick=True)


def held(res: LabResult, claim_id: str) -> bool | None:
    return next(c.held for c in res.claims if c.id == claim_id)


def lanes(res: LabResult, kind: str | None = None) -> set[str]:
    return {s.lane for s in res.spans if kind is None or s.lane_kind == kind}


# -- every lab: registered, prose in both languages, claims present, JSON shape ---------


@pytest.mark.parametrize("lab_id", sorted(LABS))
def test_lab_is_registered_with_prose_and_claims(lab_id: str) -> None:
    lab = registry().lab(lab_id)
    chapter, claim_ids = LABS[lab_id]
    assert lab.chapter == chapter
    assert {c.id for c in lab.claims} == claim_ids
    for lang in ("en", "ja"):
        prose = registry().prose(lab_id, lang)
        assert "<!-- results -->" in prose
        assert f"conclab show {lab_id}" in prose
    assert set(lab.title) == set(lab.summary) == {"en", "ja"}


@pytest.mark.parametrize("lab_id", sorted(LABS))
def test_quick_run_is_fast_clean_and_json_shaped(lab_id: str) -> None:
    res = result(lab_id)
    assert res.leftover_processes == []
    assert {c.id for c in res.claims} == LABS[lab_id][1]
    assert res.duration_s < 5.0  # about 1 s or less here; wide for a loaded CI machine
    data = json.loads(json.dumps(res.to_json()))
    assert data["lab"] == lab_id and data["spans"] and data["claims"]
    for claim in data["claims"]:
        assert claim["text"] and "{" not in claim["text"], claim  # every figure filled in


# -- asyncio ----------------------------------------------------------------------------


def test_asyncio_basics_draws_one_lane_per_task() -> None:
    res = result("asyncio-basics")
    m = res.measured
    assert {"main", "task-A", "task-B", "gather-A", "gather-B", "gather-C",
            "task-waiter", "task-cook"} <= lanes(res, "task")
    assert {"group-A", "group-B", "group-C"} <= lanes(res, "task") or not m["taskgroup_native"]
    assert {s.name for s in res.spans if s.lane == "task-waiter"} >= {
        "running (CPU)", "blocked (await)", "ready (waiting for the loop)"}
    assert held(res, "one-task-runs-at-a-time") is True and m["running_overlap_s"] == 0.0
    assert m["create_task_s"] < 0.8 * m["sequential_s"]
    assert m["ready_s"] > 0.2 * m["expected_ready_s"]


def test_asyncio_blocking_shows_the_stall_on_the_probe_lane() -> None:
    res = result("asyncio-blocking")
    m = res.measured
    assert {"probe", "task-A", "task-B", "main"} <= lanes(res, "task")
    blocking = next(s for s in res.spans if s.name == "blocking")
    beats = [s for s in res.spans if s.lane == "probe" and s.name == "beat"
             and blocking.start_s <= s.start_s <= blocking.end_s]
    assert max(b.duration_s for b in beats) >= 0.8 * m["seconds_s"]  # the stall, drawn
    assert {s.lane for s in res.spans if s.name.startswith("blocking_io")} & {"task-A", "task-B"}
    assert any(lane.startswith(("pool_", "asyncio_")) for lane in lanes(res, "thread"))
    assert m["blocking_lag_s"] > 3 * m["executor_lag_s"]
    assert m["blocking_s"] > 1.3 * m["executor_s"]


def test_asyncio_future_resolution_timeout_and_cancel() -> None:
    res = result("asyncio-future")
    m = res.measured
    assert {"main", "courier", "slow-job", "worker"} <= lanes(res, "task")
    assert m["value"] == "parcel" and m["error_value"] == "error: parcel lost in transit"
    assert m["timed_out"] and m["timeout_job_cancelled"] and m["timeout_cleanup_ran"]
    assert m["cancelled"] and m["cancel_cleanup_ran"]
    assert m["timeout_s"] < 1.0 < m["slow_s"]
    assert m["cancel_stop_s"] < 0.5


# -- coordination -----------------------------------------------------------------------


def test_futures_order_errors_and_unconsumed_map() -> None:
    res = result("futures")
    m = res.measured
    assert m["submit_results"] == m["map_results"] == ["A done", "B done", "C done"]
    assert sorted(m["as_completed_results"]) == m["submit_results"]
    assert m["as_completed_results"][-1] == "A done"  # the slowest job, by 2x: last even on a busy machine
    assert m["future_error"] == "caught: row 13 is malformed"
    assert m["unconsumed"] == "no error seen" and m["unconsumed_saves"] == 20
    assert m["consumed"] == "caught: row 13 is malformed"
    # A pool reuses an idle thread before starting a new one, so a busy machine may use fewer.
    assert m["pool_lanes"][1] == 1
    assert all(1 <= m["pool_lanes"][w] <= w for w in (2, 4, 8))
    assert m["pool1_s"] > 2 * m["pool8_s"]


def test_queue_depths_and_back_pressure() -> None:
    res = result("queue-threads")
    m = res.measured
    assert held(res, "every-item-once") is True
    for name in ("unbounded", "bounded"):
        assert len(m[f"{name}_depths"]) == m["items"] == m[f"{name}_handled"]
    assert max(m["bounded_depths"]) <= 3
    assert max(m["unbounded_depths"]) > 3
    assert m["bounded_producer_s"] > m["unbounded_producer_s"]
    assert {"producer", "consumer-0", "consumer-1"} <= lanes(res, "thread")


def test_event_start_and_shutdown() -> None:
    res = result("event")
    m = res.measured
    assert m["polite_started"] == m["sleepy_started"] == 3
    assert m["polite_early"] == m["sleepy_early"] == 0
    assert m["polite_alive_after"] == m["sleepy_alive_after"] == 0
    assert m["polite_shutdown_s"] < m["sleepy_shutdown_s"]
    assert m["sleepy_shutdown_s"] >= 0.3 * m["expected_sleepy_s"]


def test_semaphore_peak_comes_from_the_server() -> None:
    res = result("semaphore")
    m = res.measured
    assert held(res, "semaphore-limits") is True and held(res, "bounded-catches-extra-release") is True
    assert 1 <= m["limited_peak"] <= 3 < m["unlimited_peak"] <= 8
    assert m["served"] == 8 and m["loopback"]
    assert any(s.name.startswith("GET /delay/") for s in res.spans)  # the server's own spans


def test_condition_if_fails_every_time_and_barrier_keeps_phases() -> None:
    res = result("condition-barrier")
    for claim in ("if-is-wrong", "while-is-right", "barrier-keeps-phases"):
        assert held(res, claim) is True, claim
    phase1 = [s for s in res.spans if s.name == "phase 1"]
    phase2 = [s for s in res.spans if s.name == "phase 2"]
    assert len(phase1) == len(phase2) == 3
    assert min(s.start_s for s in phase2) >= max(s.end_s for s in phase1)


def test_io_examples_rows_files_and_local_urls() -> None:
    res = result("io-examples")
    m = res.measured
    for claim in ("local-only", "files-counted", "sqlite-rows-counted", "scraper-follows-links"):
        assert held(res, claim) is True, claim
    assert m["rows"] == 20 == m["inserts"] and m["db_removed"]
    assert 1 <= m["connections"] == m["db_threads"] <= 4
    assert m["statuses"] == [200] and m["same_answers"]
    assert m["sequential_s"] > m["pool5_s"]


# -- claim logic on made-up figures: each claim fails when what it states is false -------


@pytest.mark.parametrize(("lab_id", "claim_id", "good", "bad"), [
    ("asyncio-blocking", "loop-stalled", {"blocking_lag_s": 0.9, "seconds_s": 0.5},
     {"blocking_lag_s": 0.01, "seconds_s": 0.5}),
    ("asyncio-blocking", "threads-do-not-speed-up-cpu",
     {"cpu_ratio": 1.02, "cpu_threads_s": 1, "cpu_in_turn_s": 1, "cpu_threads_cores": 0.99},
     {"cpu_ratio": 0.5, "cpu_threads_s": 0.5, "cpu_in_turn_s": 1, "cpu_threads_cores": 1.95}),
    ("queue-threads", "bounded-queue-pushes-back",
     {"bounded_max_depth": 3, "maxsize": 3, "bounded_producer_s": 0.3, "held_back_s": 0.28},
     {"bounded_max_depth": 4, "maxsize": 3, "bounded_producer_s": 0.3, "held_back_s": 0.28}),
    ("semaphore", "semaphore-limits", {"limited_peak": 3, "limit": 3, "served": 8, "threads": 8},
     {"limited_peak": 4, "limit": 3, "served": 8, "threads": 8}),
    ("futures", "unconsumed-map-hides-error",
     {"unconsumed": "no error seen", "unconsumed_saves": 20, "rows": 20, "consumed": "caught: row 13 is malformed"},
     {"unconsumed": "no error seen", "unconsumed_saves": 12, "rows": 20, "consumed": "caught: row 13 is malformed"}),
    ("io-examples", "sqlite-rows-counted",
     {"rows": 20, "users": 20, "inserts": 20, "connections": 4, "db_workers": 4, "db_threads": 4, "db_removed": True},
     {"rows": 19, "users": 20, "inserts": 20, "connections": 4, "db_workers": 4, "db_threads": 4, "db_removed": True}),
    ("event", "stop-wait-is-prompt", {"polite_shutdown_s": 0.001, "pause_s": 0.5, "polite_alive_after": 0},
     {"polite_shutdown_s": 0.45, "pause_s": 0.5, "polite_alive_after": 0}),
])
def test_claim_logic(lab_id: str, claim_id: str, good: dict, bad: dict, machine: Machine) -> None:
    claim = next(c for c in registry().lab(lab_id).claims if c.id == claim_id)
    for lang in ("en", "ja"):
        assert evaluate(claim, good, machine, lang).held is True
        failed = evaluate(claim, bad, machine, lang)
        assert failed.held is False and failed.reason
