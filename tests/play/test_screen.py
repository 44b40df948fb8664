"""The game as a learner drives it: keys in, text out, at 80 columns, in ja and en."""

from __future__ import annotations

import io
import os
import sys

import pytest
from click.testing import CliRunner

from conclab.cli import cli
from conclab.curriculum import levels
from conclab.play import Game, Screen, cbreak, play
from conftest import assert_golden


def _screens(name: str, keys: str, lang: str) -> str:
    from conclab.text import make_console

    console = make_console(80, file=io.StringIO(), plain=True)
    screen = Screen(Game(levels.load(name), lang), number=9, total=24, lang=lang)
    frames = []
    for key in ["", *keys]:
        if key:
            play(screen, [key], console, clear=False)
        with console.capture() as capture:
            console.print(screen.render())
        frames.append(f"--- after {key or 'start'!r}\n{capture.get()}")
    return "".join(frames)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_lock_order_screens_at_80_columns(lang: str) -> None:
    """Start, each thread holding its first lock, the win with the step table and the lesson."""
    assert_golden(f"play_lock_order_{lang}_80.txt", _screens("lock-order", "01h0", lang))


def _runner_play(*args: str, keys: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(cli, ["play", *args], input=keys, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_play_wins_and_records_progress_shown_by_list_and_home(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from conclab.exercises import Workspace

    assert CliRunner().invoke(cli, ["exercises", "init", str(tmp_path / "ws")]).exit_code == 0
    monkeypatch.chdir(tmp_path / "ws")
    monkeypatch.setenv("COLUMNS", "100")
    out = _runner_play("--lang", "en", "counter", keys="0\n1\n0\nq\n")
    assert "You won in 3 moves" in out
    entry = Workspace.find().progress.load().levels["counter"]
    assert entry.won and entry.best_moves == 3 and entry.plays == 1
    listing = _runner_play("--list", "--lang", "en", keys="")
    assert "1/24 levels cleared" in listing
    assert "best 3 moves" in next(line for line in listing.splitlines() if "counter " in line)
    home = CliRunner().invoke(cli, ["--lang", "en"]).stdout
    assert "Play the scheduler: 1/24 levels cleared" in home
    # Without LEVEL, play starts at the first level not yet cleared.
    assert "level 2/24" in _runner_play("--lang", "en", keys="q\n")


def test_an_unknown_level_is_one_line_and_exit_2() -> None:
    result = CliRunner().invoke(cli, ["play", "countr"])
    assert result.exit_code == 2
    assert "unknown level 'countr'; did you mean counter" in result.stderr


def test_next_goes_on_to_the_following_level() -> None:
    out = _runner_play("--lang", "en", "counter", keys="010nq")
    assert "level 2/24 · Read, sleep, write" in out


@pytest.mark.skipif(sys.platform == "win32", reason="termios is POSIX")
def test_cbreak_gives_single_keys_and_restores_the_terminal_even_on_ctrl_c() -> None:
    import pty
    import termios

    master, slave = pty.openpty()
    try:
        stream = os.fdopen(slave, "r", closefd=False)
        before = termios.tcgetattr(slave)
        with cbreak(stream):
            during = termios.tcgetattr(slave)
            assert not during[3] & termios.ICANON and not during[3] & termios.ECHO
            assert during[3] & termios.ISIG   # Ctrl-C still interrupts
        assert termios.tcgetattr(slave) == before
        with pytest.raises(KeyboardInterrupt), cbreak(stream):
            raise KeyboardInterrupt
        assert termios.tcgetattr(slave) == before
    finally:
        os.close(master)
        os.close(slave)


@pytest.mark.skipif(sys.platform == "win32", reason="pty is POSIX")
def test_a_real_terminal_reads_single_keys_without_enter(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``conclab play`` in a pseudo-terminal: keys without Enter, q leaves with exit code 0."""
    import pty
    import select
    import subprocess

    def read(fd: int) -> bytes:
        ready, _, _ = select.select([fd], [], [], 30)
        if not ready:
            child.kill()
            raise AssertionError(f"conclab play stopped answering; it printed {output!r}")
        try:
            return os.read(fd, 65536)
        except OSError:   # the child has gone and closed the terminal
            return b""

    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "80", "LINES": "40", "CONCLAB_LANG": "en"}
    child = subprocess.Popen([sys.executable, "-m", "conclab", "play", "counter"], stdin=slave,
                             stdout=slave, stderr=slave, env=env, cwd=tmp_path, close_fds=True)
    os.close(slave)
    output = b""
    while b"Moves: 0" not in output:   # the first screen is drawn: the terminal is in cbreak mode
        data = read(master)
        assert data, output
        output += data
    os.write(master, b"010q")     # no Enter anywhere
    while True:
        data = read(master)
        if not data:
            break
        output += data
    assert child.wait(timeout=60) == 0
    os.close(master)
    text = output.decode("utf-8", "replace")
    assert "You won in 3 moves" in text
