"""Start, watch and end process trees: the one place conclab runs code it does not trust.

Used by the exercise runner and server check (a learner's program under the
bootstrap), by ``conclab trace`` (a script under VizTracer), by the lab runner
(children of in-process labs) and by the Ctrl-C watchdog. See
:mod:`conclab._process._tree` for the guarantees.
"""

from conclab._process._kill import (
    kill_all,
    kill_and_wait,
    kill_descendants,
    reaping_children,
    spare_helpers,
)
from conclab._process._output import MAX_PIECE_BYTES, LineReader, LineSink, printable
from conclab._process._stacks import (
    STACK_PREFIX,
    Frame,
    ThreadStack,
    collect_stacks,
    make_stack_dir,
    parse_stacks,
    sweep_stale_stack_dirs,
)
from conclab._process._tree import (
    PARENT_PID,
    RUN_TOKEN,
    STACK_DIR,
    Cleanup,
    ProcessTree,
    launch,
    subreaper,
)

__all__ = [
    "PARENT_PID",
    "RUN_TOKEN",
    "STACK_DIR",
    "STACK_PREFIX",
    "Cleanup",
    "Frame",
    "MAX_PIECE_BYTES",
    "LineReader",
    "LineSink",
    "ProcessTree",
    "ThreadStack",
    "collect_stacks",
    "kill_all",
    "kill_and_wait",
    "kill_descendants",
    "launch",
    "make_stack_dir",
    "parse_stacks",
    "printable",
    "reaping_children",
    "spare_helpers",
    "subreaper",
    "sweep_stale_stack_dirs",
]
