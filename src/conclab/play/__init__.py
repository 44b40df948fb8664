"""Play the scheduler: break real Python code by choosing which thread runs next.

The engine knows no level: :mod:`conclab.curriculum.levels` holds them and
builds the registry. A :class:`Game` replays the level's real program under
the explorer up to the learner's next decision; :class:`Screen` draws it.
"""

from conclab.play._game import Game, Position, Proof, moves_for, prove
from conclab.play._keys import cbreak, play, stdin_keys, terminal_keys
from conclab.play._level import WIN_KINDS, Level, load_level
from conclab.play._messages import MESSAGES
from conclab.play._screen import NEXT, QUIT, Screen

__all__ = ["MESSAGES", "NEXT", "QUIT", "WIN_KINDS", "Game", "Level", "Position", "Proof", "Screen",
           "cbreak", "load_level", "moves_for", "play", "prove", "stdin_keys", "terminal_keys"]
