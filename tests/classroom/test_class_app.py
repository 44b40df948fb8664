"""The class server's HTTP door, in-process (Starlette's TestClient): who may do what, and bad input."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from class_helpers import a_result
from starlette.testclient import TestClient

from conclab.classroom import MAX_BODY_BYTES, ClassStore
from conclab.classroom.server import COOKIE, ClassServer, create_app

EXERCISES = ["future-handoff", "fix-deadlock"]


class Class:
    def __init__(self, tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
        self.store = ClassStore(tmp_path / "class.db", clock=clock)
        opened = self.store.open()
        assert opened.instructor_token
        self.token, self.code = opened.instructor_token, opened.join_code
        self.server = ClassServer(self.store, EXERCISES, clock=clock)
        self.client = TestClient(create_app(self.server))

    def join(self, name: str = "Ann") -> dict[str, str]:
        reply = self.client.post("/api/join", json={"code": self.code, "name": name})
        assert reply.status_code == 201, reply.text
        return {"Authorization": f"Bearer {reply.json()['token']}"}

    def instructor(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def room(tmp_path: Path, fake_clock) -> Iterator[Class]:  # type: ignore[no-untyped-def]
    made = Class(tmp_path, fake_clock)
    with made.client:
        yield made


def test_a_learner_sends_a_result_once_and_a_resend_is_no_copy(room: Class) -> None:
    ann = room.join()
    body = a_result().to_json()
    first = room.client.post("/api/results", json=body, headers=ann)
    again = room.client.post("/api/results", json=body, headers=ann)
    assert (first.status_code, first.json()["stored"]) == (201, True)
    assert (again.status_code, again.json()["stored"]) == (200, False)
    assert room.store.count_results() == 1


@pytest.mark.parametrize(("change", "status", "words"), [
    ({"exercise": "no-such-exercise"}, 422, "unknown exercise 'no-such-exercise'"),
    ({"id": "short"}, 422, "'id' must be 32"),
    ({"passed": "yes"}, 422, "'passed' must be true or false"),
    ({"attempt": -1}, 422, "'attempt' must be a number"),
    ({"checks": "all good"}, 422, "'checks' must be a list"),
])
def test_bad_results_get_a_clear_4xx(room: Class, change: dict[str, object], status: int, words: str,
                                     caplog: pytest.LogCaptureFixture) -> None:
    ann = room.join()
    with caplog.at_level(logging.WARNING, logger="conclab.classroom"):
        reply = room.client.post("/api/results", json={**a_result().to_json(), **change}, headers=ann)
    assert reply.status_code == status and words in reply.json()["error"]
    assert words in caplog.text  # and it is logged
    assert room.store.count_results() == 0


def test_malformed_json_and_oversized_bodies(room: Class) -> None:
    ann = room.join()
    bad = room.client.post("/api/results", content=b"{not json", headers=ann)
    assert bad.status_code == 400 and "not JSON" in bad.json()["error"]
    big = room.client.post("/api/results", content=b" " * (MAX_BODY_BYTES + 1), headers=ann)
    assert big.status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap holds while reading
        for _ in range(MAX_BODY_BYTES // 1024 + 2):
            yield b" " * 1024

    streamed = room.client.post("/api/results", content=chunks(), headers=ann)
    assert streamed.status_code == 413


def test_bad_tokens_and_codes(room: Class) -> None:
    body = a_result().to_json()
    assert room.client.post("/api/results", json=body).status_code == 401
    assert room.client.post("/api/results", json=body,
                            headers={"Authorization": "Bearer 1.guess"}).status_code == 401
    wrong = room.client.post("/api/join", json={"code": "WRONG123", "name": "Eve"})
    assert wrong.status_code == 403 and "wrong join code" in wrong.json()["error"]
    blank = room.client.post("/api/join", json={"code": room.code, "name": "  "})
    assert blank.status_code == 400 and "'name'" in blank.json()["error"]


def test_nothing_about_the_room_without_the_instructor(room: Class) -> None:
    ann = room.join()
    for path in ("/api/room", "/api/events", "/export.csv"):
        assert room.client.get(path).status_code == 401
        assert room.client.get(path, headers=ann).status_code == 401  # a learner's token is not enough
    assert room.client.post("/api/rotate-code", headers=ann).status_code == 401
    page = room.client.get("/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    assert room.client.get("/api/room", headers=room.instructor()).status_code == 200


def test_login_sets_a_cookie_and_the_page_needs_it(room: Class) -> None:
    refused = room.client.post("/login", data={"token": "guess"})
    assert refused.status_code == 401 and COOKIE not in room.client.cookies
    reply = room.client.post("/login", data={"token": room.token}, follow_redirects=False)
    assert reply.status_code == 303 and "httponly" in reply.headers["set-cookie"].lower()
    assert "samesite=strict" in reply.headers["set-cookie"].lower()
    page = room.client.get("/?lang=ja")
    assert page.status_code == 200 and "つまずいている人" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # nothing from the internet
    assert room.client.get("/api/room").status_code == 200
    # Rotating the code from the page needs its header (a cross-site form cannot send it).
    assert room.client.post("/api/rotate-code").status_code == 403
    rotated = room.client.post("/api/rotate-code", headers={"X-Conclab": "1"})
    assert rotated.status_code == 200 and rotated.json()["join_code"] != room.code
    assert room.client.post("/api/join", json={"code": room.code, "name": "Late"}).status_code == 403
    room.client.post("/logout")
    assert room.client.get("/api/room").status_code == 401


def test_the_live_feed_sends_the_room(room: Class) -> None:
    ann = room.join()
    room.client.post("/api/results", json=a_result(passed=True).to_json(), headers=ann)
    with room.client.stream("GET", "/api/events", headers=room.instructor()) as feed:
        assert feed.headers["content-type"].startswith("text/event-stream")
        lines = feed.iter_lines()
        assert next(lines) == "event: room"
        data = json.loads(next(lines).removeprefix("data: "))
    assert data["learners"][0]["cells"]["future-handoff"]["state"] == "passed"
    assert data["join_code"] == room.code


def test_csv_export(room: Class) -> None:
    ann = room.join()
    room.client.post("/api/results", json=a_result().to_json(), headers=ann)
    reply = room.client.get("/export.csv", headers=room.instructor())
    assert reply.headers["content-type"].startswith("text/csv")
    assert "Ann,future-handoff,failing,1" in reply.text
