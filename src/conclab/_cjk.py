"""Line breaking for Japanese in rich's wrapping.

rich wraps at spaces, and Japanese has none, so a whole sentence counts as one
word and jumps to the next line ("Web" alone, then the sentence). Japanese may
break between any two characters, except before closing punctuation (kinsoku).
rich finds words with one regular expression, ``rich._wrap.re_word``; this
module swaps in one that makes each Japanese character (with any closing
punctuation after it) a word of its own. It changes nothing for other text, and
does nothing if a future rich moves that expression.
"""

from __future__ import annotations

import re

_CJK = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CLOSING = "、。，．）」』】〕！？ー・：；〉》"
WORD = re.compile(rf"\s*(?:[{_CJK}][{_CLOSING}]*|[^\s{_CJK}]+[{_CLOSING}]*)\s*")

_done = False


def enable_cjk_wrapping() -> None:
    """Let rich break Japanese text between characters (idempotent)."""
    global _done
    if _done:
        return
    _done = True
    try:
        from rich import _wrap
    except ImportError:
        return
    if isinstance(getattr(_wrap, "re_word", None), re.Pattern):
        _wrap.re_word = WORD
