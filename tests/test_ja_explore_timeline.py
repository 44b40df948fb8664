"""No English prose in Japanese output: the explorer, the timelines and the lab reports (issue 12, §3).

English is found with the shared checker, ``tests/ja_text.latin_prose``.
"""

from __future__ import annotations

import ast
import io
import json
import re
from pathlib import Path

import pytest
from tests.conftest import invoke

import conclab
from conclab import explore
from conclab.curriculum import registry
from conclab.curriculum.levels import level_names, level_path
from conclab.explore._messages import MESSAGES as EXPLORE_MESSAGES
from conclab.lab import LabHtmlReport, run_lab
from conclab.lab._terminal import LabReport
from conclab.timeline import HtmlTimeline, PerfettoTrace, Span, TerminalTimeline, format_seconds
from ja_text import latin_prose

PACKAGE = Path(conclab.__file__).parent
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


# -- the explorer ---------------------------------------------------------------------------------

def test_explore_list_in_japanese_has_no_english() -> None:
    result = invoke("--lang", "ja", "explore", "--list", COLUMNS="80")
    assert result.exit_code == 0
    assert latin_prose(result.output) == []
    for name in explore.builtin_names():
        assert JAPANESE.search(explore.builtin_info(name, "ja")["summary"]), name


def test_explore_list_in_english_is_unchanged() -> None:
    summaries = {name: explore.builtin_info(name)["summary"] for name in explore.builtin_names()}
    assert summaries["lost-update"] == "Two threads add 1 to a shared counter without a lock: one update is lost."
    assert not any(JAPANESE.search(text) for text in summaries.values())


@pytest.mark.parametrize("name", explore.builtin_names())
def test_each_builtin_report_in_japanese_has_no_english(name: str) -> None:
    result = invoke("--lang", "ja", "explore", name, "--timeline", COLUMNS="80")
    assert result.exit_code in (0, 1)
    # The step table quotes the scenario's own lines: code, not prose.
    source = [line.strip() for line in explore.builtin_path(name).read_text(encoding="utf-8").splitlines()]
    # So are the expressions it names as operations ("'ada' in cache" checked).
    checked = [op.target for step in explore.run(name, lang="ja").steps for op in step.ops if op.kind == "check"]
    code = sorted({part for line in source if line for part in (line, line.rstrip(":"))} | set(checked),
                  key=len, reverse=True)
    assert latin_prose(result.output, allow=code) == []


def test_a_check_message_reads_in_the_reports_language() -> None:
    ja = explore.run("lost-update", lang="ja")
    en = explore.run("lost-update", lang="en")
    assert ja.finding is not None and en.finding is not None
    assert "更新が消失しました。counter=1（期待値は 2）" in ja.finding.message
    assert en.finding.message.endswith("lost update: counter=1, expected 2")


def test_bilingual_is_its_english_text_wherever_a_string_is_expected() -> None:
    message = explore.Bilingual("lost update", ja="更新の消失")
    assert message == "lost update" and str(AssertionError(message)) == "lost update"
    assert message.text("ja") == "更新の消失" and message.text("en") == "lost update"
    import pickle

    assert pickle.loads(pickle.dumps(message)).text("ja") == "更新の消失"


@pytest.mark.parametrize("key", sorted(EXPLORE_MESSAGES.table))
def test_every_engine_sentence_in_japanese_has_no_english(key: str) -> None:
    """Deadlocks, step limits, blocking calls, verdicts: filled with code-like values."""
    values = {field: "x_1" for field in re.findall(r"{(\w+)}", EXPLORE_MESSAGES.table[key]["ja"])}
    assert latin_prose(EXPLORE_MESSAGES.get(key, "ja", **values)) == []


def _assert_messages(path: Path) -> list[str]:
    """The ``assert`` messages of ``path`` that are not a Bilingual with a Japanese text."""
    plain = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assert) and node.msg is not None:
            call = node.msg
            named = isinstance(call, ast.Call) and getattr(call.func, "id", "").endswith("Bilingual")
            if not (named and any(k.arg == "ja" for k in call.keywords)):  # type: ignore[union-attr]
                plain.append(f"{path.name}:{node.lineno}")
    return plain


def test_scenarios_and_levels_give_their_messages_in_both_languages() -> None:
    files = [explore.builtin_path(name) for name in explore.builtin_names()]
    files += [level_path(name) for name in level_names()]
    assert [where for path in files for where in _assert_messages(path)] == []


def test_checker_harnesses_give_their_messages_in_both_languages(tmp_path: Path) -> None:
    harnesses = {}
    for path in [*PACKAGE.glob("curriculum/exercises/*/checks.py"), PACKAGE / "curriculum/handson/web_counter/_judge.py"]:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "HARNESS":
                harnesses[path.parent.name] = ast.literal_eval(node.value)
    assert len(harnesses) >= 5
    plain = []
    for name, harness in harnesses.items():
        copy = tmp_path / f"{name}.py"
        copy.write_text(harness, encoding="utf-8")
        plain += _assert_messages(copy)
    assert plain == []


@pytest.mark.parametrize("name", [n for n in level_names() if "assert" in level_path(n).read_text()])
def test_a_levels_finding_reads_in_japanese(name: str) -> None:
    result = explore.run(level_path(name), lang="ja", strategy="dfs", schedules=200)
    if result.finding is not None:
        assert latin_prose(result.finding.message) == [], result.finding.message


# -- timelines and lab reports ----------------------------------------------------------------------

