"""A Gantt chart for the terminal: one row per lane (more when spans nest), a time axis.

Readable at 80 columns, in colour on a terminal and as plain text in a file or
a golden test. Each family of span names (the first word: ``download A`` and
``download B`` are one family; a Japanese name less its trailing argument, see
:func:`family`) gets its own glyph and colour; the span's name is written
inside its bar when it fits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from rich.cells import cell_len

from conclab.timeline._layout import Layout
from conclab.timeline._render import Renderer
from conclab.timeline._span import Span

GLYPHS = "█▓▒░#=*+%@&~"
#: What an empty chart says, per language.
EMPTY = {"en": "(no spans recorded)", "ja": "（記録された区間はありません）"}
COLOURS = ("cyan", "magenta", "green", "yellow", "blue", "red", "bright_cyan", "bright_magenta")

#: A line as runs of (text, colour); colour None is plain.
Line = list[tuple[str, str | None]]


_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
#: What varies between spans of one family at the end of a Japanese name: "-> 100", "1", "A".
_ARGUMENT = re.compile(r"\s+(?:->|<-)\s+.*$|\s+[^\s]*\d[^\s]*$|\s+[A-Z]$")


def family(name: str) -> str:
    """The legend entry a span belongs to: ``download A`` and ``download B`` are both ``download``.

    A name in English or code keeps its first word. A Japanese name is written
    with spaces around Latin words and numbers（「2 つの待ちを同時に」）, so its
    first word would be a fragment: it keeps the whole name, less a trailing
    argument（「フェーズ 1」 -> 「フェーズ」, 「balance を読む -> 100」 -> 「balance を読む」）.
    """
    if not name:
        return name
    if _JAPANESE.search(name):
        return _ARGUMENT.sub("", name) or name
    return name.split(" ", 1)[0]


def _cells(text: str) -> list[str]:
    """``text`` one terminal cell per item: a wide (Japanese) character, then an empty cell it covers."""
    cells: list[str] = []
    for char in text:
        cells += [char, ""] if cell_len(char) == 2 else [char]
    return cells


def _keep_wide_pairs(cells: list[tuple[str, str | None]], glyphs: list[str]) -> None:
    """Where a later bar cut a wide character from the cell it covers, show the bar's glyph instead.

    A row must stay exactly as wide as its cells: a wide character whose
    second cell was overwritten, or a covered cell left without its
    character, would make the row one column too wide or too narrow.
    """
    for index, (char, style) in enumerate(cells):
        cut_off = cell_len(char) == 2 and (index + 1 == len(cells) or cells[index + 1][0] != "")
        orphan = char == "" and (index == 0 or cell_len(cells[index - 1][0]) != 2)
        if cut_off or orphan:
            cells[index] = (glyphs[index], style)


class TerminalTimeline(Renderer):
    """Render spans (or a :class:`Layout`) as a text Gantt chart ``width`` columns wide."""

    def __init__(self, spans: Iterable[Span] | Layout, width: int = 80, title: str | None = None,
                 max_label: int = 20, lang: str = "en") -> None:
        self.lang = lang
        self.layout = spans if isinstance(spans, Layout) else Layout.from_spans(spans).grouped()
        self.width = max(40, width)
        self.title = title
        self.max_label = max_label
        families: list[str] = []
        for name in self.layout.names:
            if family(name) not in families:
                families.append(family(name))
        self.families = families

    def _style(self, name: str) -> tuple[str, str]:
        index = self.families.index(family(name)) % len(GLYPHS)
        return GLYPHS[index], COLOURS[index % len(COLOURS)]

    def _lines(self) -> list[Line]:
        """The chart's lines: title, axis, one per lane row, legend."""
        layout = self.layout
        labels = [layout.lane_title(lane) for lane in layout.lanes]
        label_w = max([len(_shorten(label, self.max_label)) for label in labels] + [4])
        bar_w = self.width - label_w - 1
        lines: list[Line] = []
        if self.title:
            lines.append([(self.title, None)])
        if not layout.lanes:
            lines.append([(EMPTY.get(self.lang, EMPTY["en"]), None)])
            return lines
        pad = " " * (label_w + 1)
        axis_text, marks = self._axis(bar_w)
        name = layout.axis_name if cell_len(layout.axis_name) <= label_w else ""
        lines.append([(name + " " * (label_w + 1 - cell_len(name)) + axis_text, None)])
        lines.append([(pad + marks, None)])
        for lane, label in zip(layout.lanes, labels, strict=False):
            shown = _shorten(label, label_w)
            for row_index, row in enumerate(lane.rows):
                prefix = shown.ljust(label_w) if row_index == 0 else " " * label_w
                lines.append(self._row(prefix, row, bar_w))
        lines += self._legend(pad)
        return lines

    def _axis(self, bar_w: int) -> tuple[str, str]:
        """The axis labels and the tick marks, as two lines ``bar_w`` wide."""
        layout = self.layout
        axis = [" "] * bar_w
        marks = ["─"] * bar_w
        for tick in layout.ticks:
            col = min(bar_w - 1, int(round(layout.fraction(tick) * (bar_w - 1))))
            text = layout.tick_label(tick)
            start = min(col, len(axis) - len(text))
            if all(c == " " for c in axis[max(0, start - 1): start + len(text) + 1]):
                axis[start: start + len(text)] = list(text)
            marks[col] = "┬"
        return "".join(axis).rstrip(), "".join(marks)

    def _row(self, prefix: str, row: Sequence[Span], bar_w: int) -> Line:
        """One row of a lane: its spans as bars, named where the bar is long enough."""
        layout = self.layout
        cells: list[tuple[str, str | None]] = [(" ", None)] * bar_w
        glyphs = [" "] * bar_w  # what each cell shows when a wide character has to give way
        for span in sorted(row, key=lambda s: s.start_s):
            glyph, style = self._style(span.name)
            first = min(bar_w - 1, int(layout.fraction(span.start_s) * bar_w))
            last = max(first + 1, min(bar_w, int(round(layout.fraction(span.end_s) * bar_w))))
            length = last - first
            bar = list(glyph * length)
            if length >= cell_len(span.name) + 2:
                bar[1: 1 + cell_len(span.name)] = _cells(span.name)
            if first > 0 and cells[first - 1][0] != " " and length > 1:
                bar[0] = "│"  # mark where back-to-back spans meet
            for offset, char in enumerate(bar):
                cells[first + offset] = (char, style)
                glyphs[first + offset] = glyph
        _keep_wide_pairs(cells, glyphs)
        line: Line = [(prefix + " ", None)]
        for char, colour in cells:
            if line and line[-1][1] == colour:
                line[-1] = (line[-1][0] + char, colour)
            else:
                line.append((char, colour))
        line[-1] = (line[-1][0].rstrip(), line[-1][1]) if line[-1][1] is None else line[-1]
        return line

    def _legend(self, pad: str) -> list[Line]:
        """Each family's glyph and name, wrapped to the width."""
        lines: list[Line] = []
        legend: Line = [(pad, None)]
        used = len(pad)
        for name in self.families:
            glyph, colour = self._style(name)
            item = f" {name}  "
            if used + 1 + cell_len(item) > self.width and used > len(pad):
                lines.append(legend)
                legend, used = [(pad, None)], len(pad)
            legend.append((glyph, colour))
            legend.append((item, None))
            used += 1 + cell_len(item)
        lines.append(legend)
        return lines

    def render_text(self) -> str:
        out = []
        for line in self._lines():
            out.append("".join(text for text, _ in line).rstrip())
        return "\n".join(out) + "\n"

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.text import Text

        for line in self._lines():
            text = Text()
            for chunk, colour in line:
                text.append(chunk, style=colour or "")
            yield text


def _shorten(label: str, width: int) -> str:
    """Fit a lane label in ``width`` columns; "Thread-3 (process_request_thread)" -> "Thread-3"."""
    if len(label) <= width:
        return label
    if label.endswith(")") and " (" in label:
        head = label[: label.index(" (")]
        if len(head) <= width:
            return head
    return label[: width - 1] + "…"
