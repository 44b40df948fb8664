"""The load client: loopback only (decided before any lookup), errors counted, percentiles."""

from __future__ import annotations

import socket

import pytest

from conclab.errors import ConclabError
from conclab.services import LoadReport, PracticeServer, check_target, is_loopback_host, run_load


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "localhost", "LOCALHOST.",
                                  "app.localhost", "::1", "[::1]", "::ffff:127.0.0.1"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback_host(host)


@pytest.mark.parametrize("host", ["example.com", "10.0.0.1", "0.0.0.0", "192.168.1.2",
                                  "localhost.example.com", "::", "2001:db8::1", "127.0.0.1.nip.io"])
def test_non_loopback_hosts(host: str) -> None:
    assert not is_loopback_host(host)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Any lookup or connection fails the test loudly: a refusal must send nothing."""
    calls: list[str] = []

    def forbidden(*args: object, **kwargs: object) -> None:
        calls.append(repr(args))
        raise AssertionError(f"network used: {args!r}")

    monkeypatch.setattr(socket, "getaddrinfo", forbidden)
    monkeypatch.setattr(socket, "create_connection", forbidden)
    monkeypatch.setattr(socket, "gethostbyname", forbidden)
    return calls


def test_remote_target_is_refused_before_resolving(no_network: list[str]) -> None:
    with pytest.raises(ConclabError, match="refusing to send load to 'example.com'"):
        run_load("http://example.com/", concurrency=2, requests=2)
    with pytest.raises(ConclabError, match="not this machine's loopback"):
        run_load("http://10.1.2.3:8000/", concurrency=2, requests=2)
    assert no_network == []


def test_bad_targets_and_counts(no_network: list[str]) -> None:
    with pytest.raises(ConclabError, match="only http:// URLs"):
        check_target("https://127.0.0.1/")
    with pytest.raises(ConclabError, match="cannot use 'nonsense'"):
        check_target("nonsense")
    with pytest.raises(ConclabError, match="concurrency must be between 1 and 1000, got 0"):
        run_load("http://127.0.0.1:9/", concurrency=0, requests=1)
    with pytest.raises(ConclabError, match="requests must be between"):
        run_load("http://127.0.0.1:9/", concurrency=1, requests=-5)
    assert check_target("http://remote.example:81/a?b=1", allow_remote=True).path == "/a?b=1"
    assert no_network == []


def test_http_errors_and_refused_connections_are_counted() -> None:
    with PracticeServer() as server:
        report = run_load(server.url + "/status/500", concurrency=3, requests=9)
        url = server.url
    assert report.ok == 0 and report.errors == 9 and report.error_kinds == {"HTTP 500": 9}
    assert report.statuses == {500: 9} and report.percentile(50) is None
    refused = run_load(url + "/", concurrency=2, requests=4)  # the server is gone now
    assert refused.errors == 4 and refused.error_kinds == {"ConnectionRefusedError": 4}
    assert refused.counter is None


def test_percentiles_are_nearest_rank() -> None:
    report = LoadReport(url="u", concurrency=1, requests=100, ok=100, duration_s=2.0,
                        latencies_s=[i / 1000 for i in range(100, 0, -1)])
    assert report.latency_summary() == {"p50": 0.05, "p90": 0.09, "p99": 0.099, "max": 0.1}
    assert report.throughput_rps == 50.0
    data = report.to_json()
    assert data["latency_s"]["p90"] == 0.09 and data["counter"] is None and data["errors"] == 0
