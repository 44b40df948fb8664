"""The text layer: where lines break in English and Japanese, and what never breaks."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from conclab.text import NO_END, NO_START, Block, break_offsets, count, inline, render_lines, wrap

JA = ("更新が失われました。どちらかが書き戻す前に、両方のスレッドが同じ値をコピーしたため、2 つのリクエストが"
      "1 つとして数えられています。処理時間の 3 倍でした。GIL（グローバルインタープリターロック）を解放する"
      "ッ ュ ー。次のヒントを見るには、もう一度 `conclab hint fix_counter_race` を実行してください。"
      "0.01 秒スリープしました。")
EN = ("The program answered every request, but http.server handled them one at a time: 0.01 s each, "
      "so `conclab hint fix-counter-race` and https://example.org/a/very/long/path/that/goes/on are whole.")


def assert_well_broken(lines: list[str], width: int) -> None:
    """No line over the width, none starting or ending against kinsoku, no "…" cut."""
    for line in lines:
        assert cell_len(line) <= width, line
        assert "…" not in line
        stripped = line.strip()
        if stripped:
            assert stripped[0] not in NO_START, f"line starts with {stripped[0]!r}: {line!r}"
            assert stripped[-1] not in NO_END, f"line ends with {stripped[-1]!r}: {line!r}"


@pytest.mark.parametrize("width", [20, 33, 40, 57, 80, 120])
def test_japanese_breaks_obey_kinsoku_and_keep_code_and_numbers(width: int) -> None:
    lines = wrap(JA, width)
    assert_well_broken(lines, width)
    joined = "\n".join(lines)
    assert "0.01" in joined and "3 倍" in joined  # a number is never split, nor cut from its counter
    if width >= 40:
        assert "`conclab hint fix_counter_race`" in joined  # inline code stays on one line
    assert "".join(line.replace(" ", "") for line in lines) == JA.replace(" ", "")  # nothing lost


@pytest.mark.parametrize("width", [30, 50, 80, 120])
def test_english_breaks_only_at_spaces(width: int) -> None:
    lines = wrap(EN, width)
    assert_well_broken(lines, width)
    words = EN.split()
    if width >= 60:  # the URL fits a line: every word is whole
        assert " ".join(lines).split() == words
    assert "http.server" in " ".join(lines)


def test_a_url_longer_than_the_line_breaks_after_a_slash() -> None:
    url = "https://example.org/a/very/long/path/that/goes/on/and/on/index.html"
    lines = wrap(url, 30)
    assert all(line.endswith("/") for line in lines[:-1])
    assert "".join(lines) == url


def test_inline_code_is_kept_whole_and_its_spaces_kept() -> None:
    text = inline("use `conclab hint fix-counter-race` now, or `q`")
    assert text.plain == "use conclab hint fix-counter-race now, or q"
    assert break_offsets(text.plain, 30, protected=[(4, 33)]) == [4, 34]
    assert break_offsets(text.plain, 30) == [17]  # without the protection it would split the command


def test_no_line_starts_with_a_small_kana_or_ends_with_an_opening_bracket() -> None:
    for width in range(6, 30):
        assert_well_broken(wrap("スレッドがロック（Lock）を獲得してから、カウンターをアップデートしてください。", width),
                           width)


def test_block_keeps_indentation_and_hangs_continuations() -> None:
    text = render_lines([Block("name: " + "word " * 30 + "\n    T0  file.py:1  x = 1   " + "read x -> 0; " * 8,
                               prefix=" ✗ ")], 60)
    lines = text.splitlines()
    assert lines[0].startswith(" ✗ name: word")
    assert lines[1].startswith("   word")
    row = next(i for i, line in enumerate(lines) if "T0" in line)
    assert lines[row].startswith("       T0") and lines[row + 1].startswith("         ")
    assert_well_broken([line.rstrip() for line in lines], 60)


def test_counts_read_as_words() -> None:
    assert count(1, "check") == "1 check"
    assert count(2, "check") == "2 checks"
    assert count(1, "request") == "1 request"
    assert count(0, "hint") == "0 hints"
    assert count(3, "check", "ja") == "チェック 3 回"
