"""Watch mode's screen, driven key by key and save by save: no threads, no sleeps, a fixed clock."""

from __future__ import annotations

import io
import os
from datetime import datetime
from pathlib import Path

import pytest
from tests.exercises.helpers import exercise

from conclab.cli._watch_app import LineKeys, TerminalKeys, WatchApp, key_source
from conclab.curriculum.exercises import catalogue, readme
from conclab.exercises import Watcher, Workspace
from conclab.text import make_console, render_lines

CLOCK = datetime(2026, 4, 1, 9, 30, 5)

TOTAL = len(catalogue())  # the screen says which exercise of how many


def _app(root: Path, lang: str, name: str) -> tuple[WatchApp, Watcher, io.StringIO]:
    Workspace.init(root, catalogue(), lang=lang, readme=readme(lang))
    workspace = Workspace(root)
    out = io.StringIO()
    app = WatchApp(None, workspace, lang, make_console(80, file=out, plain=True), clock=lambda: CLOCK,
                   clear=False)
    watcher = Watcher(workspace, catalogue(), lang=lang, on_event=app.on_event, exercise=exercise(name),
                      watch_files=False)
    app.watcher = watcher
    return app, watcher, out


def _screen(app: WatchApp, width: int = 80) -> str:
    return render_lines([app.screen()], width)


def test_wrong_save_then_hint_then_right_save_then_next(tmp_path: Path) -> None:
    app, watcher, _ = _app(tmp_path, "en", "replace-spin-lock")
    spin = exercise("replace-spin-lock")
    assert watcher.start()  # the starter is checked at once
    (tmp_path / spin.file_name).write_text(next(iter(spin.wrong.values())))
    assert watcher.handle("changed")
    screen = _screen(app)
    assert f"exercise 3/{TOTAL}: replace-spin-lock" in screen
    assert " ✗ " in screen and f"0/{TOTAL} passed" in screen and "checked at 09:30:05" in screen
    assert "Press h for a hint (0 of 3 seen)" in screen
    assert app.key("h")  # one key, no Enter
    assert "Hint 1/3 for replace-spin-lock" in _screen(app)
    (tmp_path / spin.file_name).write_text(spin.solution)
    watcher.handle("changed")
    screen = _screen(app)
    assert "replace-spin-lock: passed" in screen and " ✓ " in screen and f"1/{TOTAL} passed" in screen
    following = watcher.following()
    assert following is not None
    assert f"Press n for the next exercise ({following.id})" in screen
    assert app.key("n") and watcher.step_queued()
    assert f"exercise 4/{TOTAL}: {following.id}" in _screen(app)
    assert not app.key("q") and not watcher.step_queued()


def test_the_screen_fits_the_width_in_japanese(tmp_path: Path) -> None:
    app, watcher, _ = _app(tmp_path, "ja", "fix-counter-race")
    watcher.start()
    app.key("h")
    for width in (80, 120):
        screen = _screen(app, width)
        assert f"演習 2/{TOTAL}: fix-counter-race" in screen and f"0/{TOTAL} 合格" in screen
        assert "のヒント 1/3" in screen
        from tests.test_text import assert_well_broken

        assert_well_broken([line.rstrip() for line in screen.splitlines()], width)


def test_keys_need_no_enter_on_a_terminal_and_the_terminal_is_restored() -> None:
    termios = pytest.importorskip("termios")
    master, slave = os.openpty()
    try:
        before = termios.tcgetattr(slave)
        with os.fdopen(os.dup(slave), "r") as stream, key_source(stream) as (keys, raw):
            assert raw and isinstance(keys, TerminalKeys)
            assert not termios.tcgetattr(slave)[3] & termios.ICANON  # cbreak: no line buffering
            os.write(master, b"h")  # no newline: the key arrives by itself
            assert keys.next_key() == "h"
        assert termios.tcgetattr(slave) == before
    finally:
        os.close(master)
        os.close(slave)


def test_without_a_terminal_keys_come_in_lines() -> None:
    with key_source(io.StringIO("h\n\nq\n")) as (keys, raw):
        assert not raw and isinstance(keys, LineKeys)
        assert list(keys) == ["h", "r", "q"]
