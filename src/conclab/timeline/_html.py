"""The timeline as inline SVG in a self-contained HTML page.

Drawn from the same :class:`Layout` as the terminal Gantt chart and the
Perfetto trace, so all three show the same lanes, rows and spans. The page
needs no network: CSS and SVG are inline, and the only script is a few lines
that echo the hovered bar into a caption (the SVG ``<title>`` of each bar is
the hover detail that works without it, and in print).

Every bar carries ``data-lane``, ``data-name``, ``data-start`` and
``data-end`` (seconds), so a test or a curious learner can read the spans back
out of the DOM and compare them with the trace-event JSON.
"""

from __future__ import annotations

import html
import zlib
from collections.abc import Iterable

from conclab.i18n import Messages
from conclab.text import PHRASE_CSS, is_cjk, phrase_breaks
from conclab.timeline._layout import Layout, format_seconds
from conclab.timeline._render import Renderer
from conclab.timeline._span import Span
from conclab.timeline._terminal import family

#: How many span families get a colour of their own before colours repeat.
PALETTE_SIZE = 12

#: Styles for the timeline figure; light by default, dark via the OS setting, plain in print.
TIMELINE_CSS = """
.cl-timeline { margin: 1rem 0; max-width: 100%; overflow-x: auto; }
/* Never drawn narrower than its own size: on a phone the timeline scrolls sideways, labels stay 10 px or more. */
.cl-timeline svg { width: 100%; min-width: 960px; height: auto; display: block; font: 12px system-ui, sans-serif; }
.cl-timeline .cl-lane-bg { fill: var(--cl-lane-bg); }
.cl-timeline .cl-lane-bg.cl-odd { fill: var(--cl-lane-bg-odd); }
.cl-timeline .cl-grid { stroke: var(--cl-grid); stroke-width: 1; }
.cl-timeline .cl-axis { fill: var(--cl-muted); font-size: 11px; }
.cl-timeline .cl-label { fill: var(--cl-fg); font-weight: 600; }
.cl-timeline .cl-kind { fill: var(--cl-muted); font-size: 10px; }
.cl-timeline .cl-bar { stroke: var(--cl-bar-stroke); stroke-width: 0.5; }
.cl-timeline .cl-bar:hover, .cl-timeline .cl-bar:focus { stroke: var(--cl-fg); stroke-width: 2; outline: none; }
.cl-timeline .cl-bar-text { fill: #111; font-size: 11px; pointer-events: none; }
.cl-timeline figcaption { color: var(--cl-muted); font-size: 0.9rem; min-height: 1.3em; }
.cl-legend { display: flex; flex-wrap: wrap; gap: 0.4rem 1.2rem; list-style: none; padding: 0; margin: 0.4rem 0; }
.cl-legend li { display: flex; align-items: center; gap: 0.4rem; }
.cl-swatch { display: inline-block; width: 1.1em; height: 0.8em; border-radius: 2px; }
.cl-f0 { fill: #4e9bd6; background: #4e9bd6; } .cl-f1 { fill: #e07b91; background: #e07b91; }
.cl-f2 { fill: #6cc08b; background: #6cc08b; } .cl-f3 { fill: #e8b64c; background: #e8b64c; }
.cl-f4 { fill: #9a86d8; background: #9a86d8; } .cl-f5 { fill: #e3875a; background: #e3875a; }
.cl-f6 { fill: #5cc3c3; background: #5cc3c3; } .cl-f7 { fill: #b5b85a; background: #b5b85a; }
.cl-f8 { fill: #c77dc2; background: #c77dc2; } .cl-f9 { fill: #a7805f; background: #a7805f; }
.cl-f10 { fill: #8e9db3; background: #8e9db3; } .cl-f11 { fill: #f0d55a; background: #f0d55a; }
:root { --cl-fg: #1d1f23; --cl-bg: #ffffff; --cl-muted: #5d636e; --cl-grid: #d5d9e0;
        --cl-lane-bg: #f6f7f9; --cl-lane-bg-odd: #eceef2; --cl-bar-stroke: #00000055; }
@media (prefers-color-scheme: dark) {
  :root { --cl-fg: #e6e8ec; --cl-bg: #15171b; --cl-muted: #a2a9b5; --cl-grid: #3a3f48;
          --cl-lane-bg: #1d2026; --cl-lane-bg-odd: #23272e; --cl-bar-stroke: #ffffff44; }
}
@media print {
  :root { --cl-fg: #000; --cl-bg: #fff; --cl-muted: #333; --cl-grid: #bbb;
          --cl-lane-bg: #fff; --cl-lane-bg-odd: #f2f2f2; --cl-bar-stroke: #000; }
  .cl-timeline, .cl-legend, .cl-swatch, .cl-bar { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  .cl-timeline { break-inside: avoid; }
}
"""

