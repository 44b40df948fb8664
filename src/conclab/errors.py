"""The one exception type the command line turns into a single line and exit 2.

Engine code raises :class:`ConclabError` for anything a user can fix (an unknown
lab, a port in use, an unreadable path). The message must say what was wrong
and how to fix it; the CLI prints it as one line, with no traceback.

Every raise gives the message in both languages, ``ConclabError("English",
ja="日本語")``: the engine does not know the learner's language, the command
line does, and prints :meth:`ConclabError.text` in it. ``str(exc)`` stays
English, for logs, tests and callers that match on it.
"""

from __future__ import annotations


class ConclabError(Exception):
    """A problem with the user's input or environment, fixable by the user."""

    exit_code = 2

    def __init__(self, message: str, *, ja: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.ja = ja

    def text(self, lang: str) -> str:
        """The message in ``lang`` (``"ja"`` or ``"en"``); English when no Japanese was given."""
        if lang == "ja" and self.ja:
            return self.ja
        return self.message
