"""Why ``if __name__ == "__main__":`` matters: run this script with each start method.

    python main_guard.py fork          # the child is a copy of the parent
    python main_guard.py spawn         # the child starts fresh and imports this file
    python main_guard.py spawn --no-guard

``fork`` copies the running parent, memory and all: the child sees what the
parent changed and never runs this file's top level. ``spawn`` (and
``forkserver``) start a fresh interpreter that *imports this file* to find
``child``: the top level runs again, and only the guard stops the child from
starting children of its own.
"""

import multiprocessing
import os
import sys

SETTING = "set at import"

# The top level runs each time this file is run or imported. Run, it is "__main__";
# re-imported by a spawned child, it is "__mp_main__". (Imported as a library, as
# conclab itself does, it stays quiet.)
if __name__ in ("__main__", "__mp_main__"):
    print(f"top level ran in {multiprocessing.current_process().name} as {__name__} (pid {os.getpid()})",
          flush=True)


def child():
    print(f"child sees SETTING = {SETTING!r}", flush=True)


def main(method):
    global SETTING
    SETTING = "changed in main"  # fork copies this change; spawn imports the file again and does not see it
    context = multiprocessing.get_context(method)
    process = context.Process(target=child, name="child")
    process.start()
    process.join()
    print(f"child exit code {process.exitcode}", flush=True)


if "--no-guard" in sys.argv:
    # The mistake, on purpose: starting a process from the top level, unguarded.
    # A spawned child imports this file, reaches this line and tries to start its own child.
    main(sys.argv[1])
elif __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "spawn")