#: The one script: show the hovered or focused bar's details in the figure caption.
TIMELINE_SCRIPT = """
document.querySelectorAll('.cl-timeline').forEach(function (figure) {
  var caption = figure.querySelector('figcaption');
  if (!caption) { return; }
  var show = function (event) {
    var bar = event.target.closest('.cl-bar');
    if (bar) { caption.textContent = bar.getAttribute('aria-label'); }
  };
  figure.addEventListener('mouseover', show);
  figure.addEventListener('focusin', show);
});
"""

_BASE_PAGE_CSS = """
html { background: var(--cl-bg); color: var(--cl-fg); }
body { font: 15px/1.5 system-ui, "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Yu Gothic", Meiryo, "Noto Sans CJK JP", "Noto Sans JP", sans-serif; max-width: 72rem; margin: 1.5rem auto; padding: 0 1rem; overflow-wrap: break-word; line-break: strict; }
@media (max-width: 600px) { body { margin: 0.8rem auto; padding: 0 0.6rem; font-size: 16px; }
  h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; } h3 { font-size: 1.1rem; } }
"""


def palette(families: Iterable[str]) -> dict[str, int]:
    """A colour (0 to PALETTE_SIZE - 1) per family, chosen from its name, so "download" keeps its colour
    across the timelines of one page; a family whose colour is taken in this timeline takes the next free one.
    """
    taken: dict[str, int] = {}
    for name in families:
        colour = zlib.crc32(name.encode("utf-8")) % PALETTE_SIZE
        for step in range(PALETTE_SIZE):
            if (colour + step) % PALETTE_SIZE not in taken.values():
                colour = (colour + step) % PALETTE_SIZE
                break
        taken[name] = colour
    return taken


#: The words of the SVG: its accessible name, the empty chart, a bar's hover detail.
MESSAGES = Messages({
    "timeline": {"en": "timeline", "ja": "タイムライン"},
    "kind-thread": {"en": "thread", "ja": "スレッド"},
    "kind-process": {"en": "process", "ja": "プロセス"},
    "kind-task": {"en": "task", "ja": "タスク"},
    "empty": {"en": "(no spans recorded)", "ja": "（記録された区間はありません）"},
    "detail": {"en": "{name} on {lane}: start {start}, took {took}",
               "ja": "{lane} の{name}: 開始 {start}、所要 {took}"},
    "detail-steps": {"en": "{name} on {lane}: {axis} {first}–{last}",
                     "ja": "{lane} の{name}: {axis} {first}–{last}"},
})


def _attr(value: object) -> str:
    return html.escape(str(value), quote=True)


