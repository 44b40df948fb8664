"""The step table, JSON, spans and languages of a finding."""

from __future__ import annotations

from conclab import explore
from conclab.explore._messages import MESSAGES
from conclab.timeline import Span, TerminalTimeline


def test_every_message_has_japanese_and_english() -> None:
    assert MESSAGES.missing() == []


def test_the_step_table_shows_reads_and_writes_with_values() -> None:
    result = explore.run("lost-update")
    rows = result.table()
    assert rows[0]["thread"] == "T0" and rows[0]["location"] == "lost_update.py:15"
    assert rows[0]["source"] == "counter += 1"
    assert rows[0]["operation"] == "read counter -> 0"
    assert any(row["operation"].startswith("write counter <- 1") for row in rows)


def test_the_step_table_in_japanese() -> None:
    result = explore.run("lost-update", lang="ja")
    assert result.table()[0]["operation"] == "counter を読む -> 0"
    assert "check() が lost_update.py:22 で失敗" in result.message


def test_json_has_the_contract_keys() -> None:
    data = explore.run("lost-update").to_json()
    for key in ("verdict", "kind", "message", "schedule", "schedules_explored", "exhausted",
                "elapsed_s", "steps"):
        assert key in data
    assert data["verdict"] == "finding"


def test_spans_draw_the_race_on_one_lane_per_thread() -> None:
    result = explore.run("lost-update")
    spans = result.spans()
    assert all(isinstance(span, Span) for span in spans)
    assert {span.lane for span in spans} == {"T0", "T1"}
    assert spans[0].start_s == result.steps[0].index * explore.STEP_SECONDS
    text = TerminalTimeline(spans, width=80).to_string()
    assert "T0" in text and "T1" in text


def test_line_granularity_treats_each_line_as_atomic() -> None:
    # counter += 1 is one line: at line granularity the race inside it cannot happen.
    result = explore.run("lost-update", granularity="line", strategy="dfs")
    assert result.verdict == "none"
    assert result.exhausted is True
    spin = explore.run("spinlock", granularity="line", strategy="dfs")
    assert spin.verdict == "none"


def test_finding_schedules_at_line_granularity_say_so(tmp_path) -> None:
    path = tmp_path / "two_lines.py"
    path.write_text(
        "counter = 0\n"
        "def worker():\n"
        "    global counter\n"
        "    seen = counter\n"
        "    counter = seen + 1\n"
        "THREADS = [worker, worker]\n"
        "def check():\n"
        "    assert counter == 2\n", encoding="utf-8")
    result = explore.run(path, granularity="line")
    assert result.finding is not None
    assert result.finding.schedule.startswith("line:")
    again = explore.run(path, replay=result.finding.schedule)
    assert again.table() == result.table()
