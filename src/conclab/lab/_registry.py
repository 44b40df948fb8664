"""The registry of chapters, labs and other entries (exercises).

The engine defines the registry; the curriculum fills it. Lookups of unknown
names raise :class:`ConclabError` naming the close matches.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
from pathlib import Path

from conclab.errors import ConclabError
from conclab.lab._model import Chapter, Entry, Lab
from conclab.text import join_cjk_lines, localized_code


class Registry:
    """Chapters in order, with their labs and entries (exercises); each lab's prose read from its home."""

    def __init__(self) -> None:
        self._chapters: dict[str, Chapter] = {}
        self._labs: dict[str, Lab] = {}
        self._entries: dict[str, Entry] = {}

    # -- filling ---------------------------------------------------------------
    def add_chapter(self, chapter: Chapter) -> None:
        self._chapters[chapter.id] = chapter

    def add_lab(self, lab: Lab) -> None:
        if lab.chapter not in self._chapters:
            raise ValueError(f"lab {lab.id!r} names unknown chapter {lab.chapter!r}")
        if lab.id in self._labs:
            raise ValueError(f"lab {lab.id!r} registered twice")
        self._labs[lab.id] = lab

    def add_entry(self, entry: Entry) -> None:
        self._entries[entry.id] = entry

    # -- reading ---------------------------------------------------------------
    def chapters(self) -> list[Chapter]:
        return sorted(self._chapters.values(), key=lambda c: c.number)

    def chapter(self, chapter_id: str) -> Chapter:
        try:
            return self._chapters[chapter_id]
        except KeyError:
            raise ConclabError(_unknown("chapter", chapter_id, list(self._chapters)),
                               ja=_unknown("chapter", chapter_id, list(self._chapters), "ja")) from None

    def labs(self, chapter: str | None = None) -> list[Lab]:
        order = {c.id: c.number for c in self._chapters.values()}
        labs = [lab for lab in self._labs.values() if chapter in (None, lab.chapter)]
        return sorted(labs, key=lambda lab: (order[lab.chapter], lab.order))

    def entries(self, chapter: str | None = None) -> list[Entry]:
        order = {c.id: c.number for c in self._chapters.values()}
        entries = [e for e in self._entries.values() if chapter in (None, e.chapter)]
        return sorted(entries, key=lambda e: (order.get(e.chapter, 99), e.order))

    def lab(self, lab_id: str) -> Lab:
        """The lab called ``lab_id``; ``io_threads`` finds ``io-threads`` (folder names are snake_case)."""
        try:
            return self._labs[lab_id.strip().replace("_", "-")]
        except KeyError:
            raise ConclabError(_unknown("lab", lab_id, list(self._labs)),
                               ja=_unknown("lab", lab_id, list(self._labs), "ja")) from None

    def prose(self, lab_id: str, lang: str) -> str:
        """The lesson text in ``lang`` (Markdown), or an empty string when there is none."""
        home = self.lab(lab_id).home
        if home is None:
            return ""
        path = home / f"{lang}.md"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            return ""
        return join_cjk_lines(text) if lang == "ja" else text

    def example_source(self, lab_id: str, lang: str = "en") -> list[tuple[str, str]]:
        """(file, source) of each example module of the lab: the code that ran.

        The file is named by its place in the package (``conclab/curriculum/lessons/io_threads/example.py``):
        every lesson's example is called ``example.py``, so the bare name would not say which. In
        another language than English, comments and docstrings are translated from the sidecar
        beside the module (:func:`conclab.text.localized_code`); the code is the same.
        """
        lab = self.lab(lab_id)
        sources = []
        for name in lab.example:
            module = importlib.import_module(name)
            path = inspect.getsourcefile(module)
            source = (localized_code(Path(path), lang) if path and lang != "en"
                      else inspect.getsource(module))
            sources.append(("/".join(name.split(".")) + ".py", source))
        return sources


def _unknown(kind: str, name: str, known: list[str], lang: str = "en") -> str:
    """"no lab named 'x'", with the close names if any, in ``lang``."""
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    if lang == "ja":
        what = {"lab": "ラボ", "chapter": "章"}.get(kind, kind)
        if close:
            return (f"{what} {name!r} はありません。もしかして {'、'.join(repr(c) for c in close)} ですか？"
                    "（一覧は 'conclab list' で確かめられます）")
        return f"{what} {name!r} はありません。'conclab list' で一覧を確かめてください"
    if close:
        return f"no {kind} named {name!r}; did you mean {', '.join(repr(c) for c in close)}? (see 'conclab list')"
    return f"no {kind} named {name!r}; run 'conclab list' to see them all"


def split_prose(markdown: str) -> tuple[str, str]:
    """Split a lesson at ``<!-- results -->``: what comes before the results and after."""
    marker = "<!-- results -->"
    if marker in markdown:
        before, after = markdown.split(marker, 1)
        return before.strip(), after.strip()
    return markdown.strip(), ""
