"""A lab run as one self-contained HTML page: prose, code, tables, log, timeline, claims.

The page is meant to be opened, printed, mailed to a classmate and compared
with theirs, so it fetches nothing: CSS, SVG and the one tiny script are
inline. Lesson prose is Markdown rendered with markdown-it-py (already present
as rich's Markdown engine) with raw HTML switched off, so a lesson can never
inject markup; links keep markdown-it's safe-scheme check (no ``javascript:``).
The example code is highlighted with Pygments (rich's highlighter) when it is
available, and shown plain otherwise.

:class:`LabHtmlReport` is one lab; :class:`ReportPage` puts several in one
page behind a table of contents (``conclab report``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from conclab.i18n import Messages, pick
from conclab.lab._prose import resolve_prose
from conclab.lab._registry import split_prose
from conclab.lab._runner import ClaimResult, LabResult
from conclab.lab._terminal import MESSAGES as REPORT_MESSAGES
from conclab.text import count
from conclab.timeline import HtmlTimeline, Renderer, format_seconds, html_page

MESSAGES = Messages({
    "code": {"en": "The code that ran", "ja": "実行したコード"},
    "contents": {"en": "Contents", "ja": "目次"},
    "report-title": {"en": "conclab report", "ja": "conclab レポート"},
    "machine": {
        "en": "Python {python} ({implementation}), {cores_en}, GIL {gil}, start method {start}",
        "ja": "Python {python}（{implementation}）、{cores} コア、GIL {gil}、起動方式 {start}",
    },
    "chapter": {"en": "Chapter {number}: {title}", "ja": "第 {number} 章: {title}"},
    "exercises": {"en": "Exercises", "ja": "演習"},
    "no-spans": {"en": "No spans were recorded.", "ja": "スパンは記録されませんでした。"},
    "measured-values": {"en": "measured", "ja": "計測値"},
    "failed-title": {"en": "{failed} of {claims} did not hold on this machine",
                     "ja": "{claims}のうち {failed} 件がこのマシンで成り立ちませんでした"},
    "all-held": {"en": "All {claims} held on this machine.", "ja": "{claims}はすべてこのマシンで成り立ちました。"},
})

PAGE_CSS = """
h1, h2, h3 { line-height: 1.25; }
a { color: #2563c9; }
@media (prefers-color-scheme: dark) { a { color: #7fb0ff; } }
.cl-meta { color: var(--cl-muted); }
.cl-lab { border-top: 2px solid var(--cl-grid); margin-top: 2rem; padding-top: 0.5rem; }
.cl-lab:first-of-type { border-top: none; }
pre, code { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: var(--cl-lane-bg); border: 1px solid var(--cl-grid); border-radius: 4px;
      padding: 0.6rem 0.8rem; overflow-x: auto; }
:not(pre) > code { background: var(--cl-lane-bg); padding: 0 0.25em; border-radius: 3px; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; display: block; max-width: 100%; overflow-x: auto; }
th { white-space: nowrap; }
pre { max-width: 100%; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
th, td { border: 1px solid var(--cl-grid); padding: 0.25rem 0.6rem; text-align: left; }
td.cl-num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: var(--cl-lane-bg); }
.cl-claims { list-style: none; padding: 0; }
.cl-claim { margin: 0.5rem 0; padding: 0.4rem 0.7rem; border-left: 4px solid var(--cl-grid); }
.cl-claim.cl-held { border-color: #2f9e5b; }
.cl-claim.cl-not-held { border-color: #d0433f; }
.cl-claim.cl-na { border-color: #c99a1f; }
.cl-verdict { font-weight: 700; }
.cl-held .cl-verdict { color: #23824a; } .cl-not-held .cl-verdict { color: #c0302c; }
.cl-na .cl-verdict { color: #9a7412; }
@media (prefers-color-scheme: dark) {
  .cl-held .cl-verdict { color: #5fd08e; } .cl-not-held .cl-verdict { color: #ff7b76; }
  .cl-na .cl-verdict { color: #e8c155; }
}
.cl-reason, .cl-values { color: var(--cl-muted); font-size: 0.92rem; }
.cl-summary { font-weight: 600; }
.cl-toc ol { padding-left: 1.4rem; }
.cl-badge { font-size: 0.85rem; color: var(--cl-muted); margin-left: 0.4rem; }
.cl-badge-ok { color: #23824a; } .cl-badge-fail { color: #c0302c; font-weight: 700; }
.cl-failed { border: 2px solid #d0433f; border-radius: 6px; padding: 0.2rem 0.9rem; margin: 1rem 0; }
.cl-failed h2 { font-size: 1.1rem; color: #c0302c; }
.cl-failed li { margin: 0.3rem 0; }
.cl-failed-none { border-color: #2f9e5b; color: #23824a; }
@media (prefers-color-scheme: dark) {
  .cl-badge-ok, .cl-failed-none { color: #5fd08e; } .cl-badge-fail, .cl-failed h2 { color: #ff7b76; }
}
details > summary { cursor: pointer; color: var(--cl-muted); }
@media print {
  a { color: inherit; }
  details > summary { display: none; }
  details::details-content { content-visibility: visible; display: block; }
  .cl-lab { break-before: page; }
  .cl-lab:first-of-type { break-before: auto; }
  .cl-chapter { break-before: page; }
  h1, h2, h3, h4, h5, caption, summary { break-after: avoid; }
  .cl-claim, figure, tr, pre { break-inside: avoid; }
  pre { white-space: pre-wrap; }
}
"""


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def markdown_to_html(text: str) -> str:
    """Render lesson Markdown (CommonMark plus tables) with raw HTML disabled."""
    from markdown_it import MarkdownIt

    from conclab.text import cjk_emphasis

    return str(MarkdownIt("commonmark", {"html": False}).enable("table").use(cjk_emphasis).render(text))


_HEADING = re.compile(r"<(/?)h([1-6])>")


def _demote(html_text: str, heading_level: int) -> str:
    """Lesson headings (``###``) at the level of the article's own sections, never above "Claims".

    A lab page (article h1, sections h2) shows "### What happened" as h2; a
    report (article h3, sections h4) as h4.
    """
    def shift(match: re.Match[str]) -> str:
        level = min(6, max(heading_level + 1, int(match.group(2)) + heading_level - 2))
        return f"<{match.group(1)}h{level}>"

    return _HEADING.sub(shift, html_text)


def _highlight_css() -> str:
    """Pygments token colours for light and dark schemes, scoped to ``.cl-code``."""
    from pygments.formatters import HtmlFormatter

    light = HtmlFormatter(style="default").get_style_defs(".cl-code")
    dark = HtmlFormatter(style="monokai").get_style_defs(".cl-code")
    # Keep the page's own background: drop the styles' background rules.
    light = "\n".join(line for line in light.splitlines() if "background" not in line)
    dark = "\n".join(line for line in dark.splitlines() if "background" not in line)
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n@media print {{\n{light}\n}}\n"


def highlight_python(source: str) -> str:
    """The source as HTML inside ``<pre class="cl-code">``, coloured by Pygments."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    body = highlight(source, PythonLexer(), HtmlFormatter(nowrap=True))
    return f'<pre class="cl-code"><code>{body}</code></pre>'


def _cell(value: Any) -> tuple[str, bool]:
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, float):
        return f"{value:.3f}", True
    if isinstance(value, int):
        return str(value), True
    return str(value), False


def _verdict(claim: ClaimResult, lang: str) -> tuple[str, str, str]:
    if claim.held is True:
        return "cl-held", "✓", REPORT_MESSAGES.get("held", lang)
    if claim.held is False:
        return "cl-not-held", "✗", REPORT_MESSAGES.get("not-held", lang)
    return "cl-na", "–", REPORT_MESSAGES.get("n/a", lang)


def _value(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


class LabHtmlReport(Renderer):
    """One lab run as HTML; :meth:`article` for embedding, :meth:`render_text` for a page.

    ``sources`` are ``(file name, source)`` pairs of the example modules (the
    code that ran), as :meth:`conclab.lab.Registry.example_source` gives them.
    """

    def __init__(self, result: LabResult, prose: str = "",
                 sources: Sequence[tuple[str, str]] = ()) -> None:
        self.result = result
        self.before, self.after = split_prose(resolve_prose(prose, result.claims, result.lang))
        self.sources = list(sources)

    @property
    def anchor(self) -> str:
        return f"lab-{self.result.lab.id}"

    def title(self) -> str:
        return f"{self.result.lab.id}: {pick(self.result.lab.title, self.result.lang)}"

    def summary(self) -> str:
        """The same closing sentence the terminal report prints."""
        result, lang = self.result, self.result.lang
        held = sum(1 for c in result.claims if c.held)
        total = sum(1 for c in result.claims if c.held is not None)
        text = REPORT_MESSAGES.get(
            "summary", lang, held=held, total=total, seconds=format_seconds(result.duration_s, lang),
            python=result.machine.python_version, cores=result.machine.cores,
            gil=REPORT_MESSAGES.get("on" if result.machine.gil_enabled else "off", lang))
        if result.quick:
            text += " " + REPORT_MESSAGES.get("quick", lang)
        return text

    def article(self, heading_level: int = 2) -> str:
        """The lab as an ``<article>``: what a report page repeats once per lab."""
        result, lang = self.result, self.result.lang
        h, sub = f"h{heading_level}", f"h{heading_level + 1}"
        out = [f'<article class="cl-lab" id="{_esc(self.anchor)}" data-lab="{_esc(result.lab.id)}">',
               f"<header><{h}>{_esc(self.title())}</{h}>",
               f'<p class="cl-meta">{_esc(machine_line(result))}</p></header>']
        if self.before:
            out.append(f'<section class="cl-prose">{_demote(markdown_to_html(self.before), heading_level)}</section>')
        if self.sources:
            out.append(f'<section class="cl-source"><{sub}>{_esc(MESSAGES.get("code", lang))}</{sub}>')
            for file_name, source in self.sources:
                out.append(f"<details><summary>{_esc(file_name)}</summary>"
                           f"{highlight_python(source)}</details>")
            out.append("</section>")
        if result.tables:
            out.append(f'<section class="cl-tables"><{sub}>'
                       f'{_esc(REPORT_MESSAGES.get("measured", lang))}</{sub}>')
            out.extend(self._table(table.title, table.columns, table.rows) for table in result.tables)
            out.append("</section>")
        if result.log:
            out.append(f'<section class="cl-log"><{sub}>{_esc(REPORT_MESSAGES.get("log", lang))}</{sub}>'
                       f'<pre>{_esc(chr(10).join(result.log))}</pre></section>')
        out.append(f'<section class="cl-timeline-section"><{sub}>'
                   f'{_esc(REPORT_MESSAGES.get("timeline", lang))}</{sub}>')
        if result.spans:
            out.append(HtmlTimeline(result.spans, title=None, lang=result.lang).figure())
        else:
            out.append(f"<p>{_esc(MESSAGES.get('no-spans', lang))}</p>")
        out.append("</section>")
        out.append(f'<section class="cl-claims-section"><{sub}>'
                   f'{_esc(REPORT_MESSAGES.get("claims", lang))}</{sub}><ul class="cl-claims">')
        out.extend(self._claim(claim) for claim in result.claims)
        out.append("</ul>")
        if result.notes:
            out.append('<ul class="cl-notes">' + "".join(f"<li>{_esc(n)}</li>" for n in result.notes)
                       + "</ul>")
        if result.leftover_processes:
            out.append(f'<p class="cl-reason">{_esc(REPORT_MESSAGES.get("leftover", lang, count=len(result.leftover_processes)))}</p>')
        out.append(f'<p class="cl-summary">{_esc(self.summary())}</p></section>')
        if self.after:
            out.append(f'<section class="cl-prose">{_demote(markdown_to_html(self.after), heading_level)}</section>')
        out.append("</article>")
        return "\n".join(out)

    def _table(self, title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
        head = "".join(f"<th>{_esc(c)}</th>" for c in columns)
        body = []
        for row in rows:
            cells = []
            for value in row:
                text, numeric = _cell(value)
                cls = ' class="cl-num"' if numeric else ""
                cells.append(f"<td{cls}>{_esc(text)}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        return (f"<table><caption>{_esc(title)}</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table>")

    def _claim(self, claim: ClaimResult) -> str:
        lang = self.result.lang
        cls, mark, word = _verdict(claim, lang)
        held = {True: "true", False: "false", None: "n/a"}[claim.held]
        parts = [f'<li class="cl-claim {cls}" data-claim="{_esc(claim.id)}" data-held="{held}">',
                 f'<span class="cl-verdict">{mark} {_esc(word)}:</span> {_esc(claim.text)}']
        if claim.reason:
            parts.append(f'<div class="cl-reason">{_esc(REPORT_MESSAGES.get("why", lang))}: '
                         f"{_esc(claim.reason)}</div>")
        if claim.measured:
            # Names and values as the run recorded them: data, shown as code (a program's own output may be English).
            values = ", ".join(f"<code>{_esc(key)} = {_esc(_value(value))}</code>" for key, value in claim.measured.items())
            parts.append(f'<div class="cl-values">{_esc(MESSAGES.get("measured-values", lang))}: '
                         f"{values}</div>")
        parts.append("</li>")
        return "".join(parts)

    def render_text(self) -> str:
        return html_page(self.title(), self.article(heading_level=1), self.result.lang,
                         PAGE_CSS + _highlight_css())


def machine_line(result: LabResult) -> str:
    """Where the figures were measured: they are only true of this machine."""
    machine, lang = result.machine, result.lang
    return MESSAGES.get(
        "machine", lang, python=machine.python_version, implementation=machine.implementation,
        cores=machine.cores, cores_en=count(machine.cores, "core"), start=machine.start_method,
        gil=REPORT_MESSAGES.get("on" if machine.gil_enabled else "off", lang))


@dataclass
class ReportSection:
    """A chapter heading and the lab reports under it."""

    chapter_id: str
    heading: str
    labs: list[LabHtmlReport]


class ReportPage(Renderer):
    """Several lab runs in one page, a table of contents first (``conclab report``).

    ``extra_html`` is placed after the contents (a workspace's exercise
    progress, when the caller has it); it must already be safe HTML.
    """

    def __init__(self, sections: Sequence[ReportSection], lang: str, title: str | None = None,
                 extra_html: str = "") -> None:
        self.sections = list(sections)
        self.lang = lang
        self.title = title or MESSAGES.get("report-title", lang)
        self.extra_html = extra_html

    def reports(self) -> list[LabHtmlReport]:
        return [report for section in self.sections for report in section.labs]

    def render_text(self) -> str:
        lang = self.lang
        out = [f"<header><h1>{_esc(self.title)}</h1>"]
        reports = self.reports()
        if reports:
            out.append(f'<p class="cl-meta">{_esc(machine_line(reports[0].result))}</p>')
        out.append("</header>")
        out.append(failed_summary(reports, lang))
        out.append(f'<nav class="cl-toc"><h2>{_esc(MESSAGES.get("contents", lang))}</h2>')
        for section in self.sections:
            out.append(f"<h3>{_esc(section.heading)}</h3><ol>")
            for report in section.labs:
                claims = report.result.claims
                held = sum(1 for c in claims if c.held)
                total = sum(1 for c in claims if c.held is not None)
                mark, badge = ("✓", "cl-badge-ok") if report.result.passed else ("✗", "cl-badge-fail")
                out.append(f'<li><a href="#{_esc(report.anchor)}">{_esc(report.title())}</a>'
                           f'<span class="cl-badge {badge}">{mark} {held}/{total}</span></li>')
            out.append("</ol>")
        out.append("</nav>")
        if self.extra_html:
            out.append(self.extra_html)
        for section in self.sections:
            out.append(f'<section class="cl-chapter" id="chapter-{_esc(section.chapter_id)}">'
                       f"<h2>{_esc(section.heading)}</h2>")
            out.extend(report.article(heading_level=3) for report in section.labs)
            out.append("</section>")
        return html_page(self.title, "\n".join(out), lang, PAGE_CSS + _highlight_css())


def failed_summary(reports: Sequence[LabHtmlReport], lang: str) -> str:
    """The claims that did not hold, first on the page, each linked to its lab (or one line: all held)."""
    failed = [(report, claim) for report in reports for claim in report.result.claims if claim.held is False]
    checked = sum(1 for report in reports for claim in report.result.claims if claim.held is not None)
    if not failed:
        return (f'<section class="cl-failed cl-failed-none" id="failed"><p>✓ '
                f'{_esc(MESSAGES.get("all-held", lang, claims=count(checked, "claim", lang)))}</p></section>')
    items = "".join(
        f'<li><a href="#{_esc(report.anchor)}">{_esc(report.result.lab.id)}</a>: {_esc(claim.text)}'
        + (f'<div class="cl-reason">{_esc(claim.reason)}</div>' if claim.reason else "") + "</li>"
        for report, claim in failed)
    title = MESSAGES.get("failed-title", lang, failed=len(failed), claims=count(checked, "claim", lang))
    return f'<section class="cl-failed" id="failed"><h2>✗ {_esc(title)}</h2><ul>{items}</ul></section>'


def chapter_heading(number: int, title: str, lang: str) -> str:
    """"Chapter 2: Threads for I/O", in the reader's language."""
    return MESSAGES.get("chapter", lang, number=number, title=title)


@dataclass(frozen=True)
class ExerciseRow:
    """One exercise in a report's progress table."""

    id: str
    title: str
    passed: bool
    attempts: int


PROGRESS_MESSAGES = Messages({
    "exercise": {"en": "exercise", "ja": "演習"},
    "status": {"en": "status", "ja": "状態"},
    "attempts": {"en": "checks run", "ja": "チェック回数"},
    "passed": {"en": "✓ passed", "ja": "✓ 合格"},
    "open": {"en": "not yet", "ja": "未完了"},
    "summary": {"en": "{passed} of {total} exercises passed in {folder}.",
                "ja": "{folder} の演習 {total} 件中 {passed} 件に合格。"},
})


def progress_html(rows: Sequence[ExerciseRow], folder: str, lang: str) -> str:
    """A workspace's exercise progress as a section for :class:`ReportPage`'s ``extra_html``."""
    msg = PROGRESS_MESSAGES.get
    passed = sum(1 for row in rows if row.passed)
    body = "".join(
        f'<tr data-exercise="{_esc(row.id)}"><td><code>{_esc(row.id)}</code> {_esc(row.title)}</td>'
        f'<td>{_esc(msg("passed" if row.passed else "open", lang))}</td>'
        f'<td class="cl-num">{row.attempts}</td></tr>'
        for row in rows)
    return (f'<section class="cl-progress" id="progress"><h2>{_esc(MESSAGES.get("exercises", lang))}</h2>'
            f'<p>{_esc(msg("summary", lang, passed=passed, total=len(rows), folder=folder))}</p>'
            f'<table><thead><tr><th>{_esc(msg("exercise", lang))}</th><th>{_esc(msg("status", lang))}</th>'
            f'<th>{_esc(msg("attempts", lang))}</th></tr></thead><tbody>{body}</tbody></table></section>')
