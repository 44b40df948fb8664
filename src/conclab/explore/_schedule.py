"""Schedule strings: a replayable interleaving written as a few characters.

A run is a sequence of choices, one at each scheduling point where more than one
thread (or task) could go next. The string lists those choices as runs of a
thread number with an optional repeat count, comma separated: ``0x5,1x3,0``
means "thread 0 at the next five choice points, thread 1 at three, then thread
0". After the last choice the scheduler's default applies (keep the current
thread while it can run), so a string ends at its last context switch and stays
short. Like Hypothesis' choice sequences, this is what makes a finding
replayable and shrinkable. Schedules recorded with ``--granularity line`` start
with ``line:`` so they are not replayed at the wrong granularity.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from conclab.errors import ConclabError

_RUN = re.compile(r"^(\d+)(?:x(\d+))?$")
LINE_PREFIX = "line:"

#: The most choices :func:`decode` expands by default. A run makes at most one
#: choice per step, and the CLI's step limit is 10,000 by default; a string
#: asking for more (``0x1000000000`` would be about 8 GB of list) is refused
#: before anything is allocated.
MAX_CHOICES = 1_000_000


def encode(choices: Sequence[int], granularity: str = "opcode") -> str:
    """The short string for ``choices`` (run-length encoded)."""
    parts: list[str] = []
    index = 0
    while index < len(choices):
        thread = choices[index]
        end = index
        while end < len(choices) and choices[end] == thread:
            end += 1
        count = end - index
        parts.append(f"{thread}x{count}" if count > 1 else str(thread))
        index = end
    text = ",".join(parts)
    return (LINE_PREFIX + text) if granularity == "line" else text


def decode(text: str, limit: int = MAX_CHOICES) -> tuple[list[int], str | None]:
    """Parse a schedule string into its choices and the granularity it names (or None).

    Raises :class:`ConclabError` naming the bad part, because a schedule usually
    comes from a user's command line; also when the string stands for more than
    ``limit`` choices (counted before expanding, so nothing large is allocated).
    """
    original = text
    text = text.strip()
    granularity: str | None = None
    if text.startswith(LINE_PREFIX):
        granularity = "line"
        text = text[len(LINE_PREFIX):]
    choices: list[int] = []
    if not text or text == "-":
        return choices, granularity
    total = 0
    for position, part in enumerate(text.split(","), start=1):
        match = _RUN.match(part.strip())
        if not match:
            raise ConclabError(
                f"bad schedule string {original!r}: part {position} ({part!r}) is not a thread "
                "number with an optional xCOUNT; copy the schedule a finding printed, "
                "for example '0x5,1x3,0'",
                ja=f"スケジュール文字列 {original!r} が正しくありません: {position} 番目の部分（{part!r}）が、スレッド番号（後ろに xCOUNT を付けてもよい）になっていません。発見と一緒に表示されたスケジュールをコピーしてください（例: '0x5,1x3,0'）")
        count = int(match.group(2) or 1)
        if count < 1:
            raise ConclabError(
                f"bad schedule string {original!r}: part {position} ({part!r}) repeats zero times; "
                "use a count of 1 or more",
                ja=f"スケジュール文字列 {original!r} が正しくありません: {position} 番目の部分（{part!r}）の繰り返しが 0 回です。1 以上の回数にしてください")
        total += count
        if total > limit:
            raise ConclabError(
                f"bad schedule string {_short(original)}: it stands for more than {limit} choices, "
                "more than any run makes; copy the schedule a finding printed",
                ja=f"スケジュール文字列 {_short(original)} が正しくありません: 選択が {limit} 回を超え、どの実行よりも長くなります。発見と一緒に表示されたスケジュールをコピーしてください")
        choices.extend([int(match.group(1))] * count)
    return choices, granularity


def _short(text: str, width: int = 40) -> str:
    return repr(text if len(text) <= width else text[:width] + "...")


def context_switches(choices: Sequence[int]) -> int:
    """How many times the running thread changes along ``choices``."""
    return sum(1 for a, b in zip(choices, choices[1:], strict=False) if a != b)
