"""The game's levels (``conclab play``), in acts that follow the curriculum.

Each level is one file in this folder: a small real program (an explorer
scenario) and its ``LEVEL = {...}`` dict (title, goal, hints, what it teaches,
in ja and en). The registry below is built explicitly; a new level is its file
plus one name in :data:`ACTS`, and the tests check every file is listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conclab.errors import ConclabError
from conclab.play import Level, load_level

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Act:
    title: dict[str, str]
    levels: tuple[str, ...]


ACTS: tuple[Act, ...] = (
    Act({"en": "Lost updates", "ja": "更新の消失"}, ("counter", "read-sleep-write", "async-counter")),
    Act({"en": "Check, then act", "ja": "確かめてから動く"}, ("cache-fill", "withdraw", "half-built")),
    Act({"en": "Hand-made locks", "ja": "手作りのロック"}, ("spinlock", "leaky-semaphore")),
    Act({"en": "Deadlock", "ja": "デッドロック"}, ("lock-order", "philosophers")),
    Act({"en": "Waiting and signalling", "ja": "待つことと知らせること"},
        ("condition-if", "missed-notify", "missed-event", "barrier-cancel", "queue-sentinel")),
    Act({"en": "Double-checked locking", "ja": "ダブルチェックロッキング"}, ("double-checked",)),
    Act({"en": "Code that holds", "ja": "壊せないコード"},
        ("counter-lock", "async-lock", "withdraw-lock", "spinlock-lock", "lock-ordered",
         "condition-while", "queue-sentinels", "double-checked-safe")),
)


def level_names() -> list[str]:
    return [name for act in ACTS for name in act.levels]


def level_path(name: str) -> Path:
    return HERE / (name.replace("-", "_") + ".py")


def load(name: str) -> Level:
    """The level called ``name``; an unknown name is one line naming the close ones."""
    if name not in level_names():
        import difflib

        close = difflib.get_close_matches(name, level_names(), n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        hint_ja = f"もしかして {'、'.join(close)} ですか？" if close else ""
        raise ConclabError(f"unknown level {name!r}; {hint}see 'conclab play --list'",
                           ja=f"レベル {name!r} はありません。{hint_ja}'conclab play --list' で確かめてください")
    return load_level(name, level_path(name))


def levels() -> list[Level]:
    return [load(name) for name in level_names()]


def act_of(name: str) -> int:
    """The act number (from 1) of level ``name``."""
    for number, act in enumerate(ACTS, start=1):
        if name in act.levels:
            return number
    raise ConclabError(f"unknown level {name!r}",
                       ja=f"レベル {name!r} はありません")
