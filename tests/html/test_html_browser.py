"""The pages in a real browser: headless Chromium, kept off the network, no console errors.

Each test saves a screenshot under ``test-artifacts/`` for a human to look at.
"""

from __future__ import annotations

from pathlib import Path

from html_helpers import (
    ARTIFACTS,
    THREE_TASKS,
    THREE_THREADS,
    io_threads_run,
    open_in_chromium,
    parse_page,
    requires_chromium,
)

from conclab.curriculum import registry
from conftest import invoke

pytestmark = requires_chromium


def test_the_error_trap_catches_errors(tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><head></head><body><script>console.error('bad');"
                    "missing();</script></body></html>", encoding="utf-8")
    run = open_in_chromium(page)
    assert run.elements.errors is not None and len(run.elements.errors) == 2
    assert run.console  # and Chromium's own log saw them too


def test_lab_page_in_chromium_has_every_lane_and_claim_and_no_errors() -> None:
    page = io_threads_run()["html"]
    expected = parse_page(page.read_text(encoding="utf-8"))
    run = open_in_chromium(page, screenshot="io-threads.png")
    assert run.elements.errors == []
    assert run.console == []
    assert run.elements.lanes == expected.lanes
    assert {"MainThread", "thread-A", "thread-B", "thread-C"} <= set(run.elements.lanes)
    assert set(run.elements.claims) == {c.id for c in registry().lab("io-threads").claims}
    assert len(run.elements.bars) == len(expected.bars) > 0
    assert (ARTIFACTS / "io-threads.png").stat().st_size > 10_000


def test_lab_page_in_dark_mode(tmp_path: Path) -> None:
    page = tmp_path / "io-threads-ja.html"
    result = invoke("run", "io-threads", "--quick", "--lang", "ja", "--html", str(page))
    assert result.exit_code in (0, 1)
    run = open_in_chromium(page, screenshot="io-threads-ja-dark.png", dark=True)
    assert run.elements.errors == [] and run.console == []
    assert "確かめたこと" in run.dom.replace("<wbr>", "")  # Japanese text carries <wbr> between phrases


def test_trace_pages_in_chromium(tmp_path: Path) -> None:
    for name, source, lanes in (
            ("threads", THREE_THREADS, {"MainThread", "worker-1", "worker-2", "worker-3"}),
            ("tasks", THREE_TASKS, {"fetch-0", "fetch-1", "fetch-2"})):
        script = tmp_path / f"{name}.py"
        script.write_text(source, encoding="utf-8")
        page = tmp_path / f"trace-{name}.html"
        result = invoke("trace", str(script), "--html", str(page))
        assert result.exit_code == 0, result.stderr
        run = open_in_chromium(page, screenshot=f"trace-{name}.png", size="1200,700")
        assert run.elements.errors == [] and run.console == []
        assert lanes <= set(run.elements.lanes)


def test_report_page_in_chromium(tmp_path: Path) -> None:
    chapter = registry().lab("io-threads").chapter
    page = tmp_path / "report.html"
    result = invoke("report", "--chapter", chapter, "--quick", "--html", str(page))
    assert result.exit_code in (0, 1), result.stderr
    run = open_in_chromium(page, screenshot="report.png")
    assert run.elements.errors == [] and run.console == []
    assert run.elements.articles == [lab.id for lab in registry().labs(chapter)]
    for lab in registry().labs(chapter):
        for claim in lab.claims:
            assert claim.id in run.elements.claims
