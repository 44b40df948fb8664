"""What a learner's machine sends the class server, and how the server checks it at the door.

One result is one verdict of ``conclab check`` or ``conclab watch``: the
exercise, whether it passed, each check's name, pass/fail and message, the
elapsed time, the attempt number, the conclab and Python versions and the
cores. Never the learner's code. Its ``id`` is made on the learner's machine,
so sending it again is harmless.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: The largest request body the server reads; a result with many long messages is about 4 KiB.
MAX_BODY_BYTES = 64 * 1024
MAX_CHECKS = 50
MAX_MESSAGE_CHARS = 1000
MAX_NAME_CHARS = 60
ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")
SOURCES = ("check", "watch")


class ProtocolError(ValueError):
    """A request the server refuses: the message says which field and why (sent back with a 4xx)."""


@dataclass(frozen=True)
class CheckLine:
    name: str
    passed: bool
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "message": self.message}


@dataclass(frozen=True)
class Result:
    id: str
    exercise: str
    passed: bool
    checks: tuple[CheckLine, ...]
    elapsed_s: float
    attempt: int
    source: str
    conclab: str
    python: str
    cores: int
    checked_at: float

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "exercise": self.exercise, "passed": self.passed,
                "checks": [check.to_json() for check in self.checks], "elapsed_s": self.elapsed_s,
                "attempt": self.attempt, "source": self.source, "conclab": self.conclab,
                "python": self.python, "cores": self.cores, "checked_at": self.checked_at}

    @classmethod
    def from_json(cls, data: Any, exercises: Iterable[str] | None = None) -> Result:
        """Check every field; ``exercises``, when given, are the ids the server knows."""
        if not isinstance(data, dict):
            raise ProtocolError("a result must be a JSON object")
        result_id = _text(data, "id", 32)
        if not ID_PATTERN.match(result_id):
            raise ProtocolError("'id' must be 32 lowercase hex digits (a uuid4 hex)")
        exercise = _text(data, "exercise", 80)
        if exercises is not None and exercise not in set(exercises):
            raise ProtocolError(f"unknown exercise '{exercise}'; is this learner's conclab "
                                "the same version as the server's?")
        checks = data.get("checks")
        if not isinstance(checks, list) or len(checks) > MAX_CHECKS:
            raise ProtocolError(f"'checks' must be a list of at most {MAX_CHECKS} objects")
        lines = tuple(_check_line(item) for item in checks)
        source = _text(data, "source", 10)
        if source not in SOURCES:
            raise ProtocolError(f"'source' must be one of {', '.join(SOURCES)}")
        return cls(result_id, exercise, _flag(data, "passed"), lines,
                   _number(data, "elapsed_s", 0.0, 86400.0), int(_number(data, "attempt", 1, 10**6)),
                   source, _text(data, "conclab", 40), _text(data, "python", 40),
                   int(_number(data, "cores", 1, 4096)), _number(data, "checked_at", 0.0, 1e11))


def _check_line(item: Any) -> CheckLine:
    if not isinstance(item, dict):
        raise ProtocolError("each check must be an object with name, passed and message")
    return CheckLine(_text(item, "name", 120), _flag(item, "passed"),
                     _text(item, "message", MAX_MESSAGE_CHARS, allow_empty=True))


def _text(data: dict[str, Any], key: str, limit: int, *, allow_empty: bool = False) -> str:
    value = data.get(key)
    if not isinstance(value, str) or (not value and not allow_empty):
        raise ProtocolError(f"'{key}' must be a non-empty string")
    if len(value) > limit:
        raise ProtocolError(f"'{key}' is longer than {limit} characters")
    return value


def _flag(data: dict[str, Any], key: str) -> bool:
    value = data.get(key)
    if not isinstance(value, bool):
        raise ProtocolError(f"'{key}' must be true or false")
    return value


def _number(data: dict[str, Any], key: str, low: float, high: float) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ProtocolError(f"'{key}' must be a number from {low:g} to {high:g}")
    return float(value)


def learner_name(value: Any) -> str:
    """A learner's display name: printable, trimmed, 1 to MAX_NAME_CHARS characters."""
    if not isinstance(value, str):
        raise ProtocolError("'name' must be a string")
    name = " ".join(value.split())
    if not name or len(name) > MAX_NAME_CHARS or not name.isprintable():
        raise ProtocolError(f"'name' must be 1 to {MAX_NAME_CHARS} printable characters")
    return name


def shorten(message: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """A check message cut to ``limit`` characters (the first lines matter most)."""
    return message if len(message) <= limit else message[: limit - 1] + "…"
