"""frontrun 0.7 in its own venv, for the benchmarks that put conclab beside it.

frontrun is not a conclab dependency: it lives in a venv of its own and each
benchmark runs a script of ``benchmarks/frontrun_scenarios/`` in a subprocess
under its ``frontrun python`` wrapper. Those scripts time frontrun inside that
process (start-up not counted) and print one JSON object a line; this module
finds (or makes) the venv and collects the lines. Used by ``explore.py`` (the
built-ins) and ``sctbench.py`` (the SCTBench port).
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(HERE, "frontrun_scenarios")


def find_frontrun(explicit: str | None, install: bool) -> tuple[str | None, str]:
    """(venv folder with frontrun, how it was found or why there is none).

    ``explicit`` (``--frontrun-venv``) first, then ``/tmp/venv-frontrun<major><minor>``
    for this Python, then any ``/tmp/venv*/bin/frontrun``; with ``install`` the first
    of those is created with ``pip install frontrun==0.7.*`` when none exists.
    """
    if explicit:
        if os.path.exists(os.path.join(explicit, "bin", "frontrun")):
            return explicit, "given with --frontrun-venv"
        return None, f"{explicit} has no bin/frontrun"
    own = f"/tmp/venv-frontrun{sys.version_info[0]}{sys.version_info[1]}"
    if os.path.exists(os.path.join(own, "bin", "frontrun")):
        return own, "found"
    others = sorted(glob.glob("/tmp/venv*/bin/frontrun"))
    if others:
        return os.path.dirname(os.path.dirname(others[0])), "found (another Python than conclab's)"
    if not install:
        return None, "no venv with frontrun under /tmp"
    print(f"   installing frontrun 0.7 into {own} (not a conclab dependency) ...", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", own], check=True, capture_output=True, timeout=120)
        done = subprocess.run([os.path.join(own, "bin", "python"), "-m", "pip", "install", "-q",
                               "frontrun==0.7.*"], capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.SubprocessError) as error:
        return None, f"could not create a venv for it: {error}"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["pip failed"])[-1]
        return None, f"pip could not install frontrun==0.7.* (offline?): {last}"
    return own, "installed now"


def run_script(venv: str, script: str, args: list[str], timeout: float) -> tuple[list[dict[str, Any]], str]:
    """Run ``frontrun_scenarios/<script>`` under ``frontrun python``: (its rows, a header line).

    The script's first JSON line names frontrun's version (``{"frontrun": ...}``); every
    other JSON line is a row. Lines that are not JSON (frontrun's own output) are skipped.
    When no row came, the header says why.
    """
    command = [os.path.join(venv, "bin", "frontrun"), os.path.join(venv, "bin", "python"),
               os.path.join(SCRIPTS, script), *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as expired:
        stdout = expired.stdout.decode() if isinstance(expired.stdout, bytes) else (expired.stdout or "")
        done = subprocess.CompletedProcess(command, -1, stdout, f"timed out after {timeout:g} s")
    rows: list[dict[str, Any]] = []
    header = ""
    for line in done.stdout.splitlines():
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if not isinstance(data, dict):
            continue
        if "frontrun" in data:
            header = (f"frontrun {data['frontrun']} on Python {data['python']}"
                      f"{', preload library on' if data.get('preload') else ''}")
        else:
            rows.append(data)
    if not rows:
        header = f"frontrun run failed (exit {done.returncode}): {done.stderr.strip()[-300:]}"
    return rows, header
