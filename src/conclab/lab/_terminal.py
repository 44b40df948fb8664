"""The terminal report of a lab run: prose, measured tables, log, timeline, claims.

A :class:`LabReport` is a renderer like the timeline ones
(:class:`conclab.timeline.RichRenderer`): print it on a rich console, or get
plain text at a fixed width for golden tests and files.
"""

from __future__ import annotations

from typing import Any

from conclab.i18n import Messages, pick
from conclab.lab._prose import resolve_prose
from conclab.lab._registry import split_prose
from conclab.lab._runner import LabResult
from conclab.timeline import RichRenderer, TerminalTimeline, format_seconds

MESSAGES = Messages({
    "measured": {"en": "Measured on this machine", "ja": "このマシンでの計測結果"},
    "log": {"en": "Log", "ja": "ログ"},
    "timeline": {"en": "Timeline (what ran when)", "ja": "タイムライン（いつ何が動いたか）"},
    "claims": {"en": "Claims", "ja": "確かめたこと"},
    "held": {"en": "held", "ja": "成立"},
    "not-held": {"en": "did not hold", "ja": "不成立"},
    "n/a": {"en": "not applicable", "ja": "対象外"},
    "why": {"en": "likely reason", "ja": "考えられる理由"},
    "summary": {
        "en": "{held} of {total} claims held in {seconds} on Python {python} ({cores} cores, GIL {gil}).",
        "ja": "{total} 件中 {held} 件が成立（所要 {seconds}、Python {python}、{cores} コア、GIL {gil}）。",
    },
    "on": {"en": "on", "ja": "有効"},
    "off": {"en": "off", "ja": "無効"},
    "leftover": {
        "en": "{count} child process(es) were still running at the end and were stopped.",
        "ja": "終了時に子プロセスが {count} 個残っていたので停止しました。",
    },
    "quick": {"en": "(--quick: shortened figures)", "ja": "（--quick: 短縮した設定で実行）"},
})


class LabReport(RichRenderer):
    """Render a :class:`LabResult` with its prose for a terminal ``width`` columns wide."""

    def __init__(self, result: LabResult, prose: str = "", width: int = 80, intro: bool = True) -> None:
        self.result = result
        self.before, self.after = split_prose(resolve_prose(prose, result.claims, result.lang))
        self.width = width
        self.intro = intro  # False when the title and the prose were printed before the run

    @staticmethod
    def introduction(lab: Any, prose: str, lang: str) -> Any:
        """The title and the prose before the results, to print while the lab runs."""
        from rich.console import Group
        from rich.text import Text

        from conclab.text import Heading, markdown

        before, _ = split_prose(resolve_prose(prose, (), lang))  # no outcome is known yet
        parts: list[Any] = [Heading(f"{lab.id}: {pick(lab.title, lang)}")]
        if before:
            parts += [markdown(before), Text("")]
        return Group(*parts)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.table import Table
        from rich.text import Text

        from conclab.text import inline, markdown

        result, lang = self.result, self.result.lang
        msg = MESSAGES.get
        if self.intro:
            yield self.introduction(result.lab, self.before, lang)
        for table in result.tables:
            rich_table = Table(title=Text(table.title), title_justify="left", title_style="bold")
            for column in table.columns:
                rich_table.add_column(Text(column))
            for row in table.rows:
                rich_table.add_row(*[_cell(value) for value in row])
            yield rich_table
        if result.log:
            yield Text(msg("log", lang), style="bold")
            for line in result.log:
                yield Text("  " + line, style="dim")
            yield Text("")
        if result.spans:
            yield Text(msg("timeline", lang), style="bold")
            yield TerminalTimeline(result.spans, width=min(self.width, options.max_width), lang=result.lang)
        yield Text(msg("claims", lang), style="bold")
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for claim in result.claims:
            if claim.held is True:
                mark, style, word = "✓", "green", msg("held", lang)
            elif claim.held is False:
                mark, style, word = "✗", "red", msg("not-held", lang)
            else:
                mark, style, word = "–", "yellow", msg("n/a", lang)
            body = Text(f"{word}: ", style=f"bold {style}")
            body.append_text(inline(claim.text))
            if claim.reason:
                body.append(f"\n{msg('why', lang)}: {claim.reason}", style="dim")
            grid.add_row(Text(f" {mark}", style=f"bold {style}"), body)
        yield grid
        for note in result.notes:
            yield Text(" • ") + inline(note)
        if result.leftover_processes:
            yield Text(msg("leftover", lang, count=len(result.leftover_processes)), style="yellow")
        held = sum(1 for c in result.claims if c.held)
        total = sum(1 for c in result.claims if c.held is not None)
        summary = msg("summary", lang, held=held, total=total,
                      seconds=format_seconds(result.duration_s, lang),
                      python=result.machine.python_version, cores=result.machine.cores,
                      gil=msg("on" if result.machine.gil_enabled else "off", lang))
        if result.quick:
            summary += " " + msg("quick", lang)
        yield Text(summary, style="bold")
        if self.after:
            yield Text("")
            yield markdown(self.after)


def _cell(value: Any) -> Any:
    """A table cell as plain text: ``counts[key]`` must not be read as rich markup."""
    from rich.text import Text

    if isinstance(value, float):
        return Text(f"{value:.3f}")
    return Text(str(value))
