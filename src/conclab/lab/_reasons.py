"""Why a claim may not hold here: explained from the machine's facts, never guessed blindly."""

from __future__ import annotations

import os

from conclab.i18n import Messages
from conclab.lab._elsewhere import SCHEDULER_ENV
from conclab.machine import Machine
from conclab.text import count

MESSAGES = Messages({
    "cores": {
        "en": "this machine gives Python only {cores_en}, so work cannot run in parallel",
        "ja": "この環境で Python が使えるコアは {cores} 個だけなので、処理は並列に動けません",
    },
    "gil-off": {
        "en": "this is a free-threaded build with the GIL off, so threads can run Python code in parallel",
        "ja": "GIL が無効なフリースレッド版の Python なので、スレッドが Python コードを並列に実行できます",
    },
    "gil-on": {
        "en": "the GIL is on, so only one thread runs Python code at a time",
        "ja": "GIL が有効なので、Python コードを実行できるスレッドは同時に 1 つだけです",
    },
    "load": {
        "en": "the machine is busy (load average {load:.2f} on {cores_en}); other programs took CPU time",
        "ja": "マシンが混んでいます（{cores} コアに対してロードアベレージ {load:.2f}）。ほかのプログラムが CPU 時間を使っています",
    },
    "timing": {
        "en": "timings vary from run to run (a cold start, a background task); run it again to see if it repeats",
        "ja": "計測値は実行ごとにぶれます（初回の起動コストやバックグラウンドの処理など）。もう一度実行して再現するか確かめてください",
    },
    "curl": {
        "en": "curl is not installed here",
        "ja": "この環境には curl がインストールされていません",
    },
    "fork": {
        "en": "this platform cannot start processes with fork",
        "ja": "この環境では fork でプロセスを起動できません",
    },
    "py311": {
        "en": "this needs Python 3.11 or newer (this is {version})",
        "ja": "Python 3.11 以降が必要です（この環境は {version}）",
    },
    "package": {
        "en": "{package} is not installed or cannot run here (pip install {package})",
        "ja": "{package} がインストールされていないか、この環境では動きません（pip install {package}）",
    },
    "local-cluster": {
        "en": "it ran on the cluster at {address}, so no cluster was started here",
        "ja": "{address} のクラスターで実行したので、ここではクラスターを起動していません",
    },
    "requirement": {
        "en": "not applicable here: {why}",
        "ja": "この環境では対象外です: {why}",
    },
})


def requirement_reason(requirement: str, machine: Machine, lang: str) -> str:
    """Say why a claim that needs ``requirement`` does not apply on ``machine``."""
    why = {
        "multicore": MESSAGES.get("cores", lang, cores=machine.cores, cores_en=count(machine.cores, "core")),
        "gil": MESSAGES.get("gil-off", lang),
        "no-gil": MESSAGES.get("gil-on", lang),
        "curl": MESSAGES.get("curl", lang),
        "fork": MESSAGES.get("fork", lang),
        "py311": MESSAGES.get("py311", lang, version=machine.python_version),
        "gunicorn": MESSAGES.get("package", lang, package="gunicorn"),
        "uvicorn": MESSAGES.get("package", lang, package="uvicorn"),
        "local-cluster": MESSAGES.get("local-cluster", lang,
                                      address=os.environ.get(SCHEDULER_ENV, "?")),
    }.get(requirement, requirement)
    return MESSAGES.get("requirement", lang, why=why)


def failure_reason(sensitive_to: tuple[str, ...], machine: Machine, lang: str) -> str:
    """The most likely reason a claim sensitive to these conditions failed here."""
    if "cores" in sensitive_to and machine.cores < 2:
        return MESSAGES.get("cores", lang, cores=machine.cores, cores_en=count(machine.cores, "core"))
    if "gil" in sensitive_to and not machine.gil_enabled:
        return MESSAGES.get("gil-off", lang)
    if "load" in sensitive_to and machine.busy and machine.load_average is not None:
        return MESSAGES.get("load", lang, load=machine.load_average, cores=machine.cores,
                            cores_en=count(machine.cores, "core"))
    return MESSAGES.get("timing", lang)
