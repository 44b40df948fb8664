"""The lab page: prose from Markdown, code, tables, log, timeline and every claim with its verdict."""

from __future__ import annotations

from pathlib import Path

from html_helpers import assert_self_contained, io_threads_run, parse_page

from conclab.lab import ClaimResult, Lab, LabResult, Table
from conclab.lab._html import LabHtmlReport, markdown_to_html
from conclab.machine import Machine
from conclab.timeline import Span
from conftest import invoke


def test_markdown_subset_renders() -> None:
    html = markdown_to_html("### What happened\n\nSome **bold**, *italic*, `code` and "
                            "[a link](https://docs.python.org/3/).\n\n- one\n- two\n\n"
                            "1. first\n\n```python\nx = 1 < 2\n```\n")
    for piece in ("<h3>What happened</h3>", "<strong>bold</strong>", "<em>italic</em>",
                  "<code>code</code>", '<a href="https://docs.python.org/3/">a link</a>',
                  "<li>one</li>", "<ol>", 'class="language-python">x = 1 &lt; 2'):
        assert piece in html


def test_markdown_cannot_inject_markup_or_script_links() -> None:
    html = markdown_to_html("<script>alert(1)</script> [x](javascript:alert(1)) <b onclick=x>b</b>")
    assert "<script" not in html and "<b " not in html
    assert 'href="javascript' not in html


def _result(machine: Machine) -> LabResult:
    lab = Lab(id="demo", chapter="threads-io", title={"en": "Demo lab", "ja": "デモ"},
              summary={"en": "s", "ja": "s"}, example=(), run=lambda ctx: None)
    claims = [ClaimResult("fast", "It was fast: 0.10 s.", True, {"threads_s": 0.1}),
              ClaimResult("slow", "It was slow.", False, {"x": 1}, "timings vary from run to run"),
              ClaimResult("multi", "Two cores ran at once.", None, {}, "not applicable here: one core")]
    spans = [Span("work", "MainThread", 0.0, 0.1, 7, 7), Span("work", "worker <1>", 0.05, 0.2, 7, 8)]
    return LabResult(lab, "en", True, machine, claims, spans,
                     [Table("Times & more", ["way", "took (s)"], [["threads", 0.1234], ["loop", 2]])],
                     ["  0.001s  start /a"], ["A note."], {"threads_s": 0.1}, 0.25)


def test_lab_page_has_every_part(machine: Machine) -> None:
    prose = "Before **results**.\n\n<!-- results -->\n\n### After\n\nDone."
    page = LabHtmlReport(_result(machine), prose, [("demo.py", "def f():\n    return '<x>'\n")]).to_string()
    assert_self_contained(page)
    found = parse_page(page)
    assert found.claims == {"fast": "true", "slow": "false", "multi": "n/a"}
    assert sorted(found.lanes) == ["MainThread", "worker <1>"]
    assert found.articles == ["demo"]
    assert page.index("<strong>results</strong>") < page.index("Times &amp; more") < page.index("<h2>After</h2>")
    assert "likely reason: timings vary from run to run" in page
    assert "not applicable here: one core" in page
    assert "0.123" in page and "start /a" in page and "A note." in page
    assert "demo.py" in page and "&lt;x&gt;" in page and "'<x>'" not in page
    assert "Python 3.11.7 (CPython), 2 cores, GIL on" in page
    assert "1 of 2 claims held" in page


def test_lab_page_in_japanese(machine: Machine) -> None:
    result = _result(machine)
    result.lang = "ja"
    page = LabHtmlReport(result).to_string()
    assert '<html lang="ja">' in page and "成立" in page and "不成立" in page


def test_run_html_writes_the_lab_page() -> None:
    run = io_threads_run()
    text = run["html"].read_text(encoding="utf-8")
    assert_self_contained(text)
    found = parse_page(text)
    assert set(found.claims) == {"sequential-is-sum", "threads-is-longest", "threads-faster"}
    assert "lessons/io_threads/example.py" in text and "with_threads" in text


def test_run_html_to_an_unwritable_path_fails_before_running(tmp_path: Path) -> None:
    result = invoke("run", "io-threads", "--quick", "--html", str(tmp_path / "missing" / "x.html"))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "does not exist" in result.stderr
    assert "Claims" not in result.stdout
