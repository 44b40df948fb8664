"""``**strong**`` next to Japanese: CommonMark's flanking rules leave it raw; pair it up afterwards.

CommonMark only closes ``**`` when the character after it is a space or
punctuation if the character before it is punctuation, so
``**GIL（グローバルインタープリターロック）**を`` stays as literal asterisks: Japanese puts
no space there. :func:`pair_strong` runs after markdown-it's inline parsing and
turns the ``**`` left in a paragraph's text into strong emphasis, pairing them
in order; an odd one out stays as it was. It is the one fix for every lesson,
used by the terminal (rich's Markdown) and by the HTML pages
(:func:`cjk_emphasis` as a markdown-it plugin).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_MARK = "**"


def pair_strong(tokens: Iterable[Any]) -> None:
    """Turn the ``**`` left in each inline token's text children into strong_open/strong_close."""
    from markdown_it.token import Token

    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        marks = sum(child.content.count(_MARK) for child in block.children if child.type == "text")
        pairs = marks // 2
        if not pairs:
            continue
        left, inside, children = 2 * pairs, False, []
        for child in block.children:
            if child.type != "text" or _MARK not in child.content:
                children.append(child)
                continue
            for number, part in enumerate(child.content.split(_MARK)):
                if number and left:
                    if inside:
                        children.append(Token("strong_close", "strong", -1, markup=_MARK))
                    else:
                        children.append(Token("strong_open", "strong", 1, markup=_MARK))
                    inside, left = not inside, left - 1
                elif number:
                    part = _MARK + part
                if part:
                    children.append(Token("text", "", 0, content=part))
        block.children = children


def cjk_emphasis(md: Any) -> None:
    """markdown-it plugin: :func:`pair_strong` after the inline rules (``MarkdownIt().use(cjk_emphasis)``)."""
    md.core.ruler.push("cjk_emphasis", lambda state: pair_strong(state.tokens))
