"""Every level, checked by the explorer and played through the real screen.

A bug level: the explorer finds a schedule that reaches the goal (shrunk, so
the shortest it knows), the game turns it into keys, and those keys pressed on
the screen win. A correct level: the explorer finds no winning schedule within
the level's bound, and a learner who plays it to the end is told so. A new
level file is picked up by these tests as soon as it is in the registry, and
the registry must list every file.
"""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from conclab.curriculum import levels
from conclab.play import Game, Screen, load_level, moves_for, play, prove

NAMES = levels.level_names()
BUGS = [name for name in NAMES if not levels.load(name).correct]
CORRECT = [name for name in NAMES if levels.load(name).correct]


def _console() -> Console:
    return Console(file=io.StringIO(), width=80, color_system=None, force_terminal=False)


def _play(name: str, keys: str, lang: str = "en") -> tuple[Screen, str]:
    screen = Screen(Game(levels.load(name), lang), lang=lang)
    console = _console()
    play(screen, list(keys), console, clear=False)
    console.print(screen.render())
    out = console.file.getvalue()  # type: ignore[attr-defined]
    return screen, out.replace("\n", "" if lang == "ja" else " ")


def test_the_registry_lists_every_level_file_once() -> None:
    files = sorted(p.stem.replace("_", "-") for p in levels.HERE.glob("*.py") if p.stem != "__init__")
    assert sorted(NAMES) == files
    assert len(NAMES) == len(set(NAMES))
    assert len(NAMES) >= 18


def test_every_correct_level_names_the_bug_level_it_fixes() -> None:
    for name in CORRECT:
        level = levels.load(name)
        assert level.fixes in BUGS, name
        assert levels.load(level.fixes).win == level.win, name


@pytest.mark.parametrize("name", NAMES)
def test_level_describes_itself_in_both_languages(name: str) -> None:
    level = levels.load(name)
    for lang in ("en", "ja"):
        for key in ("title", "goal", "teaches"):
            assert level.text(key, lang).strip(), (name, key, lang)
        assert level.hint_list(lang), (name, lang)
    assert len(level.hint_list("en")) == len(level.hint_list("ja")), name
    assert "。" not in level.text("goal", "en") and "。" in level.text("goal", "ja")


@pytest.mark.parametrize("name", BUGS)
def test_bug_level_is_won_by_the_explorers_schedule_through_the_screen(name: str) -> None:
    level = levels.load(name)
    proof = prove(level)
    assert proof.winning is not None, f"{name}: the explorer found no schedule that wins"
    keys = moves_for(level, proof.winning)
    assert keys, f"{name}: the game cannot follow the explorer's schedule {proof.winning}"
    screen, out = _play(name, keys)
    assert screen.game.won and screen.cleared, out
    assert f"You won in {len(keys)} moves" in out
    assert "What this level teaches:" in out


@pytest.mark.parametrize("name", CORRECT)
def test_correct_level_cannot_be_won_and_the_screen_says_so(name: str) -> None:
    level = levels.load(name)
    proof = prove(level)
    assert proof.winning is None, f"{name}: the explorer won with {proof.winning}"
    assert proof.exhausted or proof.schedules == level.schedules
    game = Game(level)
    keys = ""
    while not game.position.finished:   # a learner who always picks the last thread that can run
        point = game.position.point
        assert point is not None
        keys += str(point.enabled[-1])
        game.step(point.enabled[-1])
    screen, out = _play(name, keys)
    assert not screen.game.won
    assert "none reaches the goal" in out, out
    assert screen.cleared


def test_undo_replays_the_prefix_and_restart_goes_back_to_the_start() -> None:
    game = Game(levels.load("lock-order"))
    start = game.position
    game.step(0)
    after_one = game.position
    game.step(1)
    assert game.position.point is not None
    holds = [view.holds for view in game.position.point.threads]
    assert holds == [("lock_a",), ("lock_b",)]
    assert game.undo()
    assert game.position == after_one
    game.restart()
    assert game.position.choices == start.choices and not game.moves
    assert not game.undo()


def test_a_blocked_thread_shows_what_it_waits_for() -> None:
    game = Game(levels.load("lock-ordered"))
    game.step(0)          # a_to_b takes lock_a
    game.step(1)          # b_to_a wants lock_a: it blocks, a_to_b runs on
    point = game.position.point
    assert point is None or any(view.waits for view in point.threads) or game.position.finished


def test_a_thread_that_cannot_run_is_refused_with_one_line() -> None:
    screen, out = _play("counter", "7")
    assert not screen.game.moves
    screen, out = _play("missed-event", "1")
    assert screen.game.won


def test_hints_come_one_at_a_time_and_help_lists_the_keys() -> None:
    _, out = _play("counter", "hhh?", "ja")
    assert "ヒント 1/2" in out and "ヒント 2/2" in out
    assert "u で 1 手戻し" in out


def test_a_bad_level_file_is_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from conclab.errors import ConclabError

    bad = tmp_path / "bad.py"
    bad.write_text("THREADS = []\nLEVEL = {'win': 'crash'}\n")
    with pytest.raises(ConclabError, match="LEVEL\\['win'\\]"):
        load_level("bad", bad)
    bad.write_text("THREADS = []\n")
    with pytest.raises(ConclabError, match="no 'LEVEL"):
        load_level("bad", bad)