class HtmlTimeline(Renderer):
    """Render spans (or a :class:`Layout`) as an SVG Gantt chart.

    :meth:`figure` is the HTML fragment pages embed (the lab report, the
    trace page); :meth:`render_text` is a standalone page holding just the
    timeline, which is what :meth:`save` writes.
    """

    def __init__(self, spans: Iterable[Span] | Layout, title: str | None = None,
                 width: int = 960, label_width: int = 170, row_height: int = 20, lang: str = "en") -> None:
        self.lang = lang
        self.layout = spans if isinstance(spans, Layout) else Layout.from_spans(spans).grouped()
        self.title = title
        self.width = max(400, width)
        self.label_width = label_width
        self.row_height = row_height
        self.families: list[str] = []
        for name in self.layout.names:
            if family(name) not in self.families:
                self.families.append(family(name))
        self.colours = palette(self.families)

    def colour_class(self, name: str) -> str:
        """The CSS class of a span's colour: one per family, the same family the same colour on every timeline."""
        return f"cl-f{self.colours[family(name)]}"

    def svg(self) -> str:
        """The ``<svg>`` element: axis, one group per lane, one rect per span."""
        layout = self.layout
        axis_h, lane_gap = 26, 4
        bar_x = self.label_width
        bar_w = self.width - bar_x - 12
        heights = [max(1, len(lane.rows)) * self.row_height + lane_gap for lane in layout.lanes]
        height = axis_h + sum(heights) + 8
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {height}" '
            f'role="img" aria-label="{_attr(self.title or MESSAGES.get("timeline", self.lang))}">'
        ]
        if not layout.lanes:
            parts.append(f'<text class="cl-axis" x="{bar_x}" y="{axis_h}">{MESSAGES.get("empty", self.lang)}</text>')
        # Three layers, bottom to top: lane backgrounds, the time grid, the lanes' labels and bars.
        y = axis_h
        backgrounds: list[str] = []
        lanes: list[str] = []
        for lane, lane_h in zip(layout.lanes, heights, strict=True):
            title = layout.lane_title(lane)
            odd = " cl-odd" if lane.index % 2 else ""
            backgrounds.append(f'<rect class="cl-lane-bg{odd}" x="0" y="{y}" width="{self.width}" '
                               f'height="{lane_h - lane_gap}"/>')
            lanes.append(
                f'<g class="cl-lane" data-lane="{_attr(title)}" data-kind="{_attr(lane.kind)}" '
                f'data-pid="{lane.pid}">'
            )
            shown = title if len(title) <= 24 else title[:23] + "…"
            kind = MESSAGES.get(f"kind-{lane.kind}", self.lang) if f"kind-{lane.kind}" in MESSAGES.table \
                else lane.kind
            lanes.append(
                f'<text class="cl-label" x="6" y="{y + self.row_height * 0.7:.1f}">'
                f'<title>{_attr(title)} ({_attr(kind)}, pid {lane.pid})</title>{_attr(shown)}</text>'
            )
            if len(lane.rows) > 1:
                lanes.append(f'<text class="cl-kind" x="6" y="{y + self.row_height * 1.6:.1f}">'
                             f'{_attr(kind)}</text>')
            for row_index, row in enumerate(lane.rows):
                row_y = y + row_index * self.row_height + 2
                for span in sorted(row, key=lambda s: s.start_s):
                    lanes.append(self._bar(span, title, bar_x, bar_w, row_y))
            lanes.append("</g>")
            y += lane_h
        grid: list[str] = []
        for tick in layout.ticks:
            x = bar_x + layout.fraction(tick) * bar_w
            grid.append(f'<line class="cl-grid" x1="{x:.1f}" y1="{axis_h - 6}" x2="{x:.1f}" y2="{y}"/>')
            grid.append(f'<text class="cl-axis" x="{x:.1f}" y="{axis_h - 10}" text-anchor="middle">'
                        f'{_attr(layout.tick_label(tick))}</text>')
        if layout.axis_name:
            grid.append(f'<text class="cl-axis" x="6" y="{axis_h - 10}">{_attr(layout.axis_name)}</text>')
        parts.extend(backgrounds)
        parts.extend(grid)
        parts.extend(lanes)
        parts.append("</svg>")
        return "".join(parts)

    def _bar(self, span: Span, lane_title: str, bar_x: float, bar_w: float, row_y: float) -> str:
        layout = self.layout
        x0 = bar_x + layout.fraction(span.start_s) * bar_w
        x1 = bar_x + layout.fraction(span.end_s) * bar_w
        w = max(1.0, x1 - x0)
        h = self.row_height - 4
        lang = self.lang
        # 「MainThread の download A」 but 「MainThread の順番に」: a space only where Japanese meets Latin
        name = span.name if lang == "en" or is_cjk(span.name[:1]) else " " + span.name
        detail = MESSAGES.get("detail", lang, name=name, lane=lane_title,
                              start=format_seconds(span.start_s, lang), took=format_seconds(span.duration_s, lang))
        if layout.step_s:  # the explorer's virtual clock: steps, not seconds
            detail = MESSAGES.get("detail-steps", lang, name=name, lane=lane_title, axis=layout.axis_name,
                                  first=layout.tick_label(span.start_s), last=round(span.end_s / layout.step_s) - 1)
        text = ""
        if w >= 7 * len(span.name) + 8:
            text = (f'<text class="cl-bar-text" x="{x0 + 4:.1f}" y="{row_y + h * 0.75:.1f}">'
                    f'{_attr(span.name)}</text>')
        return (
            f'<rect class="cl-bar {self.colour_class(span.name)}" x="{x0:.2f}" y="{row_y:.1f}" '
            f'width="{w:.2f}" height="{h}" rx="2" tabindex="0" '
            f'data-lane="{_attr(lane_title)}" data-name="{_attr(span.name)}" '
            f'data-start="{span.start_s:.6f}" data-end="{span.end_s:.6f}" '
            f'aria-label="{_attr(detail)}"><title>{_attr(detail)}</title></rect>{text}'
        )

    def legend(self) -> str:
        """One swatch per span family, the same families the terminal legend shows."""
        items = "".join(
            f'<li><span class="cl-swatch {self.colour_class(name)}"></span>{_attr(name)}</li>'
            for name in self.families
        )
        return f'<ul class="cl-legend">{items}</ul>'

    def figure(self) -> str:
        """The embeddable fragment: the SVG, its legend and a caption for hover details."""
        heading = f"<h3>{_attr(self.title)}</h3>" if self.title else ""
        return (f'<figure class="cl-timeline">{heading}{self.svg()}{self.legend()}'
                f'<figcaption aria-live="polite"></figcaption></figure>')

    def render_text(self) -> str:
        return html_page(self.title or MESSAGES.get("timeline", self.lang), self.figure(), self.lang)


def html_page(title: str, body: str, lang: str = "en", css: str = "") -> str:
    """A complete, self-contained page: inline CSS and the timeline script, nothing fetched.

    A Japanese page breaks lines between BudouX phrases (``<wbr>`` and ``keep-all``), as the terminal does.
    """
    if lang == "ja":
        body, css = phrase_breaks(body), PHRASE_CSS + css
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_attr(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f"<title>{_attr(title)}</title>\n"
        f"<style>{TIMELINE_CSS}{_BASE_PAGE_CSS}{css}</style>\n</head>\n<body>\n"
        f"{body}\n<script>{TIMELINE_SCRIPT}</script>\n</body>\n</html>\n"
    )
