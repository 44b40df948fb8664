"""Issue 14, output: what a learner's program writes is bounded in memory and shown escaped."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from conclab._process import MAX_PIECE_BYTES, LineReader, printable
from conclab.exercises._runner import MAX_LINE_CHARS, MAX_OUTPUT_CHARS, run_program


def test_output_without_newlines_is_read_in_bounded_pieces() -> None:
    """Case 5 at its root: the reader never holds a whole newline-less output (1.57 GB RSS before)."""
    read_end, write_end = os.pipe()
    pieces: list[int] = []
    done = threading.Event()
    reader = LineReader(os.fdopen(read_end, "rb"), time.perf_counter(),
                        lambda at, text: pieces.append(len(text)), "test-reader")
    writer = threading.Thread(target=lambda: (os.write(write_end, b"x" * (5 * MAX_PIECE_BYTES + 7)),
                                              os.close(write_end), done.set()))
    writer.start()
    assert done.wait(10)
    assert reader.stop(5.0)
    writer.join()
    assert sum(pieces) == 5 * MAX_PIECE_BYTES + 7
    assert max(pieces) <= MAX_PIECE_BYTES


def test_a_program_writing_megabytes_without_newline_is_cut_and_says_so(tmp_path: Path) -> None:
    """Case 5: what is kept is capped in characters and the last line says it was cut."""
    script = tmp_path / "learner.py"
    script.write_text("import sys\nfor _ in range(6):\n    sys.stdout.write('x' * 1_000_000)\n"
                      "sys.stdout.write('\\nend\\n')\n", encoding="utf-8")
    run = run_program(script, limit_s=20)
    assert run.returncode == 0
    assert len(run.stdout) < MAX_OUTPUT_CHARS + 200
    assert all(len(line) <= MAX_LINE_CHARS + 10 for line in run.output_lines)
    assert "output cut" in run.output_lines[-1]
    assert "output cut" in run.stdout.splitlines()[-1]


def test_terminal_escapes_in_a_programs_output_are_shown_escaped(tmp_path: Path) -> None:
    """Case 6: a clear-screen, a window title and a bell reach the check as text, not as codes."""
    script = tmp_path / "learner.py"
    script.write_text("import sys\nprint('\\x1b[2J\\x1b]0;pwned\\x07hi')\n"
                      "print('\\x1b[31mred', file=sys.stderr)\n", encoding="utf-8")
    run = run_program(script, limit_s=10)
    assert run.output_lines == ["\\x1b[2J\\x1b]0;pwned\\x07hi"]
    assert run.stderr == "\\x1b[31mred\n"
    assert "\x1b" not in run.stdout + run.stderr
    assert printable("tab\tand newline\n stay") == "tab\tand newline\n stay"


def test_a_long_line_is_cut_for_display_but_whole_in_stdout(tmp_path: Path) -> None:
    """The explorer's child reports one long JSON line: only the shown lines are cut, not stdout."""
    script = tmp_path / "learner.py"
    script.write_text(f"print('y' * {MAX_LINE_CHARS * 3})\n", encoding="utf-8")
    run = run_program(script, limit_s=10)
    assert len(run.output_lines[0]) <= MAX_LINE_CHARS + 10
    assert run.stdout.splitlines() == ["y" * MAX_LINE_CHARS * 3]  # and no "output cut" line: nothing lost
