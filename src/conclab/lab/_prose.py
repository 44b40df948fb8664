"""Lesson prose tied to the claims: a sentence about an outcome is shown only for that outcome.

A lesson's Markdown may hold blocks that name a claim of its lab::

    <!-- if held: processes-near-cores -->
    Two processes were close to twice as fast.
    <!-- else -->
    Two processes were not as fast as two cores allow; the claim says why.
    <!-- end -->

The condition is ``held``, ``not held``, ``not applicable`` or ``measured``
(held or not held: the claim applied here), followed by one or more claim ids
separated by commas; the block is shown when *every* named claim has that
outcome. ``<!-- else -->`` is optional. Blocks do not nest. Everything outside
a block must state no outcome: the report shows it whatever the run measured.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Protocol

from conclab.text import join_cjk_lines

#: The conditions a block can name, and the outcomes (held, not held, not applicable) each accepts.
CONDITIONS: dict[str, tuple[bool | None, ...]] = {
    "held": (True,),
    "not held": (False,),
    "not applicable": (None,),
    "measured": (True, False),
}

_OPEN = r"<!--\s*if\s+(held|not\s+held|not\s+applicable|measured)\s*:\s*([\w\-]+(?:\s*,\s*[\w\-]+)*)\s*-->"
_BLOCK = re.compile(_OPEN + r"(?P<then>.*?)(?:<!--\s*else\s*-->(?P<otherwise>.*?))?<!--\s*end\s*-->", re.DOTALL)
_ANY_MARKER = re.compile(r"<!--\s*(if\b[^>]*|else|end)\s*-->")
# A marker alone on its line takes its line with it, so a block leaves no blank line behind.
_MARKER_LINE = re.compile(r"^[ \t]*(<!--\s*(?:if\b[^>]*|else|end)\s*-->)[ \t]*\n", re.MULTILINE)


class HasOutcome(Protocol):
    """What the resolver needs of a claim result: its id and whether it held."""

    id: str
    held: bool | None


def outcomes(claims: Iterable[HasOutcome]) -> dict[str, bool | None]:
    """``{claim id: held}`` of a run's claim results."""
    return {claim.id: claim.held for claim in claims}


def resolve_prose(markdown: str, results: Mapping[str, bool | None] | Iterable[HasOutcome],
                  lang: str = "en") -> str:
    """The prose with each block replaced by what the run's outcomes say to show.

    ``results`` maps claim ids to ``True`` / ``False`` / ``None`` (held, not
    held, not applicable), or is the run's claim results. A block naming a claim
    the run did not check shows neither branch: it states nothing unmeasured.
    In Japanese the lines a removed block had kept apart are joined again.
    """
    known = dict(results) if isinstance(results, Mapping) else outcomes(results)

    def choose(match: re.Match[str]) -> str:
        accepted = CONDITIONS[" ".join(match.group(1).split())]
        ids = [name.strip() for name in match.group(2).split(",")]
        if any(name not in known for name in ids):
            return ""
        if all(known[name] in accepted for name in ids):
            return match.group("then")
        return match.group("otherwise") or ""

    text = re.sub(r"\n{3,}", "\n\n", _BLOCK.sub(choose, _MARKER_LINE.sub(r"\1", markdown)))
    return join_cjk_lines(text) if lang == "ja" else text


def prose_problems(markdown: str, claim_ids: Iterable[str]) -> list[str]:
    """What is wrong with the blocks of a lesson: unknown claim ids, stray or nested markers."""
    ids = set(claim_ids)
    problems = []
    markdown = _MARKER_LINE.sub(r"\1", markdown)
    for match in _BLOCK.finditer(markdown):
        for name in (n.strip() for n in match.group(2).split(",")):
            if name not in ids:
                problems.append(f"block names unknown claim {name!r}")
        inner = (match.group("then") or "") + (match.group("otherwise") or "")
        if _ANY_MARKER.search(inner):
            problems.append(f"nested or stray marker inside the block on {match.group(2)!r}")
    leftover = _ANY_MARKER.findall(_BLOCK.sub("", markdown))
    problems.extend(f"unmatched marker <!-- {m.strip()} -->" for m in leftover)
    return problems


def outside_blocks(markdown: str) -> str:
    """The prose a report shows whatever the outcomes: everything outside the blocks."""
    return _BLOCK.sub("\n", _MARKER_LINE.sub(r"\1", markdown))
