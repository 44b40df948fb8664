"""``conclab explore`` in-process: exit codes, output, JSON, bad input, interactive play."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import invoke
from tests.explore.helpers import scenario

from conclab import explore
from conclab.cli._explore import MESSAGES as CLI_MESSAGES


def test_help_documents_the_contract() -> None:
    result = invoke("explore", "--help")
    assert result.exit_code == 0
    for option in ("--strategy", "--schedules", "--seed", "--preemptions", "--replay", "--json",
                   "--interactive", "--granularity", "--list"):
        assert option in result.output


def test_cli_messages_exist_in_both_languages() -> None:
    assert CLI_MESSAGES.missing() == []


def test_list_shows_bugs_and_fixes() -> None:
    result = invoke("explore", "--list")
    assert result.exit_code == 0
    assert "lost-update" in result.output and "locked-counter" in result.output
    assert "(fixes lost-update)" in result.output
    data = json.loads(invoke("explore", "--list", "--json").output)
    assert {s["name"] for s in data["scenarios"]} >= {"spinlock", "fixed-spinlock"}


def test_a_finding_exits_1_with_table_and_replay_line() -> None:
    result = invoke("explore", "lost-update")
    assert result.exit_code == 1
    assert "check() failed at lost_update.py:22: lost update: counter=1, expected 2" in result.output
    assert "read counter -> 0" in result.output
    assert "Final state: counter = 1" in result.output
    # The schedule depends on the interpreter's bytecode: take it from the API, not a constant.
    schedule = explore.run("lost-update").schedule
    assert f"Replay it: conclab explore lost-update --replay {schedule}" in result.output


def test_no_finding_exits_0_and_says_it_is_not_a_proof() -> None:
    result = invoke("explore", "locked-counter", "--strategy", "dfs")
    assert result.exit_code == 0
    assert "No bug found in" in result.output and "not a proof" in result.output


def test_json_output_is_one_object_with_the_contract() -> None:
    result = invoke("explore", "lock-order-deadlock", "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["verdict"] == "finding" and data["kind"] == "deadlock"
    assert set(data) >= {"verdict", "kind", "message", "schedule", "schedules_explored",
                         "exhausted", "elapsed_s", "steps"}
    clean = json.loads(invoke("explore", "ordered-locks", "--strategy", "dfs", "--json").output)
    assert clean["verdict"] == "none" and clean["exhausted"] is True


def test_replay_from_the_command_line_prints_the_same_table() -> None:
    first = json.loads(invoke("explore", "spinlock", "--json").output)
    again = json.loads(invoke("explore", "spinlock", "--replay", first["schedule"], "--json").output)
    assert again["steps"] == first["steps"]


def test_japanese_output_reads_naturally() -> None:
    result = invoke("explore", "lost-update", "--lang", "ja")
    assert result.exit_code == 1
    assert "発見: check() が失敗" in result.output
    assert "counter を読む -> 0" in result.output
    schedule = explore.run("lost-update").schedule
    assert f"再生するには: conclab explore lost-update --replay {schedule}" in result.output


def test_timeline_flag_draws_the_schedule() -> None:
    result = invoke("explore", "lost-update", "--timeline")
    assert result.exit_code == 1
    assert "T0" in result.output and "█" in result.output


@pytest.mark.parametrize(("args", "expected"), [
    (["no-such-file.py"], "no such scenario file: no-such-file.py"),
    (["lost-updat"], "did you mean lost-update?"),
    (["lost-update", "--replay", "zz"], "bad schedule string 'zz'"),
    (["lost-update", "--replay", "0x2,7"], "replay diverged"),
    ([], "give a scenario file or a built-in name"),
])
def test_bad_input_is_one_line_and_exit_2(args: list[str], expected: str) -> None:
    result = invoke("explore", *args)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_scenario_without_threads_is_refused(tmp_path: Path) -> None:
    path = scenario(tmp_path, "x = 1\n")
    result = invoke("explore", str(path))
    assert result.exit_code == 2
    assert "defines neither THREADS nor TASKS" in result.stderr


def test_a_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = scenario(tmp_path, "x = 1\ndef broken(:\n    pass\n")
    result = invoke("explore", str(path))
    assert result.exit_code == 2
    assert f"{path}:2: syntax error" in result.stderr


def test_a_plain_function_in_tasks_is_refused(tmp_path: Path) -> None:
    path = scenario(tmp_path, "def job():\n    pass\nTASKS = [job]\n")
    result = invoke("explore", str(path))
    assert result.exit_code == 2
    assert "is not an 'async def' function" in result.stderr


def test_interactive_play_breaks_the_counter() -> None:
    from click.testing import CliRunner

    from conclab.cli import cli

    # Choice 1: start T0; choice 2: let it read counter; choice 3: switch to T1, which runs
    # to the end on Enter; then T0 writes its stale value.
    result = CliRunner().invoke(cli, ["explore", "lost-update", "--interactive"],
                                input="0\n\n1\n" + "\n" * 10, catch_exceptions=False)
    assert "You are the scheduler" in result.output
    assert "Choice 1: who runs next?" in result.output
    assert "Shared state: counter = 0" in result.output
    assert "next: read counter -> 0" in result.output
    assert "You broke it!" in result.output
    assert result.exit_code == 1


def test_interactive_default_order_keeps_the_counter_right() -> None:
    from click.testing import CliRunner

    from conclab.cli import cli

    result = CliRunner().invoke(cli, ["explore", "lost-update", "--interactive"], input="\n" * 40,
                                catch_exceptions=False)
    assert "No bug this time" in result.output
    assert result.exit_code == 0


def test_interactive_quit_stops_cleanly() -> None:
    from click.testing import CliRunner

    from conclab.cli import cli

    result = CliRunner().invoke(cli, ["explore", "lost-update", "--interactive"], input="q\n",
                                catch_exceptions=False)
    assert "Stopped." in result.output
    assert result.exit_code == 0
