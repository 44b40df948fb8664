"""The curriculum: chapters, lessons and exercises, built into one registry.

Lessons live one folder each in :mod:`conclab.curriculum.lessons`, exercises
one folder each in :mod:`conclab.curriculum.exercises`. :func:`registry`
builds everything explicitly from those folders: importing any module of
conclab (the CLI included) never changes what the registry holds.
"""

from __future__ import annotations

from functools import lru_cache

from conclab.curriculum.chapters import CHAPTERS
from conclab.curriculum.exercises import catalogue
from conclab.curriculum.lessons import load_lessons
from conclab.lab import Entry, Registry


def build_registry() -> Registry:
    """A new registry of every chapter, lesson and exercise (no cache: tests build their own)."""
    built = Registry()
    for chapter in CHAPTERS:
        built.add_chapter(chapter)
    for lab in load_lessons():
        built.add_lab(lab)
    for exercise in catalogue():
        built.add_entry(Entry(id=exercise.id, chapter=exercise.chapter, title=exercise.title,
                              summary=exercise.summary, kind="exercise", order=exercise.order))
    return built


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The registry of every chapter, lesson and exercise, built once per process."""
    return build_registry()
