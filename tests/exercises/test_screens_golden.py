"""Golden text of check (failing and passing) and hint, at 80 and 120 columns, in en and ja.

The inputs are verdicts saved from real checks (tests/golden/inputs); the
outputs are what a learner reads. Every line is checked against the width and
kinsoku; CONCLAB_UPDATE_GOLDEN=1 rewrites the files for review.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.exercises.helpers import exercise
from tests.test_text import assert_well_broken

from conclab.cli._exercise_screens import (
    after_check,
    hint_footer,
    hints_view,
    progress_view,
    verdict_view,
)
from conclab.exercises import CheckResult, Verdict
from conclab.text import render_lines
from conftest import assert_golden

INPUTS = Path(__file__).resolve().parent.parent / "golden" / "inputs"


def _verdict(name: str) -> Verdict:
    data = json.loads((INPUTS / name).read_text(encoding="utf-8"))
    return Verdict(data["exercise"], tuple(CheckResult(c["name"], c["passed"], c["detail"])
                                           for c in data["checks"]), data["elapsed_s"])


def _check(lines: str, width: int) -> str:
    text = "\n".join(line.rstrip() for line in lines.splitlines()) + "\n"
    assert_well_broken(text.splitlines(), width)
    return text


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("state", ["fail", "pass"])
def test_check_output(lang: str, width: int, state: str) -> None:
    suffix = "" if state == "fail" else "_pass"
    verdict = _verdict(f"verdict_fix_counter_race{suffix}_{lang}.json")
    spec = exercise("fix-counter-race")
    text = render_lines([verdict_view(verdict, spec, lang), after_check(verdict, spec, lang)], width)
    assert_golden(f"check_{state}_{lang}_{width}.txt", _check(text, width))
    assert "`" not in text


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_hint_output(lang: str, width: int) -> None:
    spec = exercise("fix-counter-race")
    text = render_lines([*hints_view(spec, 2, lang), hint_footer(spec, 2, lang, True)], width)
    assert_golden(f"hint_{lang}_{width}.txt", _check(text, width))
    assert "`" not in text  # Markdown rendered, not shown raw


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_progress_output(lang: str, tmp_path: Path) -> None:
    """``conclab progress`` at 80 columns: a bar with k/N, titles wrapped under themselves, counts only once tried."""
    from conftest import invoke

    folder = tmp_path / "ws"
    assert invoke("exercises", "init", str(folder)).exit_code == 0
    invoke("hint", "serve-concurrently", "--dir", str(folder))
    result = invoke("progress", "--dir", str(folder), "--lang", lang, COLUMNS="80")
    assert result.exit_code == 0 and "/17" in result.stdout, result.output
    data = json.loads(invoke("progress", "--dir", str(folder), "--lang", lang, "--json").stdout)
    title = "conclab progress: 0/17" if lang == "en" else "進み具合: 17 問中 0 問合格"
    text = _check(render_lines([progress_view(title, data["exercises"], data["passed"], lang)], 80), 80)
    assert "░" in text and "/17" in text
    assert_golden(f"progress_{lang}_80.txt", text)
