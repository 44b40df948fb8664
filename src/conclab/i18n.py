"""Language choice and UI strings in Japanese and English.

The language is chosen by ``--lang``, then ``CONCLAB_LANG``, then the locale,
with English as the fallback. Each module keeps its own strings in a
:class:`Messages` table next to the code that prints them, so a new command
never has to edit a shared catalogue.
"""

from __future__ import annotations

import locale
import os
from collections.abc import Mapping

LANGS = ("en", "ja")
DEFAULT_LANG = "en"


def _normalise(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().lower()
    if value.startswith("ja"):
        return "ja"
    if value.startswith("en"):
        return "en"
    return None


def choose_lang(flag: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """Return ``"ja"`` or ``"en"``: the flag, then ``CONCLAB_LANG``, then the locale."""
    env = os.environ if environ is None else environ
    chosen = _normalise(flag)
    if chosen:
        return chosen
    chosen = _normalise(env.get("CONCLAB_LANG"))
    if chosen:
        return chosen
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var)
        if value:
            # The first locale variable that is set decides, as in POSIX.
            return _normalise(value) or DEFAULT_LANG
    if environ is None:
        try:
            code = locale.getlocale()[0]
        except ValueError:
            code = None
        return _normalise(code) or DEFAULT_LANG
    return DEFAULT_LANG


class Messages:
    """A table of UI strings keyed by name, each in ``en`` and ``ja``.

    ``Messages({"hello": {"en": "Hello {name}", "ja": "こんにちは {name}"}})``;
    ``msgs.get("hello", "ja", name="x")``. A missing Japanese string falls
    back to English rather than crashing; tests check that none is missing.
    """

    def __init__(self, table: Mapping[str, Mapping[str, str]]) -> None:
        self.table = dict(table)

    def get(self, key: str, lang: str, /, **values: object) -> str:
        entry = self.table[key]
        text = entry.get(lang) or entry[DEFAULT_LANG]
        return text.format(**values) if values else text

    def missing(self) -> list[str]:
        """Keys that lack one of the languages (for tests)."""
        return [k for k, v in self.table.items() if any(not v.get(lang) for lang in LANGS)]


def pick(texts: Mapping[str, str], lang: str) -> str:
    """Pick one language from a ``{"en": ..., "ja": ...}`` mapping, English as fallback."""
    return texts.get(lang) or texts[DEFAULT_LANG]
