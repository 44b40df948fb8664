"""Every lab's report, with each claim forced to each outcome, says nothing its outcome contradicts.

No lab runs here: the claims' checks are replaced by a fixed outcome and the
measured values are made up, so the test is about the words alone. What is
checked mechanically:

- under ✓ the claim's held sentence shows, under ✗ its not-held sentence and
  never the held one, under – its conditional (not applicable) sentence;
- a not-held or not-applicable report holds none of the phrases that only a
  held outcome may say ("near the ideal", 「ほぼ同じです」), in claims or prose;
- no block marker is left in the prose, whatever the outcomes.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable
from typing import Any

import pytest

from conclab.curriculum import registry
from conclab.i18n import LANGS, pick
from conclab.lab import LabResult, evaluate
from conclab.lab._terminal import LabReport
from conclab.machine import Machine
from ja_text import latin_prose

LAB_IDS = [lab.id for lab in registry().labs()]
OUTCOMES = {"held": True, "not held": False, "not applicable": None}

# Phrases that state a held outcome; "not near the ideal" is a not-held phrase, hence the lookbehinds.
# A phrase negated just before it ("not all correct", "more than about one wait") is excused.
HELD_ONLY = {
    "en": [r"near the ideal", r"\bno speed-up\b", r"\ball correct\b", r"about one (?:wait|call|unit|slow)",
           r"\bkept its beat\b", r"\bexact and concurrent\b"],
    "ja": [r"に近い値です", r"すべて正しい値です", r"ほぼ同じです", r"乱れませんでした", r"で済みました",
           r"速くなりました", r"ループ全体が止まっていました", r"正確なうえに並行"],
}


#: English a Japanese lesson quotes on purpose: the asyncio primer's own word for a lost update.
PRIMERS_WORDS = ["「dirty write」"]


class Made(dict[str, Any]):
    """Made-up measured values: any name reads as a number that formats under any spec."""

    def __missing__(self, key: str) -> Any:
        return Figure()


class Figure(float):
    def __new__(cls) -> Figure:
        return super().__new__(cls, 1.5)

    def __format__(self, spec: str) -> str:
        try:
            return format(float(self), spec)
        except ValueError:
            return "1.5"

    def __repr__(self) -> str:
        return "1.5"


def _machine(cores: int = 2, gil: bool = True) -> Machine:
    return Machine(python_version="3.12.0", implementation="CPython", executable="python",
                   platform="linux", free_threaded=not gil, gil_enabled=gil, cores=cores,
                   cpu_count=cores, start_method="fork", start_methods=("fork", "spawn"),
                   locale="C.UTF-8", curl=None, load_average=None)


def _always(outcome: bool) -> Callable[[Any], bool]:
    return lambda measured: outcome


def _forced(lab_id: str, outcome: bool | None, lang: str) -> LabResult:
    """The lab's result with every claim forced to ``outcome``, through the real evaluation."""
    lab = registry().lab(lab_id)
    machine = _machine()
    results = []
    for claim in lab.claims:
        if outcome is None:  # a requirement this machine lacks makes the claim not applicable
            forced = dataclasses.replace(claim, requires=("multicore",))
            results.append(evaluate(forced, Made(), _machine(cores=1), lang))
        else:
            forced = dataclasses.replace(claim, check=_always(outcome), requires=())
            results.append(evaluate(forced, Made(), machine, lang))
    return LabResult(lab, lang, False, machine, results, [], [], [], [], {}, 0.1)


NEGATED = re.compile(r"(?:\bnot|\bnot both|more than|less than)\s+$")
# A sentence that says what *should* happen is an expectation, not an outcome.
EXPECTATION = re.compile(r"\bshould\b|\bexpect|はず|想定")


def _held_only(text: str, lang: str) -> list[str]:
    """The held-only phrases ``text`` says, with the sentence that says each."""
    text = re.sub(r"\s+", "" if lang == "ja" else " ", text)  # undo the wrapping
    said = []
    for pattern in HELD_ONLY[lang]:
        for match in re.finditer(pattern, text):
            start = max(text.rfind(". ", 0, match.start()), text.rfind("。", 0, match.start())) + 1
            if NEGATED.search(text[max(0, match.start() - 20):match.start()]):
                continue
            if EXPECTATION.search(text[start:match.start()]):
                continue
            said.append(text[start:match.end() + 40].strip())
    return said


