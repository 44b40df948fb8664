"""The learner's side: the outbox keeps every result until the server holds it; sending never fails a check."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from class_helpers import ThreadServer, a_result, closed_port_url, join

from conclab.classroom import SENDER, ClassConfig, ClassStore, Outbox, report_result

EXERCISES = ["future-handoff", "fix-deadlock"]


@pytest.fixture
def store(tmp_path: Path) -> ClassStore:
    made = ClassStore(tmp_path / "class.db")
    made.open()
    return made


def test_outbox_files_are_whole_and_oldest_first(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox")
    later, earlier = a_result(checked_at=2000.0), a_result(checked_at=1000.0)
    outbox.put(later)
    outbox.put(earlier)
    assert [json.loads(p.read_text())["id"] for p in outbox.pending()] == [earlier.id, later.id]
    assert not list((tmp_path / "outbox").glob(".tmp-*"))


def test_server_down_keeps_results_and_the_next_send_delivers_each_once(tmp_path: Path,
                                                                        store: ClassStore) -> None:
    outbox = Outbox(tmp_path / "outbox")
    outbox.put(a_result())
    with ThreadServer(store, EXERCISES) as server:
        config = join(server.url, store.join_code(), "Ann")
    down = outbox.send(ClassConfig(closed_port_url(), config.name, config.token))
    assert down.error and "cannot reach" in down.error and len(outbox.pending()) == 1
    copy = outbox.pending()[0].read_bytes()
    with ThreadServer(store, EXERCISES) as server:
        config = ClassConfig(server.url, config.name, config.token)
        sent = outbox.send(config)
        assert (sent.sent, sent.duplicates, sent.error) == (1, 0, None) and not outbox.pending()
        # The reply was lost (say) and the file came back: a resend is no copy.
        (outbox.folder / "again.json").write_bytes(copy)
        again = outbox.send(config)
        assert (again.sent, again.duplicates) == (0, 1) and not outbox.pending()
    assert store.count_results() == 1


def test_a_refused_result_is_kept_aside_not_resent_forever(tmp_path: Path, store: ClassStore) -> None:
    outbox = Outbox(tmp_path / "outbox")
    outbox.put(a_result("an-exercise-from-a-newer-conclab"))
    outbox.put(a_result())
    with ThreadServer(store, EXERCISES) as server:
        report = outbox.send(join(server.url, store.join_code(), "Ann"))
    assert (report.sent, report.rejected) == (1, 1) and not outbox.pending()
    (kept,) = outbox.rejected()
    assert "unknown exercise" in kept.with_suffix(".reason").read_text()


def test_a_revoked_token_keeps_results_waiting(tmp_path: Path, store: ClassStore) -> None:
    outbox = Outbox(tmp_path / "outbox")
    outbox.put(a_result())
    with ThreadServer(store, EXERCISES) as server:
        report = outbox.send(ClassConfig(server.url, "Ann", "1.not-a-token"))
    assert report.error and "401" in report.error and len(outbox.pending()) == 1


def test_report_result_does_nothing_outside_a_class_and_never_raises(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONCLAB_CONFIG_DIR", str(tmp_path / "config"))
    verdict = {"exercise": "future-handoff", "passed": True, "checks": [], "elapsed_s": 0.1}
    assert report_result(verdict, attempt=1, source="check", conclab="0.1.0", cores=2) is False
    ClassConfig(closed_port_url(), "Ann", "1.x").save()
    assert stat.S_IMODE(os.stat(tmp_path / "config" / "class.json").st_mode) == 0o600
    (tmp_path / "config" / "class-outbox").write_text("a file where the outbox folder should be")
    assert report_result(verdict, attempt=1, source="check", conclab="0.1.0", cores=2) is False


def test_report_result_queues_then_sends_in_the_background(tmp_path: Path, store: ClassStore,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONCLAB_CONFIG_DIR", str(tmp_path / "config"))
    verdict = {"exercise": "future-handoff", "passed": False, "elapsed_s": 0.2,
               "checks": [{"name": "hands over", "passed": False, "detail": "x" * 5000}]}
    with ThreadServer(store, EXERCISES) as server:
        join(server.url, store.join_code(), "Ann").save()
        assert report_result(verdict, attempt=3, source="watch", conclab="0.1.0", cores=2)
        SENDER.wait(timeout=10)
    assert SENDER.last is not None and SENDER.last.sent == 1
    (stored,) = store.results()
    assert stored.attempt == 3 and len(stored.checks[0]["message"]) == 1000  # messages are capped
    assert not Outbox().pending()


def test_the_hook_in_check_and_watch_never_fails_the_check(tmp_path: Path, store: ClassStore,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from conclab.cli._class import send_verdict
    from conclab.exercises import CheckResult, Verdict, Workspace

    monkeypatch.setenv("CONCLAB_CONFIG_DIR", str(tmp_path / "config"))
    send_verdict(object(), object(), "watch")  # nonsense in: nothing raised
    workspace = Workspace(tmp_path / "ws")
    workspace.progress.record_check("future-handoff", False)
    workspace.progress.record_check("future-handoff", False)
    verdict = Verdict("future-handoff", (CheckResult("hands over", False, "lost"),), 0.4)
    with ThreadServer(store, EXERCISES) as server:
        join(server.url, store.join_code(), "Ann").save()
        send_verdict(workspace, verdict, "watch")
        SENDER.wait(timeout=10)
    (stored,) = store.results()
    assert stored.attempt == 2 and stored.checks == [{"name": "hands over", "passed": False, "message": "lost"}]


def test_watch_passes_every_event_on_and_sends_each_verdict(tmp_path: Path, store: ClassStore,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from conclab.cli._class import verdicts_to_class
    from conclab.exercises import CheckResult, Verdict, WatchEvent, Workspace

    monkeypatch.setenv("CONCLAB_CONFIG_DIR", str(tmp_path / "config"))
    workspace = Workspace(tmp_path / "ws")
    workspace.progress.record_check("future-handoff", True)
    shown: list[str] = []
    handler = verdicts_to_class(workspace, lambda event: shown.append(event.kind))
    verdict = Verdict("future-handoff", (CheckResult("hands over", True, "ok"),), 0.4)
    with ThreadServer(store, EXERCISES) as server:
        join(server.url, store.join_code(), "Ann").save()
        for event in (WatchEvent("checking"), WatchEvent("verdict", verdict=verdict), WatchEvent("stopped")):
            handler(event)
        SENDER.wait(timeout=10)
    assert shown == ["checking", "verdict", "stopped"]
    (stored,) = store.results()
    assert stored.passed and stored.exercise == "future-handoff"
