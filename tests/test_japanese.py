"""Japanese as GLOSSARY.md fixes it: counts in Arabic numerals, loanwords with the long vowel."""

from __future__ import annotations

import re
from pathlib import Path

import conclab

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# 「二つ」「三回」 for a count: the glossary writes 「2 つ」「3 回」 (「一つひとつ」「一度も」 are idioms, not counts).
KANJI_COUNT = re.compile(r"[一二三四五六七八九](?:つ(?!ひとつ)|個|本|件|回)")
# Loanwords keep the long vowel: サーバー, ワーカー, インタープリター, カウンター, ハンドラー, スケジューラー.
SHORT_VOWEL = re.compile(r"(?:カウンタ|サーバ|ワーカ|ハンドラ|スケジューラ|インタープリタ|イテレータ|コンピュータ"
                         r"|パラメータ|ブラウザ|ユーザ)(?!ー)")
# One term per concept: words a grep finds that the glossary replaces.
OTHER_TERMS = ("ダーティーライト", "品目", "協調のための道具", "割り込み 2 回", "消える更新")  # 割り込み is an interrupt


def _japanese_texts() -> dict[str, list[str]]:
    """Every line with Japanese in it, per file of the package (Japanese lessons, UI strings, hints)."""
    root = Path(conclab.__file__).parent
    texts = {}
    for path in sorted(root.rglob("*")):
        if path.suffix in {".py", ".md", ".txt"} and not path.name.endswith(("en.md", ".en.txt")):
            lines = [line for line in path.read_text(encoding="utf-8").splitlines() if JAPANESE.search(line)]
            if lines:
                texts[str(path.relative_to(root))] = lines
    return texts


def test_counts_are_written_in_arabic_numerals() -> None:
    found = {name: [line.strip() for line in lines if KANJI_COUNT.search(line)]
             for name, lines in _japanese_texts().items()}
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_loanwords_keep_the_long_vowel() -> None:
    found = {name: [line.strip() for line in lines if SHORT_VOWEL.search(line)]
             for name, lines in _japanese_texts().items()}
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_one_term_per_concept() -> None:
    found = {name: [word for word in OTHER_TERMS if any(word in line for line in lines)]
             for name, lines in _japanese_texts().items()}
    assert {name: words for name, words in found.items() if words} == {}


def test_the_japanese_of_code_is_checked_too() -> None:
    """The comments and docstrings learners read in Japanese (``code.ja.txt``) are ja content like the rest."""
    root = Path(conclab.__file__).parent
    sidecars = {str(path.relative_to(root)) for path in root.rglob("code.ja.txt")}
    assert len(sidecars) > 50
    assert sidecars <= set(_japanese_texts())


# Parentheses around Japanese text are full width, as in a Japanese book: 「所要（秒）」, not 「所要 (秒)」.
HALF_WIDTH_AROUND_JAPANESE = re.compile(r"\([^()`\"'\n]*[\u3040-\u30ff\u4e00-\u9fff][^()`\"'\n]*\)")


def test_parentheses_around_japanese_are_full_width() -> None:
    import io
    import tokenize

    root = Path(conclab.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
        found += [f"{path.name}:{token.start[0]}: {match.group()}" for token in tokens
                  if token.type == tokenize.STRING and JAPANESE.search(token.string)
                  for match in HALF_WIDTH_AROUND_JAPANESE.finditer(token.string)]
    for path in sorted(root.rglob("*ja.md")):
        prose = re.sub(r"(?ms)^```.*?^```|`[^`\n]+`", "", path.read_text(encoding="utf-8"))
        found += [f"{path.name}: {match.group()}" for match in HALF_WIDTH_AROUND_JAPANESE.finditer(prose)]
    assert found == []
