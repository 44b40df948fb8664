"""Code a learner reads, with its comments and docstrings in their language.

The program exists once, in English (``example.py``, ``starter.py``...). Its
translations live beside it in a sidecar, ``code.ja.txt``: each entry is the
English text of one comment block or docstring and its Japanese::

    @@ en
    1. copy the shared count
    @@ ja
    1. 共有のカウントをコピー

:func:`translate_code` finds the comments (``tokenize`` COMMENT tokens; lines
of full-line comments at one column form one block) and the docstrings (the
STRING token of each module, class and function docstring, found with ``ast``)
and puts the translation in their place. Only comments and docstrings change,
so the translated file compiles to the same program (the tests prove it). An
entry is keyed by the English text, not by a line number: moving code never
breaks a translation, and changing a comment leaves it untranslated until its
entry is updated, which :func:`untranslated` reports.
"""

from __future__ import annotations

import ast
import inspect
import io
import re
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rich.cells import cell_len

from conclab.text._breaks import is_cjk
from conclab.text._words import wrap

#: The sidecar holding the translations of the code files in one folder.
SIDECAR = "code.{lang}.txt"
#: ``conclab show`` at 80 columns leaves 74 cells beside its line numbers: a translated line fits them.
CODE_CELLS = 74
#: A comment beside code may be this narrow and no narrower (it then continues on more lines).
_NARROWEST = 24
_LIST_ITEM = re.compile(r"^(?:[-*+] |\d+[.)] )")
#: Comments that are instructions to tools, not prose: never translated.
_DIRECTIVE = re.compile(r"#\s*(noqa|type:|pragma|fmt:|pylint:|ruff:|mypy:|-\*-|long:)|#!")
_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Span:
    """One translatable piece: ``key`` is its English text; ``start``/``end`` are offsets in the source."""

    kind: str  # "comment" or "docstring"
    key: str
    start: int
    end: int
    indent: int
    token: str


def read_sidecar(text: str) -> dict[str, str]:
    """The ``{English: translation}`` entries of a sidecar's text (blank lines around each kept out)."""
    entries: dict[str, str] = {}
    english: list[str] | None = None
    current: list[str] | None = None
    for line in [*text.splitlines(), "@@ en"]:
        if line.rstrip() in ("@@ en", "@@ ja"):
            if english is not None and current is not None and line.rstrip() == "@@ en":
                translation = "\n".join(current).strip("\n")
                if translation:  # an entry not yet translated leaves the English in place
                    entries["\n".join(english).strip("\n")] = translation
                english, current = None, None
            if line.rstrip() == "@@ en":
                english, current = [], None
                continue
            current = []
            continue
        if current is not None:
            current.append(line.rstrip())
        elif english is not None:
            english.append(line.rstrip())
    return entries


def sidecar_for(path: Path, lang: str) -> dict[str, str]:
    """The translations into ``lang`` of the code files in ``path``'s folder; empty when there are none."""
    try:
        return read_sidecar((path.parent / SIDECAR.format(lang=lang)).read_text(encoding="utf-8"))
    except OSError:
        return {}


def _offsets(source: str) -> list[int]:
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def _docstring_starts(source: str) -> set[tuple[int, int]]:
    """(line, column) where each module, class and function docstring starts."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                found.add((first.lineno, first.col_offset))
    return found


def _comment_key(token: str) -> str:
    body = token[1:]
    return (body[1:] if body.startswith(" ") else body).rstrip()


def spans(source: str) -> list[Span]:
    """Every comment block and docstring of ``source`` that holds prose, in order."""
    at = _offsets(source)
    docstrings = _docstring_starts(source)
    lines = source.splitlines()
    found: list[Span] = []
    previous: tokenize.TokenInfo | None = None  # the last full-line comment, to join blocks
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        (row, col), (end_row, end_col) = tok.start, tok.end
        start, end = at[row - 1] + col, at[end_row - 1] + end_col
        if tok.type == tokenize.STRING and (row, col) in docstrings:
            found.append(Span("docstring", inspect.cleandoc(_inner(tok.string)[1]), start, end, col, tok.string))
        if tok.type != tokenize.COMMENT:
            if tok.type not in (tokenize.NL, tokenize.NEWLINE):
                previous = None
            continue
        if _DIRECTIVE.match(tok.string) or not _LETTER.search(tok.string):
            previous = None
            continue
        alone = not lines[row - 1][:col].strip()
        if (alone and previous is not None and found and found[-1].kind == "comment"
                and previous.start == (row - 1, col)):
            last = found[-1]
            found[-1] = Span("comment", f"{last.key}\n{_comment_key(tok.string)}", last.start, end, col, "")
        else:
            found.append(Span("comment", _comment_key(tok.string), start, end, col, ""))
        previous = tok if alone else None
    return found


def _inner(token: str) -> tuple[str, str, str]:
    """(prefix and opening quotes, text, closing quotes) of a string token."""
    prefix = len(token) - len(token.lstrip("rRuUbBfF"))
    body = token[prefix:]
    quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
    return token[:prefix] + quote, body[len(quote):-len(quote)], quote


def _join(lines: list[str]) -> str:
    """One paragraph's lines as one line: no space where Japanese meets Japanese, one space elsewhere."""
    joined = lines[0]
    for line in lines[1:]:
        glue = "" if joined and is_cjk(joined[-1]) and is_cjk(line[:1]) else " "
        joined += glue + line
    return joined


