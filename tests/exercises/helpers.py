"""Helpers for the exercise tests: check a given source as if a learner had saved it."""

from __future__ import annotations

from pathlib import Path

import psutil

from conclab.curriculum.exercises import catalogue
from conclab.exercises import Exercise, Verdict, run_check


def exercise(name: str) -> Exercise:
    return catalogue().get(name)


def check_source(name: str, source: str, folder: Path, *, limit_s: float | None = None,
                 lang: str = "en") -> Verdict:
    """Write ``source`` as the learner's file in ``folder`` and check it."""
    ex = exercise(name)
    path = folder / ex.file_name
    path.write_text(source, encoding="utf-8")
    for data_name, text in ex.data_files.items():
        (folder / data_name).write_text(text, encoding="utf-8")
    return run_check(ex, path, lang=lang, limit_s=limit_s, workdir=folder)


def failures(verdict: Verdict) -> str:
    """Every failed check's name and detail, one string to search in."""
    return "\n".join(f"{c.name}: {c.detail}" for c in verdict.checks if not c.passed)


def processes_running(path: Path) -> list[psutil.Process]:
    """Processes whose command line names ``path``: what a run must never leave behind."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        try:
            if any(str(path) in part for part in process.info["cmdline"] or []) \
                    and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except psutil.Error:
            continue
    return found
