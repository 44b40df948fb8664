"""The lab engine: claims as pure functions, reasons from machine facts, the runner, the registry."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import time

import psutil
import pytest

from conclab.errors import ConclabError
from conclab.lab import Chapter, Claim, Lab, LabContext, Registry, evaluate, run_lab
from conclab.lab._terminal import LabReport
from conclab.machine import Machine
from conclab.timeline import span
from conftest import FakeClock, assert_golden

CLAIM = Claim("fast", {"en": "took {took_s:.2f} s", "ja": "{took_s:.2f} 秒かかった"},
              lambda m: m["took_s"] < 1.0, uses=("took_s",), sensitive_to=("cores", "load", "timing"))


def test_claim_holds_and_reports_its_figures(machine: Machine) -> None:
    result = evaluate(CLAIM, {"took_s": 0.5, "other": 3}, machine, "en")
    assert result.held is True and result.reason is None
    assert result.text == "took 0.50 s"
    assert result.measured == {"took_s": 0.5}


def test_failed_claim_names_the_likely_reason(machine: Machine) -> None:
    plain = evaluate(CLAIM, {"took_s": 2.0}, machine, "en")
    assert plain.held is False and "run it again" in (plain.reason or "")
    one_core = evaluate(CLAIM, {"took_s": 2.0}, dataclasses.replace(machine, cores=1), "en")
    assert "only 1 core" in (one_core.reason or "")
    busy = evaluate(CLAIM, {"took_s": 2.0}, dataclasses.replace(machine, load_average=5.0), "ja")
    assert "ロードアベレージ 5.00" in (busy.reason or "")
    assert busy.text == "2.00 秒かかった"


def test_claim_that_needs_what_the_machine_lacks_is_not_applicable(machine: Machine) -> None:
    claim = dataclasses.replace(CLAIM, requires=("multicore",))
    result = evaluate(claim, {"took_s": 2.0}, dataclasses.replace(machine, cores=1), "en")
    assert result.held is None and "not applicable" in (result.reason or "")
    gil_claim = dataclasses.replace(CLAIM, requires=("gil",))
    off = evaluate(gil_claim, {"took_s": 0.1}, dataclasses.replace(machine, gil_enabled=False), "en")
    assert off.held is None and "GIL off" in (off.reason or "")


def test_claim_with_a_missing_figure_fails_honestly(machine: Machine) -> None:
    result = evaluate(CLAIM, {}, machine, "en")
    assert result.held is False and "not measured: took_s" in (result.reason or "")


def _fake_lab(run: object, claims: tuple[Claim, ...] = (CLAIM,)) -> Lab:
    return Lab(id="fake", chapter="c", title={"en": "A fake lab", "ja": "偽のラボ"},
               summary={"en": "s", "ja": "s"}, example=(__name__,), run=run,  # type: ignore[arg-type]
               claims=claims)


def test_runner_measures_on_an_injected_clock(machine: Machine, fake_clock: FakeClock) -> None:
    def run(ctx: LabContext) -> None:
        with ctx.measure("took"):
            fake_clock.advance(0.25)
            with span("step"):
                fake_clock.advance(0.5)
        ctx.log("finished")
        ctx.table({"en": "T", "ja": "表"}, [{"en": "a", "ja": "あ"}], [[1.5]])
        ctx.note({"en": "note {0}", "ja": "メモ {0}"}, 7)

    result = run_lab(_fake_lab(run), clock=fake_clock, machine=machine)
    assert result.measured["took_s"] == pytest.approx(0.75)
    assert result.passed and result.claims[0].held is True
    assert [(s.name, s.start_s, s.end_s) for s in result.spans] == [("took", 0.0, 0.75), ("step", 0.25, 0.75)]
    assert result.log == ["  0.750s  finished"]
    assert result.notes == ["note 7"]
    data = json.loads(json.dumps(result.to_json()))
    assert {"lab", "python", "gil", "cores", "claims", "spans", "duration_s"} <= set(data)
    assert data["claims"][0] == {"id": "fast", "text": "took 0.75 s", "held": True,
                                 "measured": {"took_s": 0.75}, "reason": None}
    assert data["spans"][0] | {"pid": 0, "tid": 0} == {"lane": "MainThread", "name": "took", "start_s": 0.0,
                                                        "end_s": 0.75, "pid": 0, "tid": 0, "lane_kind": "thread"}


def test_report_golden_at_80_columns(machine: Machine, fake_clock: FakeClock) -> None:
    def run(ctx: LabContext) -> None:
        with ctx.measure("took"):
            fake_clock.advance(1.25)
        ctx.table({"en": "Figures", "ja": "数値"}, [{"en": "way", "ja": "方法"}, {"en": "s", "ja": "秒"}],
                  [["slow", 1.25]])

    slow = dataclasses.replace(CLAIM, id="slow")
    result = run_lab(_fake_lab(run, (CLAIM, slow)), clock=fake_clock, machine=machine)
    assert not result.passed
    text = LabReport(result, "Intro *text*.\n\n<!-- results -->\n\n### After\n\nExplained.", width=80).to_string()
    assert all(len(line) <= 80 for line in text.splitlines())
    assert_golden("report_80.txt", text)


def _sleep_forever() -> None:
    time.sleep(60)


def test_runner_stops_child_processes_a_lab_leaves_behind(machine: Machine) -> None:
    started: list[int] = []

    def run(ctx: LabContext) -> None:
        process = multiprocessing.get_context("fork").Process(target=_sleep_forever, daemon=False)
        process.start()
        started.append(process.pid or 0)
        ctx.measured["took_s"] = 0.1

    result = run_lab(_fake_lab(run), machine=machine)
    assert result.leftover_processes == started
    assert not psutil.pid_exists(started[0]) or psutil.Process(started[0]).status() == psutil.STATUS_ZOMBIE


def test_registry_lookups_name_close_matches() -> None:
    registry = Registry()
    registry.add_chapter(Chapter("c", 1, {"en": "C", "ja": "C"}))
    registry.add_lab(_fake_lab(lambda ctx: None))
    with pytest.raises(ConclabError, match="did you mean 'fake'"):
        registry.lab("fak")
    with pytest.raises(ConclabError, match="conclab list"):
        registry.lab("zzzzzz")
    with pytest.raises(ValueError, match="twice"):
        registry.add_lab(_fake_lab(lambda ctx: None))


def test_report_shows_brackets_in_tables_literally(machine: Machine, fake_clock: FakeClock) -> None:
    def run(ctx: LabContext) -> None:
        ctx.measured["took_s"] = 0.1
        ctx.table({"en": "hits[key] table", "ja": "表"}, [{"en": "[col]", "ja": "列"}],
                  [["counts[key] += 1"]])

    text = LabReport(run_lab(_fake_lab(run), clock=fake_clock, machine=machine)).to_string()
    assert "counts[key] += 1" in text and "hits[key] table" in text and "[col]" in text


def test_platform_requirements_explain_themselves(machine: Machine) -> None:
    for requirement, changed in (("fork", {"start_methods": ("spawn",)}),
                                 ("py311", {"python_version": "3.10.13"})):
        claim = dataclasses.replace(CLAIM, requires=(requirement,))
        result = evaluate(claim, {"took_s": 0.1}, dataclasses.replace(machine, **changed), "en")  # type: ignore[arg-type]
        assert result.held is None and "not applicable" in (result.reason or ""), requirement
        assert evaluate(claim, {"took_s": 0.1}, machine, "en").held is True


LONG_CLAIM = Claim("threads", {
    "en": "two threads took {took_s:.2f} s, about as long as one after another: with the GIL only one "
          "thread runs Python bytecode at a time, so `threading.Thread` does not speed up counting",
    "ja": "スレッド 2 本では {took_s:.2f} 秒かかり、順番に実行したときとほぼ同じでした。GIL があるので Python の"
          "バイトコードを実行できるスレッドは一度に一つだけで、`threading.Thread` では計算が速くなりません"},
    lambda m: m["took_s"] < 1.0, uses=("took_s",), sensitive_to=("cores", "load", "timing"))


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_run_report_golden_wraps_without_cutting(machine: Machine, fake_clock: FakeClock, lang: str,
                                                 width: int) -> None:
    from tests.test_text import assert_well_broken

    from conclab.curriculum import registry

    def run(ctx: LabContext) -> None:
        with ctx.measure("took"):
            fake_clock.advance(1.25)

    result = run_lab(_fake_lab(run, (LONG_CLAIM,)), lang=lang, clock=fake_clock, machine=machine)
    text = LabReport(result, registry().prose("cpu-gil", lang), width=width).to_string()
    lines = [line.rstrip() for line in text.splitlines()]
    assert_well_broken(lines, width)
    assert "threading.Thread" in text and "1.25" in text
    assert_golden(f"run_{lang}_{width}.txt", "\n".join(lines) + "\n")
