"""Timelines that read with many lanes and many kinds of work: look-alike lanes folded into a group,
and a colour per kind of work that does not repeat before 12 and stays the same across a page."""

from __future__ import annotations

from conclab.timeline import HtmlTimeline, Layout, Span, TerminalTimeline
from conclab.timeline._html import PALETTE_SIZE, palette


def _spans() -> list[Span]:
    spans = [Span("sequential", "MainThread", 0.0, 1.0)]
    spans += [Span("GET", f"handler-{n}", 0.1 * (n % 4), 0.1 * (n % 4) + 0.15) for n in range(1, 21)]
    spans += [Span("fetch", f"fetch_{n}", 0.2, 0.3) for n in range(5)]
    return spans


def test_twenty_handler_threads_fold_into_one_lane_and_five_fetches_stay() -> None:
    layout = Layout.from_spans(_spans()).grouped()
    titles = [lane.label for lane in layout.lanes]
    assert "handler-1…20 (20)" in titles and not any(t.startswith("handler-") and "…" not in t for t in titles)
    assert [t for t in titles if t.startswith("fetch_")] == [f"fetch_{n}" for n in range(5)]
    group = next(lane for lane in layout.lanes if lane.label.startswith("handler-"))
    assert len(group.spans) == 20 and len(group.rows) >= 2  # overlapping handlers still overlap
    assert [lane.index for lane in layout.lanes] == list(range(len(layout.lanes)))


def test_the_renderers_draw_the_group() -> None:
    text = TerminalTimeline(_spans(), width=80).to_string()
    assert "handler-1…20 (20)" in text and "handler-7 " not in text
    assert 'data-lane="handler-1…20 (20)"' in HtmlTimeline(_spans()).svg()


def test_twelve_kinds_of_work_get_twelve_colours_the_same_on_every_timeline() -> None:
    names = ["blocking", "cpu_threads", "sequential", "download", "GET", "INSERT", "scrape", "sqlite",
             "files", "pool", "await", "sleep"]
    assert PALETTE_SIZE >= 12
    colours = palette(names)
    assert len(set(colours.values())) == 12
    alone = palette(["download"])
    with_others = palette(["sequential", "download"])
    assert alone["download"] == with_others["download"] or with_others["sequential"] == alone["download"]
    spans = [Span(name, "MainThread", i, i + 1) for i, name in enumerate(names)]
    svg = HtmlTimeline(spans).svg()
    assert len({part.split('"')[0] for part in svg.split('class="cl-bar ')[1:]}) == 12


def test_an_interleaving_is_drawn_on_a_step_axis_not_in_seconds() -> None:
    from conclab import explore

    found = explore.run("lost-update")
    text = TerminalTimeline(found.spans(), width=80).to_string()
    axis = text.splitlines()[0]
    assert axis.split()[:2] == ["step", "0"] and "ms" not in text and "0s" not in text
    svg = HtmlTimeline(found.spans()).svg()
    assert ">step</text>" in svg and "ms<" not in svg and "took" not in svg
    ja = TerminalTimeline(explore.run("lost-update", lang="ja").spans(), width=80).to_string()
    assert all(len(line) <= 80 for line in ja.splitlines())  # a Japanese name is never pushed into a bar
    assert "0s" not in ja