def reflow(text: str, width: int) -> str:
    """``text`` with each paragraph that has a line wider than ``width`` cells wrapped again to fit.

    A translation is written once, but read at the width of ``conclab show``:
    a Japanese line is about twice as wide as its English, and a terminal that
    wraps it breaks it anywhere. A paragraph is a run of lines that start at
    the margin; an indented line (code, a command), a list item and a blank
    line are kept as they are, and so is every paragraph that already fits, so
    a translator's own breaks stay where they fit.
    """
    out: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph and any(cell_len(line) > width for line in paragraph):
            item = _LIST_ITEM.match(paragraph[0])
            hang = " " * (item.end() if item else 0)  # a list item's lines continue under its text
            first, *rest = wrap(_join(paragraph), width)
            rest = wrap(_join(rest), width - len(hang)) if rest else []
            out.extend([first, *(hang + line for line in rest)])
        else:
            out.extend(paragraph)
        paragraph.clear()

    for line in text.split("\n"):
        if not line or line[:1].isspace():
            flush()
            out.append(line)
        else:
            if _LIST_ITEM.match(line):
                flush()
            paragraph.append(line)
    flush()
    return "\n".join(out)


def _docstring(span: Span, text: str) -> str:
    opening, inner, closing = _inner(span.token)
    indent = " " * span.indent
    if len(closing) == 3:  # a docstring in one quote stays on its line
        beside = len(closing) if "\n" not in inner else 0  # a one-line docstring closes on its line
        text = reflow(text, max(CODE_CELLS - span.indent - len(opening) - beside, _NARROWEST))
    lines = text.split("\n")
    if len(closing) == 1 and len(lines) > 1:
        raise ValueError(f"a one-line docstring gets a one-line translation: {span.key!r}")
    body = lines[0] + "".join("\n" + (indent + line if line else "") for line in lines[1:])
    if inner.startswith("\n"):
        body = "\n" + indent + body
    if (inner.rstrip(" ").endswith("\n") and "\n" in inner) or ("\n" not in inner and len(lines) > 1):
        body += "\n" + indent  # a translation longer than one line closes on a line of its own
    return opening + body + closing


def _comment(span: Span, text: str) -> str:
    text = reflow(text, max(CODE_CELLS - span.indent - 2, _NARROWEST))
    return ("\n" + " " * span.indent).join(f"# {line}" if line else "#" for line in text.split("\n"))


def untranslated(source: str, translations: Mapping[str, str]) -> list[str]:
    """The English of each comment block and docstring ``translations`` lacks."""
    return [span.key for span in spans(source) if span.key not in translations]


def translate_code(source: str, translations: Mapping[str, str]) -> str:
    """``source`` with each comment and docstring replaced by its translation (kept when it has none)."""
    if not translations:
        return source
    out = source
    for span in reversed(spans(source)):
        text = translations.get(span.key)
        if text is None:
            continue
        new = _docstring(span, text) if span.kind == "docstring" else _comment(span, text)
        out = out[: span.start] + new + out[span.end:]
    return out


def localized_code(path: Path, lang: str) -> str:
    """The code file at ``path`` with its comments and docstrings in ``lang`` where its folder's sidecar has them."""
    source = path.read_text(encoding="utf-8")
    return source if lang == "en" else translate_code(source, sidecar_for(path, lang))
