"""The hands-ons: a bootcamp session's one file, written in steps, run as a server, checked for real.

A hands-on is a folder (``web_counter/``) with one folder per step
(``step1_threaded_server/``: ``main.py``, ``statement.{en,ja}.md``,
``hints.{en,ja}.md``, ``wrong_*.py``) and the check its steps share. The
registry is this explicit list; ``conclab handson`` reads it.
"""

from __future__ import annotations

from conclab.curriculum.handson._model import Handson, Step, find_handson
from conclab.curriculum.handson.web_counter import WEB_COUNTER

#: Every hands-on, in the order of a course.
HANDSONS: tuple[Handson, ...] = (WEB_COUNTER,)

__all__ = ["HANDSONS", "Handson", "Step", "find_handson"]
