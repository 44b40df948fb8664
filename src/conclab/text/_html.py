"""Japanese line breaks in HTML: ``<wbr>`` at BudouX phrase boundaries, ``keep-all`` between them.

A browser breaks Japanese between any two characters（「スレッ/ド」）. With
``word-break: keep-all`` it breaks only where it is told, so
:func:`phrase_breaks` puts a ``<wbr>`` at each BudouX phrase boundary of the
page's text, the same boundaries the terminal uses. It leaves markup,
attributes, entities and the inside of ``code``, ``pre``, ``svg``, ``script``,
``style`` and ``title`` alone. :data:`PHRASE_CSS` is the rule that goes with it;
``overflow-wrap: break-word`` still breaks a phrase wider than a phone's line
(not ``anywhere``, which would let a table squeeze a column to single characters).
"""

from __future__ import annotations

import re

from conclab.text._breaks import NO_END, NO_START, is_cjk, phrase_boundaries

PHRASE_CSS = """
:lang(ja) body { word-break: keep-all; overflow-wrap: break-word; }
:lang(ja) pre, :lang(ja) code, :lang(ja) svg { word-break: normal; }
"""

_TAG = re.compile(r"(<[^>]*>)")
_SKIP = {"code", "pre", "svg", "script", "style", "title", "textarea"}
_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")


def phrase_breaks(page: str) -> str:
    """``page`` with ``<wbr>`` between the Japanese phrases of its text (not inside code or SVG)."""
    out: list[str] = []
    skipping: list[str] = []
    for piece in _TAG.split(page):
        if piece.startswith("<"):
            match = _NAME.match(piece)
            if match:
                closing, name = match.group(1) == "/", match.group(2).lower()
                if name in _SKIP and not piece.endswith("/>"):
                    if closing and name in skipping:
                        del skipping[len(skipping) - 1 - skipping[::-1].index(name):]
                    elif not closing:
                        skipping.append(name)
            out.append(piece)
        elif skipping or not any(is_cjk(char) for char in piece):
            out.append(piece)
        else:
            out.append(_with_wbr(piece))
    return "".join(out)


def _with_wbr(text: str) -> str:
    """One text node with ``<wbr>`` at the phrase boundaries a line may break at (kinsoku kept)."""
    points = [index for index in sorted(phrase_boundaries(text)) if 0 < index < len(text)
              and (is_cjk(text[index - 1]) or is_cjk(text[index]))
              and not text[index - 1].isspace() and not text[index].isspace()
              and text[index] not in NO_START and text[index - 1] not in NO_END
              and text[index - 1] != ";" and text[index] != "&"]
    pieces, start = [], 0
    for index in points:
        pieces += [text[start:index], "<wbr>"]
        start = index
    pieces.append(text[start:])
    return "".join(pieces)
