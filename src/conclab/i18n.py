"""Language choice and UI strings in Japanese and English.

The language is chosen by ``--lang``, then ``CONCLAB_LANG``, then the
language saved with ``conclab config lang ja|en`` (a small file in the user's
config folder), then the locale, with English as the fallback. Each module keeps its own strings in a
:class:`Messages` table next to the code that prints them, so a new command
never has to edit a shared catalogue.
"""

from __future__ import annotations

import locale
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

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


CONFIG_FILE = "config.toml"


def config_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """conclab's folder in the user's config directory (the platform's rule, as platformdirs has it).

    ``CONCLAB_CONFIG_DIR`` overrides it. ``None`` when the environment names
    no home to put it in.
    """
    env = os.environ if environ is None else environ
    if env.get("CONCLAB_CONFIG_DIR"):
        return Path(env["CONCLAB_CONFIG_DIR"])
    if sys.platform == "win32":
        base = env.get("APPDATA")
        return Path(base, "conclab") if base else None
    home = env.get("HOME")
    if sys.platform == "darwin":
        return Path(home, "Library", "Application Support", "conclab") if home else None
    if env.get("XDG_CONFIG_HOME"):
        return Path(env["XDG_CONFIG_HOME"], "conclab")
    return Path(home, ".config", "conclab") if home else None


def saved_lang(environ: Mapping[str, str] | None = None) -> str | None:
    """The language saved by ``conclab config lang``, if any."""
    folder = config_dir(environ)
    try:
        text = (folder / CONFIG_FILE).read_text(encoding="utf-8") if folder else ""
    except (OSError, UnicodeDecodeError):
        return None
    found = re.search(r'^\s*lang\s*=\s*"?([A-Za-z_-]+)"?\s*$', text, re.MULTILINE)
    return _normalise(found.group(1)) if found else None


def save_lang(lang: str, environ: Mapping[str, str] | None = None) -> Path:
    """Remember ``lang`` for every later command; return the file written.

    Raises ``OSError`` when there is no config folder or it cannot be written.
    """
    folder = config_dir(environ)
    if folder is None:
        raise OSError("no home or config directory is set (HOME, XDG_CONFIG_HOME, APPDATA)")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / CONFIG_FILE
    path.write_text(f'# conclab settings (conclab config)\nlang = "{lang}"\n', encoding="utf-8")
    return path


def choose_lang(flag: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """Return ``"ja"`` or ``"en"``: the flag, ``CONCLAB_LANG``, the saved choice, then the locale."""
    env = os.environ if environ is None else environ
    chosen = _normalise(flag)
    if chosen:
        return chosen
    chosen = _normalise(env.get("CONCLAB_LANG")) or saved_lang(env)
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
        text = text.format(**values) if values else text
        return _tight(text) if lang == "ja" and values else text

    def missing(self) -> list[str]:
        """Keys that lack one of the languages (for tests)."""
        return [k for k, v in self.table.items() if any(not v.get(lang) for lang in LANGS)]


def pick(texts: Mapping[str, str], lang: str) -> str:
    """Pick one language from a ``{"en": ..., "ja": ...}`` mapping, English as fallback."""
    return texts.get(lang) or texts[DEFAULT_LANG]


# Full-width brackets carry their own space: a value that ends in 「）」 meets 「を」 with none between.
_LOOSE = re.compile(r"(?<=[）」』])[ ](?=[\u3040-\u30ff\u4e00-\u9fff])|(?<=[\u3040-\u30ff\u4e00-\u9fff])[ ](?=[（「『])")


def _tight(text: str) -> str:
    """Japanese with no half-width space beside a full-width bracket: 「lock_b（T1 が保持）を待つ」."""
    return _LOOSE.sub("", text)
