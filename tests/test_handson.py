"""``conclab handson web-counter``: the bootcamp hands-on played as a learner plays it.

Every step's reference ``main.py`` runs as a real server and passes; every
wrong variant fails with the message that names its mistake; one step is
driven with real ``curl ... &`` from a shell while the learner's server runs
in its own process, and the check attaches to it; the command's screens are
golden text at 80 columns; bad input is one line and exit 2.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conclab.cli._handson import MESSAGES as CLI_MESSAGES
from conclab.curriculum.handson import HANDSONS, find_handson
from conclab.curriculum.handson.web_counter._messages import MESSAGES
from conftest import assert_golden, invoke

WEB = find_handson(HANDSONS, "web-counter")

#: each wrong variant, and words of the message that must name its mistake
WRONG = {
    (1, "wrong_one_at_a_time"): "HTTPServer (and TCPServer) handle one request at a time",
    (2, "wrong_instance_attribute"): "'self.request_total = t' makes an attribute",
    (3, "wrong_no_flag"): "Add the step's flag loop",
    (4, "wrong_lock_per_request"): "it makes a new Lock on every call",
    (4, "wrong_no_release"): "never released it",
    (5, "wrong_lock_per_request"): "it makes a new Lock on every call",
    (6, "wrong_copy_before_work"): "the count is still copied before the work",
    (7, "wrong_lock_around_work"): "the lock is held around the slow work too",
    (7, "wrong_lock_per_call"): "'with Lock():' makes a new lock each call",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def check_file(tmp_path: Path, step: int, code: str, lang: str = "en"):  # type: ignore[no-untyped-def]
    main = tmp_path / "main.py"
    main.write_text(code, encoding="utf-8")
    chosen = WEB.step(step)
    return WEB.check(chosen, main, free_port(), lang)  # nothing listens there: conclab starts main.py


@pytest.mark.parametrize("step", [s.number for s in WEB.steps])
def test_each_reference_passes_as_a_real_server(tmp_path: Path, step: int) -> None:
    verdict = check_file(tmp_path, step, WEB.step(step).code)
    assert verdict.passed, "\n".join(f"{r.name}: {r.detail}" for r in verdict.results)
    assert verdict.notes[0].startswith("Nothing listened on port")


@pytest.mark.parametrize(("step", "variant"), sorted(WRONG))
def test_each_wrong_variant_fails_naming_its_mistake(tmp_path: Path, step: int, variant: str) -> None:
    verdict = check_file(tmp_path, step, WEB.step(step).wrong[variant])
    assert not verdict.passed
    failed = "\n".join(r.detail for r in verdict.results if not r.passed)
    assert WRONG[(step, variant)] in failed


def test_every_wrong_variant_is_tested() -> None:
    assert {(s.number, name) for s in WEB.steps for name in s.wrong} == set(WRONG)


def test_the_race_step_explains_itself_from_the_log_in_japanese(tmp_path: Path) -> None:
    verdict = check_file(tmp_path, 2, WEB.step(2).code, lang="ja")
    details = {r.name: r.detail for r in verdict.results}
    assert verdict.passed
    assert "3 回の更新のうち 2 回が消失しました（lost update）" in details["リクエスト数のカウント"]
    assert details["サーバーのログ"] == ("ログには 'before request count = 0' が 3 回出ています。どのスレッドも、"
                                      "ほかのスレッドが書き戻す前にカウントを読みました。")


def _wait_listening(port: int) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


def _serve(tmp_path: Path, step: int, port: int, work: str = "1") -> subprocess.Popen[str]:
    main = tmp_path / "main.py"
    main.write_text(WEB.step(step).code, encoding="utf-8")
    server = subprocess.Popen([sys.executable, "-u", str(main), str(port), work], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if _wait_listening(port):
        return server
    server.kill()
    raise AssertionError("main.py did not listen")


#: what the three curls print at each step (before the check): the body of each answer
CURL_SAYS = {1: ["Hello simple server!"] * 3, 2: ["Hello! request count=1"] * 3, 6: None}


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
@pytest.mark.parametrize("step", [s.number for s in WEB.steps])
def test_each_step_in_two_terminals_real_curl_then_the_check_attaches(tmp_path: Path, step: int,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    server = _serve(tmp_path, step, port, work="0.5")  # terminal 1: python main.py PORT 0.5
    try:
        # terminal 2: the seed's three background curls, then the check against the running server
        shell = subprocess.run(["sh", "-c", f"for i in 1 2 3; do curl -s localhost:{port} & done; wait"],
                               capture_output=True, text=True, timeout=30)
        monkeypatch.chdir(tmp_path)
        result = invoke("handson", "web-counter", str(step), "--check", "--port", str(port), "--json")
    finally:
        server.terminate()
        log, _ = server.communicate(timeout=10)
    bodies = sorted(shell.stdout.splitlines())
    expected = CURL_SAYS.get(step, [f"Hello! request count={n}" for n in (1, 2, 3)])
    assert expected is None or bodies == expected, bodies
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["passed"], result.stdout
    assert data["notes"][0].startswith(f"Firing 3 requests at once at your server on port {port}")
    assert log.count("start processing path = /") >= 6  # three from curl, three from the check
    assert json.loads((tmp_path / ".conclab" / "handson.json").read_text())["web-counter"]["passed"] == [step]
    if step == 2:  # what the learner reads in terminal 1
        assert log.count("before request count = 0") == 3
        assert re.search(r"before request count = 1\n", log)  # the check's burst came after: 1 again


def test_a_server_started_before_the_last_save_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    server = _serve(tmp_path, 1, port, work="0.3")
    try:
        time.sleep(1.1)
        (tmp_path / "main.py").write_text(WEB.step(1).code + "\n", encoding="utf-8")  # saved after the start
        monkeypatch.chdir(tmp_path)
        result = invoke("handson", "web-counter", "1", "--check", "--port", str(port))
    finally:
        server.kill()
        server.communicate(timeout=10)
    assert "Your server was started before main.py was last saved" in result.stdout
    assert result.exit_code == 0


def test_another_program_on_the_port_is_named_not_judged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    (tmp_path / "other.py").write_text(WEB.step(1).code, encoding="utf-8")
    other = subprocess.Popen([sys.executable, str(tmp_path / "other.py"), str(port), "0.1"], cwd=tmp_path,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait_listening(port)
        (tmp_path / "main.py").write_text(WEB.step(1).code, encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        result = invoke("handson", "web-counter", "1", "--check", "--port", str(port))
    finally:
        other.kill()
        other.wait(timeout=10)
    assert result.exit_code == 1
    assert f"port {port} is served by" in result.stdout and "other.py" in result.stdout


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_list_and_a_step_screen_are_golden_at_80_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         lang: str) -> None:
    monkeypatch.chdir(tmp_path)
    listing = invoke("handson", "--lang", lang)
    screen = invoke("handson", "web-counter", "3", "--lang", lang)
    assert listing.exit_code == 0 and screen.exit_code == 0
    assert_golden(f"handson_{lang}_80.txt", listing.stdout + "\n" + screen.stdout)
    assert all(len(line.rstrip()) <= 80 for line in screen.stdout.splitlines())


def test_code_prints_the_steps_file_and_the_default_step_follows_progress(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke("handson", "web-counter", "lock-increment", "--code").stdout == WEB.step(7).code
    assert invoke("handson", "web-counter").stdout.startswith("web-counter step 1/7:")
    (tmp_path / ".conclab").mkdir()
    (tmp_path / ".conclab" / "handson.json").write_text('{"web-counter": {"passed": [1, 2]}}')
    assert invoke("handson", "web-counter").stdout.startswith("web-counter step 3/7:")
    assert "✓ 2. request-counter" in invoke("handson").stdout


def test_hints_come_one_more_each_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    hints = WEB.step(4).hints("en")
    first = invoke("handson", "web-counter", "4", "--hint").stdout
    second = invoke("handson", "web-counter", "4", "--hint").stdout
    assert first.startswith(f"Hint 1/{len(hints)} for step 4\n{hints[0]}\n")
    assert second.startswith(f"Hint 2/{len(hints)} for step 4\n{hints[1]}\n")


@pytest.mark.parametrize(("args", "expected"), [
    (["nosuch"], "unknown hands-on 'nosuch'; known: web-counter"),
    (["web-counter", "9"], "web-counter has no step '9'; its steps are 1 (threaded-server), 2 (request-counter)"),
    (["web-counter", "1", "--port", "0"], "--port must be between 1 and 65535, got 0"),
    (["web-counter", "1", "--json"], "--json goes with --check"),
    (["web-counter", "1", "--hint", "--code"], "choose one of --check, --hint and --code"),
    (["web-counter", "1", "--check", "--file", "absent.py"], "absent.py does not exist: write the step's code"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str],
                                         expected: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("handson", *args)
    lines = result.stderr.splitlines()
    assert result.exit_code == 2 and len(lines) == 1 and lines[0].startswith("conclab: error: ")
    assert expected in lines[0]


def test_every_step_has_its_texts_and_short_enough_lines() -> None:
    assert WEB.missing_texts() == []
    for step in WEB.steps:
        assert len(step.hints("en")) == len(step.hints("ja")) >= 3
        assert step.wrong, f"step {step.number} has no wrong variant"
        for code in (step.code, *step.wrong.values()):
            assert max(len(line) for line in code.splitlines()) <= 78  # a diff line fits 80 columns
    assert sum(step.minutes for step in WEB.steps) == 60


def test_japanese_texts_use_the_glossary_terms() -> None:
    avoid = ["レース状態", "ダーティライト", "危険区域", "インタプリタ", "インタリーブ", "探索器", "エクスプローラ"]
    texts = [step.statement("ja") + step.hints("ja")[0] for step in WEB.steps]
    texts += [entry["ja"] for entry in MESSAGES.table.values()]
    for text in texts:
        assert not [word for word in avoid if word in text], text


def test_every_message_exists_in_both_languages() -> None:
    assert MESSAGES.missing() == [] and CLI_MESSAGES.missing() == []
