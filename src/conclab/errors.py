"""The one exception type the command line turns into a single line and exit 2.

Engine code raises :class:`ConclabError` for anything a user can fix (an unknown
lab, a port in use, an unreadable path). The message must say what was wrong
and how to fix it; the CLI prints it as one line, with no traceback.
"""

from __future__ import annotations


class ConclabError(Exception):
    """A problem with the user's input or environment, fixable by the user."""

    exit_code = 2
