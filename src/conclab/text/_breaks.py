"""Where a line may break: spaces in English, phrase boundaries in Japanese, kinsoku, code kept whole.

:func:`break_offsets` is the one line breaker: given a line, the width in
cells and the character ranges that must stay whole (inline code), it returns
the offsets to break at. It tries, in order:

1. spaces, and Japanese phrase boundaries found by BudouX (never inside a
   Latin word or a number, never inside inline code);
2. only for a piece that cannot fit on a line by itself: any boundary between
   two Japanese characters, a space inside code, or the point after ``/``,
   ``-``, ``_``, ``.``, ``?``, ``&``, ``=`` in a long URL or path;
3. as a last resort, the cell at the width (rich's fold).

Every break obeys kinsoku: no line starts with a small kana, a long-vowel mark
or closing punctuation, and none ends with opening punctuation.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from rich.cells import cell_len, chop_cells

NO_START = set("ーッャュョァィゥェォっゃゅょぁぃぅぇぉヮゎヵヶ。、，．）」』】〕〉》！？・：；.,:;!?)]}%‐゠–〜～")
NO_END = set("（「『【〔〈《([{")
_CJK = re.compile("[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
_URL_BREAK_AFTER = set("/-_.?&=#")
_KATAKANA = re.compile("[\u30a1-\u30fa\u30fc]")


def is_cjk(char: str) -> bool:
    return bool(_CJK.match(char))


@functools.lru_cache(maxsize=4096)
def phrase_boundaries(text: str) -> frozenset[int]:
    """Offsets between BudouX phrases (empty when BudouX is missing: then tier 2 breaks Japanese)."""
    try:
        import budoux
    except ImportError:  # pragma: no cover - budoux is a dependency
        return frozenset()
    parser = _parser()
    if parser is None:  # pragma: no cover
        return frozenset()
    offsets, position = set(), 0
    for phrase in budoux.Parser.parse(parser, text):
        position += len(phrase)
        offsets.add(position)
    return frozenset(offsets)


@functools.lru_cache(maxsize=1)
def _parser():  # type: ignore[no-untyped-def]
    try:
        import budoux
    except ImportError:  # pragma: no cover
        return None
    return budoux.load_default_japanese_parser()


def _kinsoku_ok(text: str, index: int) -> bool:
    """May a line end just before ``text[index]``? (looking through the spaces at the break)."""
    after = text[index:].lstrip()[:1]
    before = text[:index].rstrip()[-1:]
    return not (after in NO_START or before in NO_END)


def _inside(index: int, protected: Sequence[tuple[int, int]]) -> bool:
    return any(start < index < end for start, end in protected)


_ARROWS = {"->", "<-", "→", "←"}
_UNITS = {"s", "ms", "µs", "us", "x", "%", "MB", "KB", "GB"}


def _glued(text: str, index: int) -> bool:
    """A space that should not break: "line 1", "0.31 s", "3 倍" keep a number with its word."""
    before = text[:index].rstrip()
    word_before = before.split()[-1] if before.split() else ""
    word_after = text[index:].split(maxsplit=1)[0] if text[index:].split() else ""
    if not word_before or not word_after:
        return False
    if word_before in _ARROWS:  # "-> 100", "<- 90": a read or a write keeps its value
        return True
    if word_before[-1].isdigit() and (is_cjk(word_after[0]) or word_after.rstrip(".,;:)") in _UNITS):
        return True
    return word_before.isalpha() and word_before.isascii() and word_after[0].isdigit() and len(word_after) <= 8


def candidates(text: str, protected: Sequence[tuple[int, int]] = ()) -> tuple[list[int], list[int]]:
    """Break points of tier 1 (good) and tier 2 (for pieces too long for a line), each sorted."""
    good, fallback, inner = _tiers(text, protected)
    return good, sorted(fallback + inner)


def _katakana_inside(before: str, char: str) -> bool:
    """Both sides in one katakana word ("スケジュー|ラ"): the last boundary a long phrase should take."""
    return bool(_KATAKANA.match(before) and _KATAKANA.match(char))


def _tiers(text: str, protected: Sequence[tuple[int, int]]) -> tuple[list[int], list[int], list[int]]:
    """Good breaks, fallback breaks, and breaks inside a katakana word (only when nothing else fits)."""
    phrases = phrase_boundaries(text) if _CJK.search(text) else frozenset()
    good: list[int] = []
    fallback: list[int] = []
    inner: list[int] = []
    for index in range(1, len(text)):
        before, char = text[index - 1], text[index]
        if char.isspace():
            continue
        if not _kinsoku_ok(text, index):
            continue
        if before.isspace():
            keep = _inside(index, protected) or _glued(text, index)
            (fallback if keep else good).append(index)
            continue
        cjk_edge = is_cjk(before) or is_cjk(char)
        if _inside(index, protected):
            if before in _URL_BREAK_AFTER:
                fallback.append(index)
            continue
        if cjk_edge and index in phrases:
            good.append(index)
        elif cjk_edge and _katakana_inside(before, char):
            inner.append(index)
        elif cjk_edge or before in _URL_BREAK_AFTER:
            fallback.append(index)
    return good, fallback, inner


def break_offsets(text: str, width: int, *, fold: bool = True, protected: Sequence[tuple[int, int]] = (),
                  first_width: int | None = None) -> list[int]:
    """Offsets (character indices) to break ``text`` at so each line fits ``width`` cells.

    ``first_width`` is the room on the first line when it differs (a hanging
    indent). With ``fold=False`` a piece wider than the line is left whole (to
    be cropped or scrolled) rather than cut.
    """
    width = max(1, width)
    good, fallback, inner = _tiers(text, protected)
    offsets: list[int] = []
    start, room = 0, max(1, first_width if first_width is not None else width)
    while cell_len(text[start:].rstrip()) > room:
        limit = _fit(text, start, room)
        chosen = _last_between(good, start, limit, text)
        if chosen is None:  # the first piece alone is wider than the line
            chosen = _last_between(fallback, start, limit, text)
        if chosen is None:  # "スケジュー|ラ" only when the phrase has no other seam
            chosen = _last_between(inner, start, limit, text)
        if chosen is None:
            if not fold:
                following = [c for c in good + fallback + inner if c > start and text[start:c].strip()]
                if not following:
                    break
                chosen = min(following)
            else:
                chunk = chop_cells(text[start:], room)[0]
                chosen = start + max(1, len(chunk))
                while chosen > start + 1 and not _kinsoku_ok(text, chosen):
                    chosen -= 1  # even a hard cut leaves "）" and "ー" with what they close
        offsets.append(chosen)
        start, room = chosen, width
    return offsets


def _fit(text: str, start: int, room: int) -> int:
    """The largest end index such that ``text[start:end]`` (trailing spaces aside) fits ``room`` cells."""
    used, index = 0, start
    while index < len(text):
        char = text[index]
        add = cell_len(char)
        if used + add > room and not char.isspace():
            break
        used += add
        index += 1
    return index


def _last_between(points: list[int], start: int, limit: int, text: str) -> int | None:
    chosen = None
    for point in points:
        if point <= start:
            continue
        if point > limit:
            break
        if text[start:point].strip():
            chosen = point
    return chosen
