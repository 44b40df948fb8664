"""Counts in words ("1 check", "2 checks", "チェック 2 回") and plain-string wrapping."""

from __future__ import annotations

import re

from conclab.text._breaks import break_offsets

# noun: (English singular, English plural, Japanese template with {n})
_NOUNS: dict[str, tuple[str, str, str]] = {
    "check": ("check", "checks", "チェック {n} 回"),
    "hint": ("hint", "hints", "ヒント {n} 回"),
    "request": ("request", "requests", "{n} リクエスト"),
    "lab": ("lab", "labs", "ラボ {n} 件"),
    "span": ("span", "spans", "スパン {n} 個"),
    "lane": ("lane", "lanes", "レーン {n} 本"),
    "schedule": ("schedule", "schedules", "スケジュール {n} 通り"),
    "exercise": ("exercise", "exercises", "演習 {n} 問"),
    "claim": ("claim", "claims", "主張 {n} 件"),
    "process": ("process", "processes", "プロセス {n} 個"),
    "thread": ("thread", "threads", "スレッド {n} 本"),
    "core": ("core", "cores", "{n} コア"),
}


def count(n: int, noun: str, lang: str = "en") -> str:
    """``count(1, "check")`` is "1 check"; ``count(2, "check", "ja")`` is "チェック 2 回"."""
    singular, plural, japanese = _NOUNS[noun]
    if lang == "ja":
        return japanese.format(n=n)
    return f"{n} {singular if n == 1 else plural}"


def wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` cells (no styles), with the same rules as the terminal.

    Backticked parts are inline code and stay whole.
    """
    lines: list[str] = []
    for raw in text.splitlines() or [""]:
        start = 0
        code = [match.span() for match in re.finditer(r"`[^`\n]+`", raw)]
        for offset in [*break_offsets(raw, width, protected=code), len(raw)]:
            lines.append(raw[start:offset].rstrip())
            start = offset
    return lines
