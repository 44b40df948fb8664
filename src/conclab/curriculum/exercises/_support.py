"""Helpers the exercise checks share: the expected answers, computed here, and output parsing."""

from __future__ import annotations

import ast
import re
from functools import lru_cache

from conclab.exercises import CheckContext, ExploreRun, ProgramRun, describe_failure
from conclab.i18n import Messages

_LAST_INT = re.compile(r"(-?\d+)\s*$")


@lru_cache(maxsize=8)
def primes_upto(limit: int) -> tuple[int, ...]:
    """The primes in 1..limit by a sieve: the checker's own answer, independent of the learner's."""
    if limit < 2:
        return ()
    sieve = bytearray([1]) * (limit + 1)
    sieve[0] = sieve[1] = 0
    for n in range(2, int(limit**0.5) + 1):
        if sieve[n]:
            sieve[n * n :: n] = bytearray(len(range(n * n, limit + 1, n)))
    return tuple(i for i, flag in enumerate(sieve) if flag)


def trailing_int(line: str) -> int | None:
    """The number a line ends with (``primes up to 100000: 9592`` -> 9592), or None."""
    match = _LAST_INT.search(line)
    return int(match.group(1)) if match else None


def refused_url() -> str:
    """A loopback URL where nothing listens: bind a port, then close it, so connecting is refused."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/status/200"


def url_lines(lines: list[str]) -> dict[str, list[str]]:
    """``<url> <rest>`` lines grouped by URL: what a learner printed for each URL."""
    found: dict[str, list[str]] = {}
    for line in lines:
        url, _, rest = line.strip().partition(" ")
        if url.startswith("http"):
            found.setdefault(url, []).append(rest.strip())
    return found


# --- race exercises: what the explorer found, told in the learner's terms -------------------

RACE_MESSAGES = Messages({
    "explore-refused": {"en": "the explorer could not run your file: {error}",
                        "ja": "インターリーブ探索があなたのファイルを実行できませんでした: {error}"},
    "missing-function": {"en": "{file} must define {names} at the top level (the checker calls {them}); "
                               "'conclab reset {exercise}' writes the starter again",
                         "ja": "{file} には最上位に {names} が必要です（チェッカーが呼び出します）。"
                               "'conclab reset {exercise}' でスターターを書き直せます"},
})


def calls_in(node: ast.AST) -> list[str]:
    """Names of what ``node`` calls: ``threading.Lock()`` -> ``Lock``, ``lock.acquire()`` -> ``acquire``."""
    names = []
    for inner in ast.walk(node):
        if isinstance(inner, ast.Call):
            func = inner.func
            if isinstance(func, ast.Attribute):
                names.append(func.attr)
            elif isinstance(func, ast.Name):
                names.append(func.id)
    return names


def require_functions(ctx: CheckContext, names: list[str]) -> bool:
    """Record a failure (and return False) when the learner's file lost a function the checker calls.

    A file that does not compile is reported as the syntax error it is (file, line), once.
    """
    problem = ctx.source.problem
    if problem is not None:
        ctx.add(ctx.path.name, False, describe_failure(
            ProgramRun(script=str(ctx.path), args=(), syntax_error=problem), ctx.lang))
        return False
    missing = [name for name in names if name not in ctx.source.top_level_functions()]
    if not missing:
        return True
    shown = ", ".join(f"{name}()" for name in missing)
    ctx.add(ctx.path.name, False, RACE_MESSAGES.get(
        "missing-function", ctx.lang, file=ctx.path.name, names=shown, them=shown, exercise=ctx.exercise.id))
    return False


def exploration_detail(ctx: CheckContext, outcome: ExploreRun, headline: str) -> str:
    """Why an exploration failed: ``headline`` and the learner's step table, or why it could not run."""
    if not outcome.run.ok:
        return describe_failure(outcome.run, ctx.lang)
    if outcome.error is not None or not outcome.completed:
        return RACE_MESSAGES.get("explore-refused", ctx.lang, error=outcome.error or outcome.run.stderr.strip())
    finding = outcome.finding
    message = finding.message if finding is not None else ""
    if outcome.kind == "assertion":  # the harness's check() line means nothing to the learner
        message = message.split(": ", 1)[-1]
    parts = [headline, "    " + message]
    table = outcome.table_text(ctx.lang)
    if table:
        parts.append(table)
    return "\n".join(parts)
