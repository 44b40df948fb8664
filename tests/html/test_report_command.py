"""``conclab report``: labs of a chapter (or all) in one page with a table of contents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from html_helpers import assert_self_contained, parse_page

from conclab.curriculum import registry
from conftest import invoke


def _chapter_of(lab_id: str) -> str:
    return registry().lab(lab_id).chapter


def test_a_chapter_report_has_contents_and_every_lab(tmp_path: Path) -> None:
    chapter = _chapter_of("io-threads")
    page = tmp_path / "report.html"
    result = invoke("report", "--chapter", chapter, "--quick", "--html", str(page))
    assert result.exit_code in (0, 1), result.stderr  # 1 only when a claim did not hold here
    labs = [lab.id for lab in registry().labs(chapter)]
    text = page.read_text(encoding="utf-8")
    assert_self_contained(text)
    found = parse_page(text)
    assert found.articles == labs
    assert [f"#lab-{lab}" for lab in labs] == [link for link in found.links if link.startswith("#lab-")]
    for lab in labs:
        assert f" {lab} " in result.stdout
    assert f"wrote {page}" in result.stdout


def test_an_unknown_chapter_is_one_line() -> None:
    result = invoke("report", "--chapter", "nope", "--quick")
    assert result.exit_code == 2
    assert result.stderr.startswith("conclab: error: no chapter named 'nope'")
    assert result.stderr.count("\n") == 1


def test_an_unwritable_report_fails_before_running(tmp_path: Path) -> None:
    result = invoke("report", "--quick", "--html", str(tmp_path / "no" / "r.html"))
    assert result.exit_code == 2 and "does not exist" in result.stderr
    assert result.stdout == ""


def test_a_workspace_adds_exercise_progress(tmp_path: Path) -> None:
    exercises = pytest.importorskip("conclab.exercises")
    workspace = tmp_path / "ws"
    (workspace / ".conclab").mkdir(parents=True)
    (workspace / ".conclab" / "workspace.json").write_text(json.dumps({"lang": "en"}))
    exercises.Workspace(workspace).progress.record_check("some-exercise", True)
    page = tmp_path / "report.html"
    result = invoke("report", "--chapter", _chapter_of("io-threads"), "--quick",
                    "--dir", str(workspace), "--html", str(page))
    assert result.exit_code in (0, 1), result.stderr
    assert "Exercises:" in result.stdout
    assert 'id="progress"' in page.read_text(encoding="utf-8")


def test_a_folder_that_is_not_a_workspace_is_one_line(tmp_path: Path) -> None:
    pytest.importorskip("conclab.exercises")
    result = invoke("report", "--quick", "--dir", str(tmp_path))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "not a conclab exercises workspace" in result.stderr
