"""A long search is never silent: ``run(progress=...)`` ticks, and ``conclab explore`` shows it on a terminal."""

from __future__ import annotations

import io

import pytest

from conclab import explore
from conclab.cli._explore import _Progress


def test_progress_is_called_while_the_search_runs_and_can_stop_it() -> None:
    calls: list[tuple[int, float]] = []

    def progress(started: int, seconds: float) -> None:
        calls.append((started, seconds))
        if len(calls) == 3:
            raise KeyboardInterrupt  # what Ctrl-C does: the search ends, nothing is left running

    with pytest.raises(KeyboardInterrupt):
        explore.run("locked-check-then-act", strategy="random", schedules=10**7, progress=progress)
    assert len(calls) == 3
    assert calls[0][0] <= calls[1][0] <= calls[2][0] and calls[2][0] > 0
    assert 0 < calls[0][1] < calls[1][1] < calls[2][1]
    assert explore.run("lost-update").finding is not None  # the explorer is free again


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("lang", "line"), [("en", "exploring: 1,234 schedules, 2 s (Ctrl-C stops)"),
                                            ("ja", "探索中: スケジュール 1,234 通り、2 秒（Ctrl-C で中断）")])
def test_the_progress_line_shows_after_a_second_on_a_terminal_and_is_cleared(
        monkeypatch: pytest.MonkeyPatch, lang: str, line: str) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    shown = _Progress(lang)
    shown(10, 0.5)
    assert terminal.getvalue() == ""  # a search that ends within a second shows nothing
    shown(1234, 2.2)
    assert terminal.getvalue() == f"\r{line}\x1b[K"
    shown.clear()
    assert terminal.getvalue().endswith("\r\x1b[K")


def test_no_progress_line_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    captured = io.StringIO()
    monkeypatch.setattr("sys.stderr", captured)
    shown = _Progress("en")
    shown(1234, 5.0)
    shown.clear()
    assert captured.getvalue() == ""
