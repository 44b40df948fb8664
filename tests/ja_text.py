"""Find English prose left in Japanese output: ``latin_prose(text)``.

A Japanese screen of conclab keeps code, commands, identifiers and numbers in
Latin script (GLOSSARY.md: "code, commands, identifiers stay in English"), and
a few terms the glossary keeps as they are (GIL, CPU, I/O, asyncio, Python...).
Everything else should be Japanese. :func:`latin_prose` returns the fragments
that are neither, so a test can assert ``latin_prose(output) == []`` over a
help screen, an error line, a lab report or the explorer's output.

How it decides, in order:

1. Code is set aside: anything in backticks; a call (``next(ticket)``); a
   Japanese term's original of one to three words in parentheses right after
   it (``更新の消失（lost update）``), as a textbook introduces a term; a command line (``conclab run
   LAB --quick``, ``python -m pip install conclab``, ``curl localhost:8000``:
   a command word, then options, metavars, paths and at most two plain words,
   its subcommands); a single token in quotes (``'auto'``, ``"x"``, 「auto」)
   and quoted code with an operator or a bracket (``'THREADS = [a, b]'``);
   any run of Latin characters with an operator in it (``x>=1``, ``a|b``,
   ``key=value``).
2. The rest is cut into Latin words. A word is code, not prose, when it looks
   like an identifier: an option (``--json``), a path or file name
   (``main.py``, ``/stats``), a dotted name (``time.sleep``), a name with ``_``,
   a digit or a hyphen in it (``CONCLAB_LANG``, ``python3``, ``data-race``),
   ALL CAPS (``LAB``, ``A``, ``JSON``), a capital inside (``VizTracer``,
   ``FastAPI``), or one of :data:`LATIN_TERMS`. Numbers and their units are
   transparent (they neither count as words nor split a phrase).
3. Plain words next to each other (one space, punctuation or numbers
   between them; two spaces or a box or bar character part the columns of a
   table or a legend) form a phrase. A phrase of two or more words is prose
   ("no such option", "Show this message and exit"); so is a single word that
   is common English (:data:`ENGLISH_WORDS`: "Usage", "default", "bytes",
   "error"). A single other word passes: it is a value or a name in running
   Japanese (``threading`` モード、``Perfetto`` で開けます), and so does a single letter
   (口座 ``a`` と ``b``).

It is a heuristic with known gaps: a lone uncommon English word passes, and
so does a hyphenated compound ("self-contained"). Pass ``allow`` for the
phrases a text may quote on purpose (a primer's own English word).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Words the glossary and the lessons keep in Latin script, and product names.
LATIN_TERMS = frozenset({
    "GIL", "CPU", "I/O", "asyncio", "Python", "CPython", "PyPy", "Future", "Event", "Condition",
    "Lock", "RLock", "Semaphore", "Queue", "Barrier", "pickle", "spawn", "fork", "forkserver",
    "Dask", "VizTracer", "Perfetto", "Chrome", "FastAPI", "Flask", "Django", "SQLite", "Markdown",
    "BudouX", "Linux", "macOS", "Windows", "Docker", "GitHub", "Ctrl", "Enter", "Web", "Unicode",
    "localhost", "pyenv", "curl", "gunicorn", "uvicorn", "conclab", "requests", "psutil", "rich", "click",
    "watchfiles", "viztracer", "dask", "distributed",
    # Python's keywords and constants, quoted as code in running text ('async def', 「with 文」, 「for ループ」);
    # not the ones that are everyday English glue (in, is, not, and, or, as, from)
    "async", "await", "def", "lambda", "import", "return", "yield", "None", "True", "False",
    "with", "if", "elif", "else", "for", "while", "try", "except", "finally", "raise", "assert",
    "pass", "del", "global", "nonlocal", "class",
})

#: Common English words: one of these alone is prose even without a neighbour.
ENGLISH_WORDS = frozenset(["a", "an", "the", "is", "are", "was", "were", "be", "been", "being", "not", "no", "yes", "of", "to", "in", "on", "at", "by", "for", "from", "with", "without", "and", "or", "but", "if", "then", "than", "as", "this", "that", "these", "those", "it", "its", "there", "here", "all", "each", "every", "any", "some", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "default", "defaults", "error", "errors", "usage", "options", "option", "commands", "command", "argument", "arguments", "value", "values", "required", "invalid", "unknown", "missing", "expected", "got", "found", "such", "only", "also", "more", "less", "most", "least", "before", "after", "when", "where", "which", "what", "who", "how", "why", "into", "over", "under", "between", "about", "per", "must", "should", "can", "cannot", "will", "would", "may", "might", "do", "does", "did", "done", "has", "have", "had", "make", "makes", "please", "try", "seconds", "second", "bytes", "byte", "requests", "request", "file", "files", "folder", "exit", "version", "choose", "see"])

_CJK = "\u3000-\u30ff\u3400-\u9fff\uff00-\uffef"
_COMMANDS = ("conclab", "python", "python3", "pip", "curl", "dask", "chmod", "cd", "uvicorn",
             "gunicorn", "git")
_COMMAND_WORD = re.compile(r"^(?:" + "|".join(_COMMANDS) + r")(?:\d+(?:\.\d+)?)?$")
_CHUNK = re.compile(rf"[^\s{_CJK}]+")
_OPERATOR = re.compile(rf"[^\s{_CJK}]*[<>=|{{}}][^\s{_CJK}]*")
_BACKTICKS = re.compile(r"`[^`\n]+`")
_QUOTED = re.compile(r"'[^'\s]+'|\"[^\"\s]+\"|「[^」\s]+」"
                     r"|'[^'\n]*[=()\[\]{}_<>/][^'\n]*'")  # one token, or code with an operator or bracket
_WORD = re.compile(r"--?[A-Za-z][A-Za-z0-9_-]*|[A-Za-z0-9_][A-Za-z0-9_.\-/:@+#%~]*[A-Za-z0-9_/]|[A-Za-z0-9]")
_CALL = re.compile(r"[A-Za-z_][\w.]*\([^()\n]*\)?")  # next(ticket), one(), sleep(0.1: a call is code
# A Japanese term followed by its original in parentheses, as a textbook introduces it: 更新の消失（lost update）
_GLOSS = re.compile(rf"(?<=[{_CJK}*])\s*（[A-Za-z][a-z-]*(?: [A-Za-z][a-z-]*){{0,2}}）")  # 1 to 3 words
_NUMBER = re.compile(r"^[0-9][0-9.,]*(?:[A-Za-z%µ]{1,3})?$")


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with each span replaced by a code marker of the same length (offsets stay valid)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = "\0" * (end - start)
    return "".join(chars)


def _command_spans(text: str) -> list[tuple[int, int]]:
    """Command lines: a command word, then options, metavars, code and at most two plain words."""
    spans = []
    chunks = list(_CHUNK.finditer(text))
    index = 0
    while index < len(chunks):
        if not _COMMAND_WORD.match(chunks[index].group().strip("'\"「」（）()")):
            index += 1
            continue
        start, end, plain = chunks[index].start(), chunks[index].end(), 0
        index += 1
        while index < len(chunks) and text[end:chunks[index].start()].strip() == "":
            token = chunks[index].group()
            if _COMMAND_WORD.match(token):
                plain = 0
            elif _is_code(token.rstrip(",;:.")) or _NUMBER.match(token) or token in {"&", "&&", "|"}:
                pass
            elif re.fullmatch(r"[a-z][a-z0-9-]*", token) and plain < 2:
                plain += 1
            else:
                break
            end = chunks[index].end()
            index += 1
        spans.append((start, end))
    return spans


def _is_code(word: str) -> bool:
    """Whether one Latin token is an identifier, an option, a path, a metavar or a kept term."""
    if word in LATIN_TERMS or word.startswith("-"):
        return True
    if re.search(r"[._/:@#+~\d\\-]", word.strip(".")):
        return True
    if word.isupper():  # a metavar (LAB, A) or an acronym (JSON)
        return True
    return any(char.isupper() for char in word[1:])


def latin_prose(text: str, allow: Iterable[str] = ()) -> list[str]:
    """The fragments of English prose in a Japanese ``text`` (empty when there is none).

    Code, commands, identifiers, numbers with units and the glossary's Latin
    terms are accepted (see the module's docstring for the rules). ``allow``
    lists phrases the text may contain on purpose; they are set aside first.
    """
    for phrase in allow:  # whole words only: an allowed "if" leaves "notify" alone
        text = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(phrase)}(?![A-Za-z0-9_])", "\0" * len(phrase), text)
    text = _blank(text, (m.span() for m in _BACKTICKS.finditer(text)))
    text = _blank(text, (m.span() for m in _GLOSS.finditer(text)))
    text = _blank(text, (m.span() for m in _CALL.finditer(text)))
    text = _blank(text, _command_spans(text))
    text = _blank(text, (m.span() for m in _QUOTED.finditer(text)))
    text = _blank(text, (m.span() for m in _OPERATOR.finditer(text)))
    found: list[str] = []
    phrase: list[re.Match[str]] = []

    def close() -> None:
        alone = phrase[0].group() if len(phrase) == 1 else ""
        letters = all(len(word.group()) == 1 for word in phrase)  # x * x, a と b: names, not words
        if (len(phrase) >= 2 and not letters) or (len(alone) > 1 and alone.lower() in ENGLISH_WORDS):
            found.append(text[phrase[0].start():phrase[-1].end()])
        phrase.clear()

    last_end = 0
    for match in _WORD.finditer(text):
        between = text[last_end:match.start()]
        if re.search(rf"[{_CJK}\0]|[ \t]{{2,}}|[│┃▏▕█▓▒░#]", between):  # Japanese, code, a column, a legend
            close()
        word = match.group()
        if _NUMBER.match(word):
            last_end = match.end()
            continue
        if _is_code(word):
            close()
        else:
            phrase.append(match)
        last_end = match.end()
    close()
    return found
