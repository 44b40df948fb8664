"""The exercise engine: workspace, catalogue, checker runner, watch mode, hints and progress.

Learner code always runs in a subprocess with a time limit (see
:func:`run_program`): on a hang the whole process tree is stopped and each
thread's stack is shown; nothing is left running. The engine knows no
exercise: :mod:`conclab.curriculum.exercises` builds the :class:`Catalogue`.
"""

from conclab.exercises._check import CheckContext, describe_failure, describe_stacks, run_check
from conclab.exercises._explore import ExploreRun, explore_program
from conclab.exercises._model import Catalogue, CheckResult, Exercise, Verdict
from conclab.exercises._progress import ExerciseProgress, LevelProgress, ProgressData, ProgressStore
from conclab.exercises._runner import (
    Frame,
    Interrupt,
    ProgramRun,
    SyntaxProblem,
    ThreadStack,
    run_program,
)
from conclab.exercises._serve import ServedProgram, free_port, serve_program
from conclab.exercises._source import LearnerSource, compile_learner_file
from conclab.exercises._watch import Watcher, WatchEvent
from conclab.exercises._workspace import DEFAULT_DIR, InitReport, Workspace

__all__ = [
    "DEFAULT_DIR",
    "Catalogue",
    "CheckContext",
    "CheckResult",
    "Exercise",
    "ExerciseProgress",
    "ExploreRun",
    "Frame",
    "InitReport",
    "Interrupt",
    "LevelProgress",
    "LearnerSource",
    "ProgramRun",
    "ProgressData",
    "ProgressStore",
    "ServedProgram",
    "SyntaxProblem",
    "ThreadStack",
    "Verdict",
    "WatchEvent",
    "Watcher",
    "Workspace",
    "describe_failure",
    "describe_stacks",
    "explore_program",
    "free_port",
    "compile_learner_file",
    "run_check",
    "run_program",
    "serve_program",
]
