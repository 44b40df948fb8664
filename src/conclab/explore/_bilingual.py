"""A message a scenario gives in English and Japanese: the report picks the reader's language.

A scenario's ``check()`` reports a violation with ``assert``; its message is
what the learner reads in the finding. Scenario files are learners' code (they
write their own in the same format), so a message in both languages has to be
one short expression in the ``assert`` line, with the run's values in it:

    from conclab.explore import Bilingual

    def check():
        assert counter == 2, Bilingual(f"lost update: counter={counter}, expected 2",
                                       ja=f"更新が消失しました。counter={counter}（期待値は 2）")

:class:`Bilingual` is a ``str`` whose value is the English text, so wherever
a plain string is expected (``str(exc)``, a test runner, a traceback) it reads
as English; the explorer reads the Japanese when it reports in Japanese
(:func:`in_language`). The language is the one passed to ``explore.run``.
"""

from __future__ import annotations

from typing import Any


class Bilingual(str):
    """English text (the string's own value) with its Japanese translation in :attr:`ja`."""

    ja: str

    def __new__(cls, en: str, ja: str = "") -> Bilingual:
        made = super().__new__(cls, en)
        made.ja = ja or en
        return made

    def text(self, lang: str) -> str:
        """The message in ``lang`` (``"ja"`` or ``"en"``); English for any other."""
        return self.ja if lang == "ja" else str.__str__(self)

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        # Pickled (sent to another process) with both languages, not only the English value.
        return (Bilingual, (str.__str__(self), self.ja))


def in_language(value: object, lang: str) -> str:
    """``value`` as text in ``lang``: a :class:`Bilingual` picks its language, anything else is ``str()``."""
    if isinstance(value, Bilingual):
        return value.text(lang)
    return str(value)


def exception_text(exc: BaseException, lang: str) -> str:
    """What ``str(exc)`` says, in ``lang`` when the exception's one argument is a :class:`Bilingual`."""
    if len(exc.args) == 1 and isinstance(exc.args[0], Bilingual):
        return exc.args[0].text(lang)
    return str(exc)
