"""``conclab route``: the routes add up, every stop exists, and the learner sees where they are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conclab.cli._route import MESSAGES
from conclab.curriculum import registry
from conclab.curriculum.exercises import catalogue
from conclab.curriculum.handson import HANDSONS
from conclab.curriculum.routes import find_route, routes
from conftest import assert_golden, invoke


def test_bootcamp_90_adds_up_to_90_minutes_and_follows_the_hands_on_in_order() -> None:
    route = find_route("bootcamp-90")
    assert route.minutes == 90
    steps = [s.target for s in route.steps if s.kind == "handson"]
    assert steps == [f"web-counter:{n}" for n in range(1, 8)]


@pytest.mark.parametrize("name", [r.name for r in routes()])
def test_every_stop_of_every_route_exists(name: str) -> None:
    labs = {lab.id for lab in registry().labs()}
    exercises = set(catalogue().ids())
    steps = {f"{h.id}:{s.number}" for h in HANDSONS for s in h.steps}
    known = {"lab": labs, "exercise": exercises, "handson": steps}
    for stop in find_route(name).steps:
        assert stop.target in known[stop.kind], (name, stop)
        assert stop.minutes > 0


def test_full_route_has_every_lab_exercise_and_step_once() -> None:
    full = find_route("full")
    targets = [s.target for s in full.steps]
    assert len(targets) == len(set(targets))
    assert set(targets) == ({lab.id for lab in registry().labs()} | set(catalogue().ids())
                            | {f"web-counter:{n}" for n in range(1, 8)})


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_route_screens_are_golden_and_fit_80_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     lang: str) -> None:
    from rich.cells import cell_len

    monkeypatch.chdir(tmp_path)
    (tmp_path / ".conclab").mkdir()
    (tmp_path / ".conclab" / "handson.json").write_text('{"web-counter": {"passed": [1, 2]}}')
    listing = invoke("route", "--lang", lang)
    shown = invoke("route", "bootcamp-90", "--lang", lang)
    assert listing.exit_code == 0 and shown.exit_code == 0
    text = listing.stdout + "\n" + shown.stdout
    assert_golden(f"route_{lang}_80.txt", text)
    assert all(cell_len(line) <= 80 for line in text.splitlines())
    assert "…" not in text  # titles wrap; a learner choosing a route reads all of them
    assert "seed" not in text  # sources are named by their titles, not by our file names
    assert "▶ 0:30" in shown.stdout  # past web-counter 2: the lab after it is next
    assert shown.stdout.splitlines()[-1].endswith("conclab run fork-vs-thread")


def test_route_json_marks_passed_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".conclab").mkdir()
    (tmp_path / ".conclab" / "handson.json").write_text('{"web-counter": {"passed": [7]}}')
    data = json.loads(invoke("route", "bootcamp-90", "--json").stdout)
    assert data["minutes"] == 90
    assert [s["target"] for s in data["steps"] if s["done"]] == ["web-counter:7"]


@pytest.mark.parametrize(("args", "expected"), [
    (["nosuch"], "unknown route 'nosuch'; known routes: bootcamp-90, full, best-practice"),
    (["full", "--dir", "not-a-workspace"], "not-a-workspace is not a conclab exercises workspace"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str],
                                         expected: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("route", *args)
    lines = result.stderr.splitlines()
    assert result.exit_code == 2 and len(lines) == 1 and expected in lines[0]


def test_every_message_exists_in_both_languages() -> None:
    assert MESSAGES.missing() == []


@pytest.mark.parametrize("doc", ["instructor.md", "instructor.ja.md"])
def test_the_instructor_notes_follow_the_bootcamp_route(doc: str) -> None:
    text = (Path(__file__).parent.parent / "docs" / doc).read_text(encoding="utf-8")
    start = 0
    for stop in find_route("bootcamp-90").steps:
        row = f"| {start // 60}:{start % 60:02d} | {stop.minutes} | `{stop.command}` |"
        assert row in text, row
        start += stop.minutes