def _lab_calls(method: str) -> list[tuple[str, ast.Call]]:
    calls = []
    for path in sorted(PACKAGE.glob("curriculum/lessons/*/lab.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == method \
                    and getattr(node.func.value, "id", "") == "ctx":  # type: ignore[attr-defined]
                calls.append((f"{path.parent.name}:{node.lineno}", node))
    return calls


def test_every_measured_span_has_a_japanese_label() -> None:
    """``ctx.measure(name)`` alone draws ``name`` (``sequential``, ``the-mistake``) on the ja timeline."""
    calls = _lab_calls("measure")
    assert len(calls) > 60
    assert [where for where, call in calls if not any(k.arg == "label" for k in call.keywords)] == []


def test_trace_labels_that_are_prose_are_bilingual() -> None:
    """A traced label is the function's name (code) or, when it says more, a mapping with Japanese."""
    prose = []
    for where, call in _lab_calls("trace"):
        for keyword in call.keywords:
            if isinstance(keyword.value, ast.Constant) and latin_prose(str(keyword.value.value)):
                prose.append(f"{where} {keyword.value.value!r}")
    assert prose == []


def test_format_seconds_speaks_japanese_in_prose_and_keeps_the_axis() -> None:
    assert format_seconds(0.172, "ja") == "0.172 秒" and format_seconds(0.0035, "ja") == "3.5 ミリ秒"
    assert format_seconds(0.172, "en") == format_seconds(0.172) == "0.172s"


SPANS = [Span("順番に", "MainThread", 0.0, 0.12), Span("download A", "MainThread", 0.0, 0.05),
         Span("フェーズ 1", "worker-A", 0.0, 0.04), Span("フェーズ 2", "worker-A", 0.05, 0.09)]


def test_the_ja_legend_keeps_japanese_names_whole_and_fits_80_columns() -> None:
    text = TerminalTimeline(SPANS, width=80, lang="ja").render_text()
    legend = text.splitlines()[-1]
    assert "順番に" in legend and "フェーズ" in legend and "download" in legend
    assert "フェーズ 1" not in legend  # one family for both phases
    assert TerminalTimeline([], lang="ja").render_text().strip() == "（記録された区間はありません）"


def test_the_html_timeline_details_are_in_japanese() -> None:
    svg = HtmlTimeline(SPANS, lang="ja").svg()
    assert "MainThread の順番に: 開始 0 秒、所要 0.12 秒" in svg
    assert " on MainThread" not in svg and "took" not in svg and "(thread, pid" not in svg
    assert "MainThread (スレッド, pid 0)" in svg
    assert "順番に on MainThread: start 0s, took 0.12s" in HtmlTimeline(SPANS).svg()


LABS = ("io-threads", "spinlock", "async-dirty-write")


@pytest.fixture(scope="module")
def ja_results() -> dict[str, object]:
    return {lab_id: run_lab(registry().lab(lab_id), lang="ja", quick=True) for lab_id in LABS}


@pytest.mark.parametrize("lab_id", LABS)
def test_a_quick_lab_report_in_japanese_has_no_english(ja_results: dict[str, object], lab_id: str) -> None:
    from rich.console import Console

    result = ja_results[lab_id]
    console = Console(width=80, record=True, file=io.StringIO(), color_system=None)
    # The prose is checked on the HTML page, where its code is marked (tests/test_outcomes.py); the
    # terminal shows inline code unmarked, so here the report's own words: tables, timeline, claims.
    console.print(LabReport(result, ""))  # type: ignore[arg-type]
    text = console.export_text()
    assert latin_prose(text) == []
    names = {span.name for span in result.spans}  # type: ignore[attr-defined]
    assert not names & {"sequential", "threads", "phases", "read_await_write", "read_write_await"}
    assert re.search(r"所要 [\d.]+ (?:ミリ)?秒", text)


def test_the_same_japanese_labels_on_every_renderer(ja_results: dict[str, object]) -> None:
    result = ja_results["io-threads"]
    page = LabHtmlReport(result, registry().prose("io-threads", "ja"), "").render_text()  # type: ignore[arg-type]
    trace = json.loads(PerfettoTrace(result.spans).render_text())  # type: ignore[attr-defined]
    for label in ("順番に", "スレッド"):
        assert f'data-name="{label}"' in page
        assert any(event.get("name") == label for event in trace["traceEvents"])
    assert 'data-name="sequential"' not in page


def test_a_japanese_name_is_written_in_its_bar_and_every_row_keeps_its_width() -> None:
    from rich.cells import cell_len

    spans = [Span("順番に", "MainThread", 0.0, 0.5), Span("スレッド", "MainThread", 0.5, 1.0),
             Span("待ち", "MainThread", 0.49, 0.52), Span("x", "other", 0.0, 1.0)]
    lines = TerminalTimeline(spans, width=60, lang="ja").render_text().splitlines()
    assert any("順番に" in line and "スレッド" in line for line in lines)
    bars = [line for line in lines if line.startswith(("MainThread", "           ")) and "█" in line]
    assert bars and all(cell_len(line) <= 60 for line in lines)
    assert len({cell_len(line) for line in bars}) == 1


def test_checkers_tell_the_explorers_finding_in_japanese(tmp_path: Path) -> None:
    """The harness message reaches the learner in ja, and the check still tells which assert failed."""
    from tests.exercises.helpers import check_source, exercise, failures

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    counter = failures(check_source("fix-counter-race", exercise("fix-counter-race").starter, tmp_path / "a",
                                    lang="ja"))
    assert "リクエストは 2 件なのに count = 1 です" in counter and "two requests" not in counter
    deadlock = failures(check_source("fix-deadlock", exercise("fix-deadlock").wrong["wrong_one_lock_at_a_time"],
                                     tmp_path / "b", lang="ja"))
    assert "audit() が移動中のお金を見てしまいました" in deadlock
    assert "audit() が見た合計は" in deadlock and "saw a total" not in deadlock
