"""Run one exploration and print its result as one JSON line (started by :func:`explore_program`).

The line is ``{"result": Result.to_json(), "summary": ...}`` (or ``{"error": ...}``);
the checker reads it back with ``Result.from_json``, typed, file and line included.

This runs in its own interpreter, under the same bootstrap as a learner's
program, so a scenario whose module-level code hangs (a server started
without the ``__main__`` guard) is stopped by the time limit like any
learner program, and the checker itself never freezes.

    python _explore_child.py SCENARIO OPTIONS_JSON
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    from conclab.errors import ConclabError
    from conclab.explore import run

    scenario, options = sys.argv[1], json.loads(sys.argv[2])
    lang = options.get("lang", "en")
    try:
        result = run(scenario, **options)
    except ConclabError as error:
        print(json.dumps({"error": str(error)}), flush=True)
        return
    print(json.dumps({"result": result.to_json(), "summary": result.summary(lang)}), flush=True)


if __name__ == "__main__":
    main()
