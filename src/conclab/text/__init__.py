"""The one text layer for the terminal: wrapping, Markdown, Japanese line breaks, counts.

Every message a learner reads in the terminal goes through here: English
wraps at spaces, Japanese at phrase boundaries (BudouX) with kinsoku, and
inline code, numbers, words and URLs are never cut. :func:`install` routes
rich's own wrapping through the same breaker, so tables and Markdown obey it
too. :func:`count` formats "1 check" / "2 checks" / "チェック 2 回".
"""

from conclab.text._breaks import NO_END, NO_START, break_offsets, candidates, is_cjk
from conclab.text._code import (
    SIDECAR,
    Span,
    localized_code,
    read_sidecar,
    sidecar_for,
    spans,
    translate_code,
    untranslated,
)
from conclab.text._emphasis import cjk_emphasis, pair_strong
from conclab.text._html import PHRASE_CSS, phrase_breaks
from conclab.text._render import (
    CODE_STYLE,
    THEME,
    Block,
    Heading,
    code_ranges,
    inline,
    install,
    join_cjk_lines,
    make_console,
    markdown,
    render_lines,
)
from conclab.text._words import count, wrap

__all__ = [
    "SIDECAR",
    "Span",
    "CODE_STYLE",
    "NO_END",
    "NO_START",
    "PHRASE_CSS",
    "THEME",
    "Block",
    "Heading",
    "break_offsets",
    "candidates",
    "cjk_emphasis",
    "code_ranges",
    "count",
    "inline",
    "install",
    "is_cjk",
    "join_cjk_lines",
    "localized_code",
    "make_console",
    "markdown",
    "pair_strong",
    "phrase_breaks",
    "read_sidecar",
    "render_lines",
    "sidecar_for",
    "spans",
    "translate_code",
    "untranslated",
    "wrap",
]
