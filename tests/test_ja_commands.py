"""Every command a learner runs without a lab or a server, in Japanese, says nothing in English.

The other Japanese-output tests cover their own screens: ``--help`` and errors
(``test_cli_japanese.py``), the explorer and the timelines
(``test_ja_explore_timeline.py``), lab prose under every outcome
(``test_outcomes.py``), code and the exercise screens (``test_code_ja.py``).
This one walks the rest of the command line: the home screen, the catalogue,
doctor, the routes, the code shown by ``show``, every exercise's statement and hints,
the scheduler game's level list and the hands-on's steps.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conclab.curriculum import registry
from conclab.curriculum.exercises import exercise_folders
from conclab.curriculum.routes import routes
from conftest import invoke
from ja_text import latin_prose

LAB_IDS = [lab.id for lab in registry().labs()]


def _said(*args: str) -> str:
    result = invoke("--lang", "ja", *args, COLUMNS="80")
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("args", [(), ("list",), ("doctor",), ("route",), ("play", "--list"), ("handson",),
                                  ("config", "lang")], ids=lambda args: " ".join(args) or "home")
def test_a_command_screen_in_japanese_has_no_english(args: tuple[str, ...], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = _said(*args)
    assert re.search(r"[\u3040-\u30ff]", text)  # it did speak Japanese
    # The home screen tells how to switch to English in English, for a reader who needs it.
    assert latin_prose(text, allow=["show everything in English"]) == []


@pytest.mark.parametrize("name", [route.name for route in routes()])
def test_each_route_in_japanese_has_no_english(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert latin_prose(_said("route", name)) == []


@pytest.mark.parametrize("lab_id", LAB_IDS)
def test_show_in_japanese_speaks_japanese_around_the_code(lab_id: str) -> None:
    """``show`` prints a heading, then numbered code: the heading and the code's comments are Japanese."""
    heading, *lines = _said("show", lab_id).splitlines()
    numbered = re.compile(r"^\s*\d+\s(.*)$")
    comments = [match.group(1).split("#", 1)[1] for line in lines
                if (match := numbered.match(line)) and "#" in match.group(1)]
    assert latin_prose(heading) == []
    assert latin_prose("\n".join(comments)) == [], lab_id


@pytest.mark.parametrize("folder", sorted(exercise_folders(), key=lambda path: path.name), ids=lambda path: path.name)
def test_every_statement_and_hint_in_japanese_has_no_english(folder: Path) -> None:
    """``hint`` and ``check`` print these; read at the source, where code is still marked as code.

    (The terminal drops the backticks and the fences, so a code line would read as English there.)
    """
    for name in ("statement.ja.md", "hints.ja.md"):
        text = (folder / name).read_text(encoding="utf-8")
        text = re.sub(r"(?ms)^(\s*)```.*?^\1```", "", text)  # fenced code
        text = re.sub(r"(?m)^(?: {4}|\t).*$", "", text)  # indented code
        text = re.sub(r"`[^`]+`", "`x`", text)  # inline code, also where it runs over a line break
        assert latin_prose(text, allow=["「dirty write」"]) == [], f"{folder.name}/{name}"  # the primer's word
