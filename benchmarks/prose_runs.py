"""Run every lab for real and check that its report contradicts none of its own claims (issue 12).

For each lab and language, one run (``run_lab``) is rendered as the terminal
report, and the report is checked against that run's own outcomes:

- each claim is shown with the sentence for its outcome (held, not held, not
  applicable), never the held sentence under "did not hold";
- the lesson prose keeps no block marker, and a block tied to a claim that did
  not hold is absent;
- no sentence a held outcome alone may say appears for a claim that did not hold;
- in Japanese, the run's HTML page (its tables, timeline labels, claims and
  prose, with code set aside) holds no English prose (``tests/ja_text.py``).

Run:  python benchmarks/prose_runs.py [--full] [--lang ja|en|both] [LAB ...]
(``--quick`` figures by default; ``--full`` runs the default sizes). A busy
machine makes timing claims fail: that is a not-held claim shown as such, not a
contradiction, and is reported as a count.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from conclab.curriculum import registry
from conclab.i18n import pick
from conclab.lab import LabHtmlReport, run_lab
from conclab.lab._prose import _BLOCK, CONDITIONS
from conclab.lab._terminal import LabReport

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from ja_text import latin_prose  # noqa: E402  (the tests' checker, one for both)

HELD_ONLY = {
    "en": [r"near the ideal", r"\bno speed-up\b", r"\ball correct\b", r"\bkept its beat\b",
           r"\bexact and concurrent\b"],
    "ja": [r"に近い値です", r"すべて正しい値です", r"乱れませんでした", r"正確なうえに並行"],
}


def _says(pattern: str, text: str) -> bool:
    """``text`` says the phrase, not negated just before it ("not near the ideal")."""
    return any(not re.search(r"(?:\bnot|more than|less than)\s+$", text[max(0, m.start() - 20):m.start()])
               for m in re.finditer(pattern, text))


def _squeeze(text: str) -> str:
    """Text without what Markdown rendering and wrapping change: spaces, marks, bullets."""
    return re.sub(r"[`*\s\-•]", "", text)


def problems_of(lab_id: str, lang: str, quick: bool) -> tuple[list[str], int]:
    lab = registry().lab(lab_id)
    result = run_lab(lab, lang=lang, quick=quick)
    prose = registry().prose(lab_id, lang)
    text = LabReport(result, prose, width=80).render_text()
    flat = _squeeze(text)
    outcome = {claim.id: claim.held for claim in result.claims}
    found = []
    for claim, spec in zip(result.claims, lab.claims, strict=True):
        if claim.held is False and spec.not_held and claim.text == spec.render(lang, result.measured, True):
            found.append(f"{claim.id}: the held sentence under ✗")
        if claim.held is None and spec.unmeasured and claim.text != pick(spec.unmeasured, lang):
            found.append(f"{claim.id}: not applicable, but not its conditional sentence")
        if claim.held is not True:
            found += [f"{claim.id}: says {p!r}" for p in HELD_ONLY[lang] if _says(p, claim.text)]
    if "<!--" in text:
        found.append("a block marker is left in the report")
    for match in _BLOCK.finditer(prose):
        ids = [name.strip() for name in match.group(2).split(",")]
        accepted = CONDITIONS[" ".join(match.group(1).split())]
        shown_branch = match.group("then") if all(outcome.get(i) in accepted for i in ids) \
            else (match.group("otherwise") or "")
        hidden = match.group("otherwise") if shown_branch is match.group("then") else match.group("then")
        words = _squeeze(hidden or "")
        if len(words) > 20 and words[:40] in flat and words[:40] not in _squeeze(shown_branch):
            found.append(f"a block for {ids} shows the branch of the other outcome")
    if lang == "ja":
        found += [f"English in the Japanese page: {fragment!r}" for fragment in _english(result, prose)]
    return found, sum(1 for claim in result.claims if claim.held is False)


def _english(result: object, prose: str) -> list[str]:
    """English prose on the run's Japanese HTML page, code, styles and scripts set aside."""
    import html

    page = LabHtmlReport(result, prose).render_text()  # type: ignore[arg-type]
    page = re.sub(r"<(pre|code|style|script)\b.*?</\1>", " `x` ", page, flags=re.S)
    page = re.sub(r"</?(?:title|h\d|p|li|div|section|header|td|th|tr|figcaption|text|g)\b[^>]*>", "。", page)
    # What the run itself produced (a program's output, an exception's message) is data, not conclab's words.
    data = [str(v) for value in result.measured.values()  # type: ignore[attr-defined]
            for v in (value if isinstance(value, (list, tuple)) else [value]) if isinstance(v, str)]
    data += [line for line in result.log]  # type: ignore[attr-defined]
    data += [str(cell) for table in result.tables for row in table.rows for cell in row]  # type: ignore[attr-defined]
    # Lanes are named by the code (threads, processes, tasks), and so are traced functions' spans
    # ("fetch job0"); measured spans' labels are checked for English by tests/test_ja_explore_timeline.py.
    data += [name for span in result.spans for name in (span.name, span.lane)]  # type: ignore[attr-defined]
    allow = sorted({piece for text in data for piece in (text, *text.split(", ")) if piece.strip()},
                   key=len, reverse=True)
    return latin_prose(html.unescape(re.sub(r"<[^>]+>", " ", page)), allow=["「dirty write」", *allow])


def main(argv: list[str]) -> int:
    quick = "--full" not in argv
    langs = ("ja", "en")
    if "--lang" in argv:
        choice = argv[argv.index("--lang") + 1]
        langs = langs if choice == "both" else (choice,)
    names = [a for a in argv if not a.startswith("--") and a not in ("ja", "en", "both")]
    labs = names or [lab.id for lab in registry().labs()]
    contradictions = 0
    for lang in langs:
        for lab_id in labs:
            found, not_held = problems_of(lab_id, lang, quick)
            contradictions += len(found)
            status = "ok" if not found else "CONTRADICTS"
            print(f"{lang} {lab_id:20} {status} ({not_held} claim(s) not held)", flush=True)
            for problem in found:
                print(f"    {problem}")
    print(f"{contradictions} contradiction(s)")
    return 1 if contradictions else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