@pytest.mark.parametrize("lab_id", LAB_IDS)
@pytest.mark.parametrize("lang", LANGS)
def test_each_claim_says_what_its_outcome_is(lab_id: str, lang: str) -> None:
    lab = registry().lab(lab_id)
    held, not_held, na = (_forced(lab_id, outcome, lang).claims for outcome in OUTCOMES.values())
    for claim, yes, no, neither in zip(lab.claims, held, not_held, na, strict=True):
        assert claim.not_held and set(LANGS) <= set(claim.not_held), f"{lab_id}: {claim.id} has no not-held text"
        assert yes.held is True and no.held is False and neither.held is None
        assert yes.text == claim.render(lang, Made(), True)
        assert no.text != yes.text, f"{lab_id}: {claim.id} says its held sentence under ✗"
        assert "{" not in no.text and "{" not in yes.text, f"{lab_id}: {claim.id}: {no.text}"
        assert _held_only(no.text, lang) == [], f"{lab_id}: {claim.id} (not held): {no.text}"
        assert _held_only(neither.text, lang) == [], f"{lab_id}: {claim.id} (n/a): {neither.text}"
        expected = pick(claim.unmeasured, lang) if claim.unmeasured else None
        assert expected is None or neither.text == expected


@pytest.mark.parametrize("lab_id", LAB_IDS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("outcome", list(OUTCOMES))
def test_the_whole_report_follows_the_outcome(lab_id: str, lang: str, outcome: str) -> None:
    """The terminal and the HTML report: prose and claims together."""
    from conclab.lab import LabHtmlReport

    result = _forced(lab_id, OUTCOMES[outcome], lang)
    prose = registry().prose(lab_id, lang)
    terminal = LabReport(result, prose, width=80).render_text()
    page = html.unescape(re.sub(r"<[^>]+>", " ", LabHtmlReport(result, prose).render_text()))
    for report in (terminal, page):
        assert "<!--" not in report
        if OUTCOMES[outcome] is not True:
            assert _held_only(report, lang) == [], f"{lab_id} ({lang}, every claim {outcome})"
    flat = re.sub(r"\s+", "", page)
    for claim in result.claims:
        assert re.sub(r"\s+", "", claim.text) in flat, f"{lab_id}: {claim.id} not shown"
    if lang == "ja":  # the page marks code as code, so what is left is prose: Japanese only
        words = re.sub(r"<(pre|code)\b.*?</\1>", " `x` ", LabHtmlReport(result, prose).render_text(), flags=re.S)
        words = re.sub(r"<(style|script)\b.*?</\1>", " ", words, flags=re.S)
        words = re.sub(r"</?(?:title|h\d|p|li|div|section|header|td|th|tr|figcaption)\b[^>]*>", "。", words)
        words = html.unescape(re.sub(r"<[^>]+>", " ", words))  # a block ends a phrase, an inline tag does not
        assert latin_prose(words, allow=PRIMERS_WORDS) == [], f"{lab_id} (every claim {outcome})"


# A Japanese sentence ends politely (です・ます調, GLOSSARY.md), or with a colon and a value.
POLITE = re.compile(r"(?:です|ます|でした|ました|ません|ませんでした|でしょう)$|:\s*\{[^}]*\}$")


@pytest.mark.parametrize("lab_id", LAB_IDS)
def test_japanese_claims_are_written_in_the_polite_style(lab_id: str) -> None:
    plain = []
    for claim in registry().lab(lab_id).claims:
        for texts in (claim.text, claim.not_held, claim.unmeasured):
            for sentence in re.split(r"(?<=。)", (texts or {}).get("ja", "")):
                core = re.sub(r"[（(][^）)]*[）)]。?$", "", sentence.strip()).rstrip("。")
                if core and not POLITE.search(core) and not core.startswith("{"):
                    plain.append(f"{claim.id}: {sentence.strip()}")
    assert plain == []
