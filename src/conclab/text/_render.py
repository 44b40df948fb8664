"""Rendering messages for the terminal: consoles, Markdown, detail blocks, and rich's wrapping.

:func:`install` makes every wrap rich does (Markdown paragraphs, table cells,
plain :class:`~rich.text.Text`) go through :func:`break_offsets`, so words,
numbers and inline code are never cut and Japanese breaks between phrases.
Inline code is any span whose style name mentions ``code``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import IO, Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from rich.theme import Theme

from conclab.text._breaks import break_offsets
from conclab.text._emphasis import pair_strong

CODE_STYLE = "markdown.code"
# No background on inline code: a black box is unreadable on a light palette.
THEME = Theme({
    "markdown.code": "bold cyan",
    "markdown.code_block": "cyan",
    "markdown.h1": "bold",
    "markdown.h2": "bold",
    "markdown.h1.border": "bold",
})

_installed = False


def code_ranges(text: Text) -> list[tuple[int, int]]:
    """Character ranges of ``text`` styled as inline code (kept whole when wrapping)."""
    return [(span.start, span.end) for span in text.spans if "code" in str(span.style)]


def install() -> None:
    """Route rich's word wrapping through conclab's line breaker (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    from rich import text as rich_text

    def wrap(self: Text, console: Console, width: int, *, justify: Any = None, overflow: Any = None,
             tab_size: int = 8, no_wrap: bool | None = None) -> Any:
        wrap_justify = justify or self.justify or rich_text.DEFAULT_JUSTIFY
        wrap_overflow = overflow or self.overflow or rich_text.DEFAULT_OVERFLOW
        no_wrap = bool(no_wrap if no_wrap is not None else self.no_wrap) or overflow == "ignore"
        lines = rich_text.Lines()
        for line in self.split(allow_blank=True):
            if "\t" in line:
                line.expand_tabs(tab_size)
            if no_wrap:
                if overflow == "ignore":
                    lines.append(line)
                    continue
                new_lines = rich_text.Lines([line])
            else:
                # A wrapped line is never cut: "ellipsis" folds a piece too wide for the line.
                offsets = break_offsets(line.plain, width, fold=wrap_overflow in ("fold", "ellipsis"),
                                        protected=code_ranges(line))
                new_lines = line.divide(offsets)
                for piece in new_lines:
                    _rstrip_cells(piece, width)
            if wrap_justify:
                new_lines.justify(console, width, justify=wrap_justify, overflow=wrap_overflow)
            for piece in new_lines:
                piece.truncate(width, overflow=wrap_overflow)
            lines.extend(new_lines)
        return lines

    rich_text.Text.wrap = wrap  # type: ignore[method-assign]


def _rstrip_cells(piece: Text, width: int) -> None:
    """Drop trailing spaces past ``width`` cells (rich's ``rstrip_end`` counts characters, not cells).

    Counting characters leaves "スレッドが " one cell too wide, and the
    ellipsis overflow then turns its last cell into "…".
    """
    excess = piece.cell_len - width
    spaces = len(piece.plain) - len(piece.plain.rstrip(" "))
    if excess > 0 and spaces:
        piece.right_crop(min(excess, spaces))


def make_console(width: int | None = None, *, file: IO[str] | None = None, stderr: bool = False,
                 plain: bool = False) -> Console:
    """The console every command prints on; ``plain`` gives uncoloured text (files, golden tests)."""
    install()
    if plain:
        return Console(width=width, file=file, stderr=stderr, theme=THEME, highlight=False,
                       color_system=None, emoji=False, legacy_windows=False, soft_wrap=False)
    return Console(width=width, file=file, stderr=stderr, theme=THEME, highlight=False, soft_wrap=False)


_CJK_CHAR = re.compile(r"[^\x00-\x7f]")
_BLOCK_START = re.compile(r"^\s*(?:[-*+] |\d+[.)] |#|>|\||```|<!--|$)")


_CJK_PUNCTUATION = set("。、，．・：；！？「」『』（）【】〔〕〈〉《》")


def _joint(last: str, line: str) -> str:
    """What goes between a line ending in Japanese and the next: a space before Latin text, else nothing.

    "次の" + "`task-granularity`" keeps the half-width space the lesson writes
    inside a line ("次の `task-granularity`"); after 「。」 or 「、」 nothing is added.
    """
    if last in _CJK_PUNCTUATION:
        return ""
    if line.startswith("`"):
        return " "
    first = line.lstrip("*_")[:1]
    return " " if first.isascii() and first.isalnum() else ""


def join_cjk_lines(markdown: str) -> str:
    """Join a paragraph's lines where the break follows a Japanese character.

    Markdown turns a line break inside a paragraph into a space, which is
    right for English and wrong for Japanese ("複数の クライアント"). A line
    that starts a new block (a list item, a heading, a fence) is kept apart;
    so is anything inside a code fence. A line starting with Latin text gets
    the half-width space Japanese prose puts between the two.
    """
    out: list[str] = []
    in_fence = False
    for line in markdown.split("\n"):
        fence = line.lstrip().startswith("```")
        previous = out[-1] if out else ""
        tail = previous.rstrip("*`_")
        if (not in_fence and not fence and out and tail and _CJK_CHAR.match(tail[-1])
                and not _BLOCK_START.match(line)):
            out[-1] = previous + _joint(tail[-1], line.lstrip()) + line.lstrip()
        else:
            out.append(line)
        if fence:
            in_fence = not in_fence
    return "\n".join(out)


def markdown(source: str) -> Any:
    """Markdown for the terminal (hints, statements, prose), Japanese line breaks joined first."""
    install()
    return _lesson_markdown()(join_cjk_lines(source.strip()), code_theme="ansi_dark",
                              inline_code_lexer=None)


@functools.lru_cache(maxsize=1)
def _lesson_markdown() -> Any:
    """rich's Markdown with headings drawn one way whatever rich version is installed.

    rich 15 puts headings on the left (a centred h1 aside); rich 13 and 14 centre them
    all and box the h1. A learner's screen should not change with a dependency's
    default, so conclab draws them as rich 15 does, on every supported version.
    """
    from rich.markdown import Heading, Markdown

    class LessonHeading(Heading):
        def __rich_console__(self, console: Any, options: Any) -> Any:
            text = self.text.copy()
            text.justify = "center" if self.tag == "h1" else "left"
            yield text

    class LessonMarkdown(Markdown):
        elements = {**Markdown.elements, "heading_open": LessonHeading}

        def __init__(self, markup: str, *args: Any, **kwargs: Any) -> None:
            super().__init__(markup, *args, **kwargs)
            pair_strong(self.parsed)  # "**GIL（…）**を": strong, as the lesson meant

    return LessonMarkdown


_INLINE_CODE = re.compile(r"`([^`\n]+)`")


def inline(message: str, style: str = "") -> Text:
    """One message as rich Text: `backticked` parts become inline code (kept whole), nothing else is markup."""
    text = Text(style=style)
    position = 0
    for match in _INLINE_CODE.finditer(message):
        text.append(message[position:match.start()])
        text.append(match.group(1), style=CODE_STYLE)
        position = match.end()
    text.append(message[position:])
    return text


class Block:
    """A multi-line message (a check's detail) wrapped line by line with its indentation kept.

    A line's continuation is indented two more cells than the line itself, so a
    wrapped row of a step table does not read as a new row.
    """

    def __init__(self, message: str, style: str = "", hang: int = 2, prefix: Text | str = "") -> None:
        self.message = message
        self.style = style
        self.hang = hang
        self.prefix = Text(prefix) if isinstance(prefix, str) else prefix

    def lines(self, width: int) -> list[Text]:
        """The message as lines of at most ``width`` cells, the prefix on the first, the rest under it."""
        margin = self.prefix.cell_len
        out = [Text(" " * margin) + line for line in self._lines(max(8, width - margin))]
        if out and margin:
            out[0] = self.prefix + out[0][margin:]
        return out

    def _lines(self, width: int) -> list[Text]:
        install()
        out: list[Text] = []
        for raw in self.message.splitlines() or [""]:
            body = raw.lstrip(" ")
            indent = min(len(raw) - len(body), max(0, width // 2))
            text = inline(body, self.style)
            hang = self.hang if body and indent else 0
            room = max(8, width - indent - hang)
            offsets = break_offsets(text.plain, room, protected=code_ranges(text),
                                    first_width=max(8, width - indent))
            for number, piece in enumerate(text.divide(offsets)):
                piece.rstrip()
                pad = indent if number == 0 else indent + hang
                out.append(Text(" " * pad) + piece)
        return out

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Any:
        from rich.cells import cell_len
        from rich.measure import Measurement

        widest = max((cell_len(line) for line in self.message.splitlines()), default=0)
        widest += self.hang + self.prefix.cell_len
        return Measurement(min(options.max_width, 12), min(options.max_width, widest))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines(options.max_width):
            line.no_wrap = True
            line.overflow = "fold"
            yield line


class Heading:
    """A title in a rule (``── title ──``), or the title wrapped above a rule when it is too long to fit."""

    def __init__(self, title: str, style: str = "bold") -> None:
        self.title = title
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.rule import Rule

        text = inline(self.title, self.style)
        if text.cell_len + 6 <= options.max_width:
            yield Rule(text)
        else:
            yield text
            yield Rule(style="dim")


def render_lines(renderables: Iterable[Any], width: int) -> str:
    """Plain text of ``renderables`` at ``width`` columns (golden tests, files)."""
    import io

    buffer = io.StringIO()
    console = make_console(width, file=buffer, plain=True)
    for renderable in renderables:
        console.print(renderable)
    return buffer.getvalue()
