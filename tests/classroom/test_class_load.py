"""Many learners at once, and a server killed with SIGKILL mid-run: every result reaches the database once.

Bounded here (a few seconds); ``benchmarks/class_server.py`` runs the issue's
200 learners x 20 results and prints throughput and p99 latency.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from class_helpers import ServerProcess, check_through_a_kill, post_concurrently, stored_ids

from conclab.curriculum.exercises import catalogue


def test_concurrent_learners_all_stored(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "class.db").start()
    try:
        figures = post_concurrently(server.url, server.code, learners=20, per_learner=5,
                                    exercises=catalogue().ids())
    finally:
        server.stop()
    assert figures.results == 100 and len(stored_ids(tmp_path / "class.db")) == 100


def test_a_killed_server_loses_no_accepted_result_and_resends_are_stored_once(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "class.db").start()
    try:
        figures = check_through_a_kill(server, tmp_path / "outboxes", learners=12, per_learner=8,
                                       exercises=catalogue().ids())
        assert server.process is not None and server.process.poll() is None  # it answers again
    finally:
        server.stop()
    stored = stored_ids(tmp_path / "class.db")
    assert len(figures.made) == 96 and figures.room_s  # the instructor's view answered meanwhile
    assert Counter(stored) == Counter(figures.made)  # every result made, exactly once
    assert not list((tmp_path / "outboxes").rglob("*.json"))  # nothing left waiting
