"""The instructor's page in headless Chromium (Playwright driving Debian's chromium).

A learner's check turns a cell green live, the stuck mark appears, the page loads
nothing from outside its server, and screenshots of the room in English and
Japanese, at phone and projector width, are saved under ``test-artifacts/``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from class_helpers import ThreadServer, a_result

from conclab.classroom import ClassStore, Result
from conclab.curriculum.exercises import catalogue

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)")
playwright_api = pytest.importorskip("playwright.sync_api")


class Room:
    def __init__(self, tmp_path: Path) -> None:
        self.exercises = catalogue().ids()
        self.store = ClassStore(tmp_path / "class.db")
        opened = self.store.open()
        assert opened.instructor_token
        self.token = opened.instructor_token
        self.tokens: dict[str, str] = {}

    def join(self, name: str) -> None:
        self.tokens[name] = self.store.join(name)[1]

    def post(self, url: str, name: str, result: Result) -> None:
        reply = requests.post(f"{url}/api/results", json=result.to_json(), timeout=10,
                              headers={"Authorization": f"Bearer {self.tokens[name]}"})
        assert reply.status_code == 201, reply.text


@pytest.fixture
def room(tmp_path: Path) -> Iterator[tuple[Room, ThreadServer]]:
    made = Room(tmp_path)
    for name in ("Ann", "Bob", "佐藤 花子", "Chen Wei", "Dana"):
        made.join(name)
    with ThreadServer(made.store, made.exercises) as server:
        first, second, third = made.exercises[:3]
        for name in ("Ann", "佐藤 花子", "Chen Wei", "Dana"):
            made.post(server.url, name, a_result(first, passed=True))
        made.post(server.url, "佐藤 花子", a_result(second, passed=True))
        made.post(server.url, "Chen Wei", a_result(second, message="the lock was never released"))
        made.post(server.url, "Dana", a_result(second, passed=True))
        made.post(server.url, "Dana", a_result(third))
        yield made, server


@pytest.fixture
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


def _open(browser: Any, url: str, token: str, width: int, lang: str) -> tuple[Any, list[str], list[str]]:
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="ja-JP" if lang == "ja" else "en-US")
    requested: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{url}/?lang={lang}")
    page.fill("input[name=token]", token)
    page.click("button[type=submit]")
    page.wait_for_selector("#live.on", timeout=10_000)
    return page, requested, errors


def test_a_check_turns_a_cell_green_live_and_stuck_marks_appear(room: tuple[Room, ThreadServer],
                                                                browser: Any) -> None:
    made, server = room
    page, requested, errors = _open(browser, server.url, made.token, 390, "en")
    exercise = made.exercises[0]
    cell = f'td[data-learner="Bob"][data-exercise="{exercise}"]'
    assert page.get_attribute(cell, "data-state") == "not-started"
    started = time.perf_counter()
    made.post(server.url, "Bob", a_result(exercise, passed=True))
    page.wait_for_selector(f'{cell}[data-state="passed"]', timeout=5_000)
    seen_after = time.perf_counter() - started
    assert seen_after < 1.0, f"the cell turned green {seen_after:.2f} s after the check"

    stuck_on = made.exercises[1]
    for attempt in range(1, 6):  # the default rule: 5 failed attempts
        made.post(server.url, "Bob", a_result(stuck_on, attempt=attempt, message="deadlock: both wait"))
    page.wait_for_selector(f'#stuck li[data-learner="Bob"][data-exercise="{stuck_on}"]', timeout=5_000)
    assert "stuck" in (page.get_attribute(f'td[data-learner="Bob"][data-exercise="{stuck_on}"]', "class") or "")
    assert "deadlock: both wait" in page.inner_text("#stuck")
    page.select_option("#sort", "stuck")
    assert page.inner_text("#grid tr:nth-child(2) td.name") == "Bob"  # stuck learners first
    stats = page.inner_text(f'#stats tr[data-exercise="{stuck_on}"]')
    assert "hands over the result ×" in stats  # the check the room fails most, to explain to everyone
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "class-dashboard-en-phone.png"), full_page=True)
    assert not errors, errors
    assert all(url.startswith(server.url) for url in requested), requested  # nothing from outside


def test_the_room_in_japanese_on_a_phone_and_on_a_projector(room: tuple[Room, ThreadServer],
                                                            browser: Any) -> None:
    made, server = room
    for attempt in range(1, 6):
        made.post(server.url, "Chen Wei", a_result(made.exercises[1], attempt=attempt + 1,
                                                    message="the lock was never released"))
    page, _, errors = _open(browser, server.url, made.token, 390, "ja")
    page.wait_for_selector('#stuck li[data-learner="Chen Wei"]', timeout=5_000)
    assert "つまずいている人" in page.inner_text("body") and "佐藤 花子" in page.inner_text("#grid")
    # On a phone the page itself does not scroll sideways: only the grid does.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "class-dashboard-ja-phone.png"), full_page=True)
    wide, _, more_errors = _open(browser, server.url, made.token, 1280, "ja")
    wide.click("#big")
    assert "big" in (wide.get_attribute("body", "class") or "")
    wide.screenshot(path=str(ARTIFACTS / "class-dashboard-ja-projector.png"), full_page=True)
    assert not errors and not more_errors
