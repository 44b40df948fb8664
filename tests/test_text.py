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


@pytest.mark.parametrize("width", range(16, 41))
def test_a_wrapped_japanese_cell_is_never_cut_with_an_ellipsis(width: int) -> None:
    """rich's rstrip_end counts characters: "スレッドが " stayed a cell too wide and ended in "…"."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right")
    grid.add_column()  # overflow="ellipsis", rich's default
    grid.add_row("✗", Text("counter_race: 二つのスレッドが counter を 1000 回ずつ増やしたのに、最終的な値が 2000 に"
                           "なりませんでした。処理時間の 3 倍（GIL）"))
    lines = render_lines([grid], width).splitlines()
    assert_well_broken(lines, width)
    assert "スレッドが" in "".join(line.strip() for line in lines)


def test_joined_japanese_lines_keep_the_space_before_latin_text() -> None:
    from conclab.text import join_cjk_lines

    assert join_cjk_lines("次の\n`task-granularity` で") == "次の `task-granularity` で"
    assert join_cjk_lines("ループは\n**GIL** を") == "ループは **GIL** を"
    assert join_cjk_lines("使います。\n`python` で") == "使います。`python` で"
    assert join_cjk_lines("動かすのが\n**イベントループ**です") == "動かすのが**イベントループ**です"


def test_strong_next_to_japanese_is_strong_in_the_terminal_and_in_html() -> None:
    """CommonMark leaves "**GIL（…）**を" raw: no space after the closing "**" in Japanese."""
    from conclab.lab._html import markdown_to_html
    from conclab.text import markdown

    source = "実行できるのは\n**GIL（グローバルインタープリターロック）**を持つスレッドだけ。`a**b` は **x** と同じ"
    plain = render_lines([markdown(source)], 80)
    assert "**" not in plain.replace("a**b", "")
    kinds = [child.type for block in markdown(source).parsed for child in block.children or ()]
    assert kinds.count("strong_open") == 2 and kinds.count("strong_close") == 2
    html = markdown_to_html("のは **GIL（グローバル）**を持つ。`a**b` と 2 ** 3")
    assert "<strong>GIL（グローバル）</strong>を" in html and "<code>a**b</code>" in html and "2 ** 3" in html


def test_html_gets_wbr_between_japanese_phrases_but_not_inside_code_svg_or_entities() -> None:
    from conclab.text import phrase_breaks

    page = ("<p>処理とスレッドの<b>待ち時間</b> &amp; A&amp;B（GIL）を使います。</p>"
            "<pre>スレッドを使う</pre><code>スレッドを使う</code><svg><text>スレッドを使う</text></svg>")
    out = phrase_breaks(page)
    assert "スレ<wbr>" not in out and "スレッ<wbr>" not in out
    assert out.count("<wbr>") >= 2 and "&amp;" in out and "A&amp;B" in out
    assert out.endswith("<pre>スレッドを使う</pre><code>スレッドを使う</code><svg><text>スレッドを使う</text></svg>")
    assert "<wbr>）" not in out and "（<wbr>" not in out
    assert out.replace("<wbr>", "") == page


def test_a_japanese_page_breaks_between_phrases() -> None:
    from conclab.timeline import html_page

    page = html_page("t", "<p>三つのダウンロードを模擬する</p>", "ja")
    assert "keep-all" in page and "<wbr>" in page
    assert "<wbr>" not in html_page("t", "<p>三つのダウンロードを模擬する</p>", "en")


def test_a_phrase_too_long_for_the_line_breaks_before_a_katakana_word_not_inside_it() -> None:
    """"12 秒間スケジューラに" at 17 columns broke as "スケジュー/ラに"; 「秒間/スケジューラに」 reads."""
    lines = wrap("T0 が 12 秒間スケジューラに戻らない", 17)
    assert_well_broken(lines, 17)
    assert any(line.strip().startswith("スケジューラに") for line in lines), lines
