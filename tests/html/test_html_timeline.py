"""The SVG timeline: same lanes as the terminal chart, same spans as the Perfetto trace."""

from __future__ import annotations

import json
import re

from html_helpers import assert_self_contained, io_threads_run, parse_page

from conclab.timeline import HtmlTimeline, Layout, Span, TerminalTimeline, html_page


def _spans() -> list[Span]:
    return [
        Span("sequential", "MainThread", 0.0, 0.3, 1, 1),
        Span("download A", "MainThread", 0.0, 0.1, 1, 1),
        Span("download B", "MainThread", 0.1, 0.3, 1, 1),
        Span("download C", "thread-C", 0.3, 0.5, 1, 2),
        Span("fetch <x> & \"y\"", "Task-1", 0.1, 0.2, 1, 3, "task"),
    ]


def test_every_lane_and_span_is_drawn_with_its_data() -> None:
    page = parse_page(HtmlTimeline(_spans()).figure())
    layout = Layout.from_spans(_spans())
    assert page.lanes == [layout.lane_title(lane) for lane in layout.lanes]
    assert sorted(page.lanes) == ["MainThread", "Task-1", "thread-C"]
    drawn = {(b["data-lane"], b["data-name"], float(b["data-start"]), float(b["data-end"]))
             for b in page.bars}
    assert drawn == {(s.lane, s.name, s.start_s, s.end_s) for s in _spans()}


def test_names_are_escaped_and_hover_details_are_titles() -> None:
    svg = HtmlTimeline(_spans()).svg()
    assert "<x>" not in svg and "fetch &lt;x&gt; &amp; &quot;y&quot;" in svg
    assert "<title>download B on MainThread: start 0.1s, took 0.2s</title>" in svg


def test_terminal_and_html_show_the_same_lanes_in_the_same_order() -> None:
    layout = Layout.from_spans(_spans())
    terminal = TerminalTimeline(layout, width=80).to_string()
    html_lanes = parse_page(HtmlTimeline(layout).svg()).lanes
    terminal_lanes = [line.split(" ", 1)[0] for line in terminal.splitlines()[2:]
                      if line and not line.startswith(" ")]
    assert terminal_lanes == html_lanes


def test_legend_has_the_terminal_families() -> None:
    timeline = HtmlTimeline(_spans())
    assert timeline.families == TerminalTimeline(_spans()).families
    legend = timeline.legend()
    for name in ("sequential", "download", "fetch"):
        assert f"</span>{name}</li>" in legend


def test_axis_ticks_are_labelled() -> None:
    svg = HtmlTimeline(_spans()).svg()
    for tick in ("0s", "0.1s", "0.2s", "0.3s", "0.4s", "0.5s"):
        assert f">{tick}</text>" in svg


def test_an_empty_timeline_says_so() -> None:
    assert "(no spans recorded)" in HtmlTimeline([]).svg()


def test_the_page_is_self_contained_and_has_dark_and_print_styles() -> None:
    page = HtmlTimeline(_spans(), title="t").to_string()
    assert page.startswith("<!DOCTYPE html>")
    assert_self_contained(page)
    assert "prefers-color-scheme: dark" in page and "@media print" in page
    assert page == html_page("t", HtmlTimeline(_spans(), title="t").figure())


def test_perfetto_json_and_html_timeline_agree_on_every_span() -> None:
    run = io_threads_run()
    document = json.loads(run["trace"].read_text(encoding="utf-8"))
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in document["traceEvents"]
             if e["ph"] == "M" and e["name"] == "thread_name"}
    from_trace = sorted((names[(e["pid"], e["tid"])], e["name"], e["ts"] / 1e6,
                         (e["ts"] + e["dur"]) / 1e6)
                        for e in document["traceEvents"] if e["ph"] == "X")
    page = parse_page(run["html"].read_text(encoding="utf-8"))
    from_html = sorted((b["data-lane"], b["data-name"], float(b["data-start"]), float(b["data-end"]))
                       for b in page.bars)
    assert len(from_trace) == len(from_html) > 0
    for (lane_t, name_t, start_t, end_t), (lane_h, name_h, start_h, end_h) in zip(
            from_trace, from_html, strict=True):
        assert (lane_t, name_t) == (lane_h, name_h)
        assert abs(start_t - start_h) < 2e-6 and abs(end_t - end_h) < 2e-6
    lanes_in_trace = [names[key] for key in names]
    assert sorted(page.lanes) == sorted(lanes_in_trace)


def test_lab_page_lanes_match_the_terminal_report() -> None:
    from conftest import invoke

    run = io_threads_run()
    page = parse_page(run["html"].read_text(encoding="utf-8"))
    # The trace of the same run names the same lanes the terminal chart draws from the layout.
    assert {"MainThread", "thread-A", "thread-B", "thread-C"} <= set(page.lanes)
    terminal = invoke("run", "io-threads", "--quick", "--lang", "en").output
    for lane in page.lanes:
        assert re.search(rf"^{re.escape(lane)}\s", terminal, re.M), lane
