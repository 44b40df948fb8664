"""The order a learner meets things: a lesson builds on what came before it.

A lesson, statement or hint may point ahead ("chapter 3's `lock` fixes this",
「次の `data-race` ラボで」), but only in a sentence that says it points ahead;
a bare mention of a later lab reads as if the learner had met it already.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import conclab.curriculum
from conclab.curriculum import registry
from conclab.i18n import LANGS
from conclab.lab import Entry, Lab

EXERCISES = Path(conclab.curriculum.__file__).parent / "exercises"
AHEAD = re.compile(r"\blater\b|\bnext\b|\bchapter \d|\bahead\b|\bcoming\b|\bwill\b|\bupcoming\b"
                   r"|次の|次は|後の|後半|第 ?\d+ ?章|あとで|のちほど|これから", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s|[。！？]")


def _sequence() -> list[str]:
    reg = registry()
    names: list[str] = []
    for chapter in reg.chapters():
        items: list[Lab | Entry] = [*reg.labs(chapter.id), *reg.entries(chapter.id)]
        names.extend(item.id for item in sorted(items, key=lambda item: item.order))
    return names


def _texts(name: str) -> list[tuple[str, str]]:
    reg = registry()
    if name in {lab.id for lab in reg.labs()}:
        return [(lang, reg.prose(name, lang)) for lang in LANGS]
    folder = EXERCISES / name.replace("-", "_")
    return [(path.name, path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.md"))]


def _unmarked_forward_references(name: str, later: set[str]) -> list[str]:
    found = []
    for where, text in _texts(name):
        for sentence in SENTENCE_END.split(" ".join(text.split())):
            # "- `lock` holds ..." names a term (a counter of `conclab serve`), not a lab.
            sentence = re.sub(r"^\s*-\s+`[a-z][a-z0-9-]*`", "", sentence)
            for ref in re.findall(r"`([a-z][a-z0-9-]+)`", sentence):
                if ref in later and not AHEAD.search(sentence):
                    found.append(f"{where}: `{ref}` in: {sentence.strip()[:160]}")
    return found


SEQUENCE = _sequence()


@pytest.mark.parametrize("position", range(len(SEQUENCE)), ids=SEQUENCE)
def test_no_lesson_leans_on_a_later_one(position: int) -> None:
    later = set(SEQUENCE[position + 1:])
    assert _unmarked_forward_references(SEQUENCE[position], later) == []
