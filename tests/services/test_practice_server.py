"""The practice server: endpoints, and gauges that are exact, checked without sleeping."""

from __future__ import annotations

import json

import pytest
from services_helpers import get, released_together

from conclab.services import PracticeServer, run_load


@pytest.fixture
def practice() -> PracticeServer:
    with PracticeServer() as server:
        yield server


def test_peak_in_flight_is_exact_with_barrier_released_clients(practice: PracticeServer) -> None:
    n = 30
    threads, results = released_together(n, lambda: get(practice.url + "/delay/30")[0])
    # Held in /delay until released: wait on the gauge's condition, never a sleep.
    assert practice.wait_for(lambda stats: stats["in_flight"] == n, timeout=10)
    assert practice.stats() == {"served": 0, "in_flight": n, "peak_in_flight": n}
    assert json.loads(get(practice.url + "/stats")[2]) == practice.stats()  # /stats is not counted
    practice.release_delays()
    for thread in threads:
        thread.join()
    assert results == [200] * n
    assert practice.stats() == {"served": n, "in_flight": 0, "peak_in_flight": n}
    status, _, body = get(practice.url + "/stats/reset", method="POST")
    assert status == 200 and json.loads(body) == {"served": 0, "in_flight": 0, "peak_in_flight": 0}


def test_handles_more_than_a_hundred_slow_requests_at_once(practice: PracticeServer) -> None:
    n = 120
    threads, results = released_together(n, lambda: get(practice.url + "/delay/30")[0])
    assert practice.wait_for(lambda stats: stats["in_flight"] == n, timeout=20)
    practice.release_delays()
    for thread in threads:
        thread.join()
    assert results == [200] * n and practice.stats()["peak_in_flight"] == n


def test_sequential_requests_peak_at_one(practice: PracticeServer) -> None:
    report = run_load(practice.url + "/delay/0", concurrency=1, requests=5)
    assert report.ok == 5 and report.counter is None
    # The load client's GET /count probe is not counted in the learner's gauges.
    assert practice.stats() == {"served": 5, "in_flight": 0, "peak_in_flight": 1}


def test_endpoints(practice: PracticeServer) -> None:
    status, headers, body = get(practice.url + "/delay/0.01")
    assert status == 200 and json.loads(body) == {"delay": 0.01, "url": "/delay/0.01"}
    assert get(practice.url + "/status/418")[0] == 418
    assert get(practice.url + "/status/503")[0] == 503
    assert get(practice.url + "/status/abc")[0] == 400
    assert get(practice.url + "/delay/999")[0] == 400
    status, headers, body = get(practice.url + "/html")
    assert headers["Content-Type"].startswith("text/html") and b"<h1>" in body
    assert "course" in json.loads(get(practice.url + "/json")[2])
    assert get(practice.url + "/xml")[2].startswith(b"<?xml")
    assert get(practice.url + "/robots.txt")[2] == b"User-agent: *\nDisallow: /deny\n"
    first, second = get(practice.url + "/bytes/64")[2], get(practice.url + "/bytes/64")[2]
    assert len(first) == 64 and first == second != get(practice.url + "/bytes/64?seed=1")[2]
    assert get(practice.url + "/nowhere")[0] == 404
    assert b"/delay/{seconds}" in get(practice.url + "/")[2]
    assert get(practice.url + "/")[1]["Server"].startswith("conclab")


def test_log_lines_and_stop_releases_sleeping_delays() -> None:
    server = PracticeServer().start()
    threads, results = released_together(2, lambda: get(server.url + "/delay/60")[0])
    assert server.wait_for(lambda stats: stats["in_flight"] == 2)
    server.stop()  # must not wait 60 s: stop() ends the sleeps
    for thread in threads:
        thread.join(timeout=10)
    assert results == [200, 200]
    assert server.log_lines[0].startswith("start GET /delay/60  (handler-")
    assert server.log_lines[-1].startswith("end   GET /delay/60  status 200")
