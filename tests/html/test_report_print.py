"""The report's first screen and its print: the claims that failed on top, a red ✗, and a PDF
whose "The code that ran" is not empty (headless Chromium's print, read back with pdftotext).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from html_helpers import ARTIFACTS, _run, requires_chromium
from test_html_lab import _result

from conclab.lab import LabHtmlReport, ReportPage, ReportSection
from conclab.machine import Machine

PROSE = "Before.\n\n<!-- results -->\n\n### What happened\n\nThe threads overlapped."
CODE = [("demo.py", "def fetch_everything():\n    return 'printed in full'\n")]


def _page(machine: Machine, lang: str = "en", fail: bool = True) -> str:
    result = _result(machine)
    if not fail:
        claims = [c for c in result.claims if c.held is not False]
        result = dataclasses.replace(result, claims=claims)
    good = dataclasses.replace(_result(machine), claims=[c for c in result.claims if c.held])
    good = dataclasses.replace(good, lab=dataclasses.replace(good.lab, id="other"), lang=lang)
    result = dataclasses.replace(result, lang=lang)
    labs = [LabHtmlReport(result, PROSE, CODE), LabHtmlReport(good, PROSE, CODE)]
    return ReportPage([ReportSection("threads-io", "Chapter 1: Threads", labs)], lang).to_string()


def test_the_claims_that_failed_come_first_with_a_link_to_their_lab(machine: Machine) -> None:
    page = _page(machine)
    summary = page.index('class="cl-failed"')
    assert summary < page.index('class="cl-toc"')
    failed = page[summary:page.index("</section>", summary)]
    assert "1 of 3 claims did not hold on this machine" in failed
    assert '<a href="#lab-demo">demo</a>: It was slow.' in failed and "timings vary" in failed
    assert "It was fast" not in failed
    assert 'class="cl-badge cl-badge-fail">✗' in page and 'class="cl-badge cl-badge-ok">✓' in page
    ja = _page(machine, "ja")
    assert "主張 3 件のうち 1 件がこのマシンで成り立ちませんでした" in ja.replace("<wbr>", "")


def test_all_held_is_one_line(machine: Machine) -> None:
    page = _page(machine, fail=False)
    assert "All 2 claims held on this machine." in page and "cl-failed-none" in page


def test_lesson_headings_sit_below_the_lab_title_and_beside_claims(machine: Machine) -> None:
    """In a report the lab is h3 and its sections h4: "### What happened" is h4, not as big as the lab."""
    page = _page(machine)
    assert "<h4>What happened</h4>" in page and "<h3>What happened</h3>" not in page


@requires_chromium
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (apt-get install poppler-utils)")
def test_the_printed_report_shows_the_code_that_ran(machine: Machine) -> None:
    with tempfile.TemporaryDirectory(prefix="conclab-print-") as folder:
        page, pdf = Path(folder) / "report.html", Path(folder) / "report.pdf"
        page.write_text(_page(machine), encoding="utf-8")
        result = _run(["--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                      os.path.join(folder, "profile"))
        assert pdf.exists(), result.stderr[-2000:]
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(pdf, ARTIFACTS / "report-print.pdf")
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
    pages = text.split("\f")
    code_at = text.index("The code that ran")
    assert "def fetch_everything" in text[code_at:code_at + 400], text[code_at:code_at + 400]
    assert "printed in full" in text
    assert len([p for p in pages if "Demo lab" in p]) >= 2  # each lab starts its own page
    for page_text in pages:  # no page ends on a heading whose content is on the next
        last = [line.strip() for line in page_text.splitlines() if line.strip()][-1:]
        assert last not in (["The code that ran"], ["Claims"], ["Timeline (what ran when)"]), page_text[-300:]
