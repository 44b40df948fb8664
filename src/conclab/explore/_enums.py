"""The explorer's vocabularies as enums: thread states, choice kinds, verdicts, finding kinds.

They used to be bare strings and ints, which a typo turned into a silent
mismatch. The string-valued ones mix in ``str`` and print as their value, so
every place that wrote the old string still writes exactly the same text:
``json.dumps``, f-strings, ``str()``, ``%s`` and ``==`` against the old literal
(Python 3.11 made ``format()`` of a mixed-in enum print ``Class.MEMBER``, hence
the explicit ``__str__`` and ``__format__``). ``enum.StrEnum`` would do the same
but only exists from 3.11; conclab supports 3.10.
"""

from __future__ import annotations

import enum


class TextEnum(str, enum.Enum):
    """A ``str`` enum that reads as its value everywhere text is produced."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class ThreadState(TextEnum):
    """Where a scenario thread (or task) is; ``NOT_STARTED`` is only shown to the interactive player."""

    RUNNABLE = "runnable"
    BLOCKED = "blocked"
    DONE = "done"
    NOT_STARTED = "not started"


class ChoiceKind(enum.IntEnum):
    """Kinds of choice point, which decide the default thread and what a deviation costs.

    NORMAL: the current thread could go on, and going on is the default
    (switching away is a preemption). YIELD: the current thread could go on but
    offered to yield (``time.sleep(0)``, an ``await``, or its time slice ran
    out), so the default is the next thread round-robin and staying is the
    deviation. FREE: the current thread cannot go on, any choice costs nothing.
    An ``IntEnum`` because the hot path compares and passes them as ints.
    """

    NORMAL = 0
    YIELD = 1
    FREE = 2


class Verdict(TextEnum):
    """What an exploration concluded: a finding, or none in the schedules explored (never "proven")."""

    FINDING = "finding"
    NONE = "none"


class FindingKind(TextEnum):
    """What kind of bug a finding is; the value is the ``kind`` of the JSON and of ``kind.*`` messages."""

    ASSERTION = "assertion"        # check() failed
    EXCEPTION = "exception"        # an exception escaped a thread, a task or check()
    DEADLOCK = "deadlock"          # every live thread blocked, nobody with a timeout
    STEP_LIMIT = "step-limit"      # a livelock or busy wait past the step limit
    HANG = "hang"                  # stuck in a real blocking call outside the scheduler
