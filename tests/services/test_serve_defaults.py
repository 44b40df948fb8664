"""``conclab serve``'s defaults as the bootcamp uses them: work long enough for three curls
typed by hand, and one line of warning when the server is reachable from other machines."""

from __future__ import annotations

import pytest

from conclab.cli._serve import MANUAL_WORK_S, warn_if_not_loopback
from conclab.services import open_listener
from conftest import invoke


def test_counter_work_defaults_to_time_for_three_manual_curls() -> None:
    result = invoke("serve", "counter", "--help")
    assert result.exit_code == 0
    assert MANUAL_WORK_S >= 3.0  # three 'curl localhost:8000 &' typed one after the other
    assert f"[default: {MANUAL_WORK_S}]" in " ".join(result.stdout.split())


@pytest.mark.parametrize("command", ["counter", "practice"])
def test_a_host_other_than_loopback_prints_one_warning_line(command: str) -> None:
    taken = open_listener()  # the port is taken, so nothing ever listens on 0.0.0.0 in this test
    try:
        port = str(taken.getsockname()[1])
        result = invoke("serve", command, "--host", "0.0.0.0", "--port", port)
    finally:
        taken.close()
    lines = result.stderr.splitlines()
    assert result.exit_code == 2
    assert lines[0] == ("note: --host 0.0.0.0 makes this server reachable from other machines on the "
                        "network; use --host 127.0.0.1 to keep it on this machine")
    assert lines[1].startswith("conclab: error: ") and len(lines) == 2


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_hosts_say_nothing(host: str, capsys: pytest.CaptureFixture[str]) -> None:
    warn_if_not_loopback(host, "en")
    assert capsys.readouterr().err == ""


def test_the_warning_in_japanese(capsys: pytest.CaptureFixture[str]) -> None:
    warn_if_not_loopback("0.0.0.0", "ja")
    assert capsys.readouterr().err.startswith("注意: --host 0.0.0.0 を指定したため、")


def test_in_conclab_s_container_servers_listen_on_every_interface_without_a_warning(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from conclab.cli._serve import serving_host

    monkeypatch.delenv("CONCLAB_CONTAINER", raising=False)
    assert serving_host(None, "en") == "127.0.0.1"
    monkeypatch.setenv("CONCLAB_CONTAINER", "1")
    assert serving_host(None, "en") == "0.0.0.0"
    assert serving_host("127.0.0.1", "en") == "127.0.0.1"  # an explicit --host still wins
    assert capsys.readouterr().err == ""
