"""The class store and the room view: idempotent results, hashed secrets, stuck marks on a fake clock."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from class_helpers import a_result

from conclab.classroom import ClassStore, Room, StuckRule
from conclab.errors import ConclabError

EXERCISES = ["future-handoff", "fix-deadlock"]


@pytest.fixture
def store(tmp_path: Path, fake_clock) -> ClassStore:  # type: ignore[no-untyped-def]
    return ClassStore(tmp_path / "class.db", clock=fake_clock)


def test_the_class_is_created_once_and_its_token_is_stored_hashed(store: ClassStore, tmp_path: Path) -> None:
    first = store.open()
    assert first.instructor_token and len(first.join_code) == 8
    again = store.open()
    assert again.instructor_token is None and again.join_code == first.join_code
    assert store.is_instructor(first.instructor_token) and not store.is_instructor("guess")
    raw = (tmp_path / "class.db").read_bytes() + (tmp_path / "class.db-wal").read_bytes()
    assert first.instructor_token.encode() not in raw
    renewed = store.open(new_token=True)
    assert renewed.instructor_token and not store.is_instructor(first.instructor_token)


def test_a_resent_result_is_stored_once(store: ClassStore) -> None:
    store.open()
    ann, _ = store.join("Ann")
    result = a_result()
    assert store.add_result(ann, result) is True
    assert store.add_result(ann, result) is False
    assert store.count_results() == 1


def test_results_survive_reopening_the_file(tmp_path: Path) -> None:
    store = ClassStore(tmp_path / "c.db")
    store.open()
    ann, _ = store.join("Ann")
    store.add_result(ann, a_result())
    # No close: as after a kill, another connection sees the committed result.
    with sqlite3.connect(tmp_path / "c.db") as other:
        assert other.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 1
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_learners_tokens_and_names(store: ClassStore) -> None:
    store.open()
    ann, token = store.join("Ann")
    second, _ = store.join("Ann")
    assert second.name == "Ann (2)"
    assert store.learner_for(token) == ann
    learner_id, _, secret = token.partition(".")
    assert store.learner_for(f"{second.id}.{secret}") is None  # another learner's id with Ann's secret
    assert store.learner_for("nonsense") is None and store.learner_for("") is None


def test_join_code_rotation(store: ClassStore) -> None:
    code = store.open().join_code
    assert store.is_join_code(code.lower())
    new = store.rotate_join_code()
    assert new != code and store.is_join_code(new) and not store.is_join_code(code)


def test_an_unwritable_database_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConclabError, match="cannot use the class database .*--db"):
        ClassStore(blocker / "class.db")


RULE = StuckRule(attempts=3, minutes=10)


def _room(store: ClassStore, now: float, rule: StuckRule = RULE) -> Room:
    return Room(EXERCISES, store.learners(), store.results(), now=now, rule=rule)


def test_cells_attempts_and_stuck_after_failed_attempts(store: ClassStore, fake_clock) -> None:  # type: ignore[no-untyped-def]
    store.open()
    ann, _ = store.join("Ann")
    bob, _ = store.join("Bob")
    for attempt in range(1, 4):
        store.add_result(ann, a_result(attempt=attempt))
    store.add_result(bob, a_result(passed=True))
    room = _room(store, fake_clock()).to_json()
    cells = {row["name"]: row["cells"] for row in room["learners"]}
    assert cells["Ann"]["future-handoff"]["state"] == "failing"
    assert cells["Ann"]["future-handoff"]["attempts"] == 3 and cells["Ann"]["future-handoff"]["stuck"]
    assert cells["Bob"]["future-handoff"]["state"] == "passed"
    assert "fix-deadlock" not in cells["Bob"]
    stats = {row["exercise"]: row for row in room["stats"]}
    assert stats["future-handoff"]["pass_rate"] == 0.5
    assert stats["future-handoff"]["common_failure"] == "hands over the result"
    assert stats["future-handoff"]["common_failure_count"] == 3
    assert stats["fix-deadlock"]["pass_rate"] is None


def test_stuck_after_minutes_since_the_last_pass(store: ClassStore, fake_clock) -> None:  # type: ignore[no-untyped-def]
    store.open()
    ann, _ = store.join("Ann")
    store.add_result(ann, a_result(passed=True))
    fake_clock.advance(60)
    store.add_result(ann, a_result("fix-deadlock"))
    assert not _room(store, fake_clock()).rows[ann.id].cells["fix-deadlock"].stuck
    fake_clock.advance(9 * 60)
    assert not _room(store, fake_clock()).rows[ann.id].cells["fix-deadlock"].stuck
    fake_clock.advance(60)
    cell = _room(store, fake_clock()).rows[ann.id].cells["fix-deadlock"]
    assert cell.stuck and cell.stuck_minutes == pytest.approx(10)
    store.add_result(ann, a_result("fix-deadlock", passed=True))
    assert not _room(store, fake_clock()).rows[ann.id].cells["fix-deadlock"].stuck


def test_csv_export_never_starts_a_formula(store: ClassStore, fake_clock) -> None:  # type: ignore[no-untyped-def]
    store.open()
    store.join("=HYPERLINK(\"x\")")
    text = _room(store, fake_clock()).to_csv()
    assert text.splitlines()[0] == "learner,exercise,state,attempts,stuck,last_failure"
    assert "'=HYPERLINK" in text and "\n=" not in text
