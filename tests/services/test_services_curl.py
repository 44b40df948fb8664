"""Real processes and real curl, as in the texts: start ``conclab serve`` in a subprocess,
fire curl in the background, stop it with a signal: no traceback, children reaped."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys

import pytest
from services_helpers import get

CURL = shutil.which("curl")


class ServeProcess:
    """``python -m conclab serve ...`` with ``--port 0``; reads the chosen URL from the banner."""

    def __init__(self, *args: str) -> None:
        env = dict(os.environ, CONCLAB_LANG="en", PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "conclab", "serve", *args, "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert self.process.stdout is not None
        banner = self.process.stdout.readline()  # blocks until the server listens
        match = re.search(r"http://127\.0\.0\.1:\d+", banner)
        assert match, f"no URL in {banner!r}; stderr: {self.process.stderr.read() if self.process.stderr else ''}"
        self.url = match.group(0)

    def stop(self, sig: int) -> tuple[int, str, str]:
        self.process.send_signal(sig)
        out, err = self.process.communicate(timeout=20)
        return self.process.returncode, out, err


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
def test_three_background_curls_against_the_threading_server() -> None:
    server = ServeProcess("counter", "--mode", "threading", "--counter", "lock", "--work", "0.1")
    try:
        curls = [subprocess.Popen([CURL or "curl", "-s", "--max-time", "20", server.url + "/"],
                                  stdout=subprocess.PIPE, text=True) for _ in range(3)]
        outputs = sorted(curl.communicate(timeout=30)[0] for curl in curls)
        assert [curl.returncode for curl in curls] == [0, 0, 0]
        assert [line.split(" (")[0] for line in outputs] == ["count: 1", "count: 2", "count: 3"]
        assert json.loads(get(server.url + "/count")[2])["count"] == 3
    finally:
        code, out, err = server.stop(signal.SIGTERM)
    assert code == 0 and "Traceback" not in err and err == ""
    assert out.count("start GET /  count=") == 3 and out.count("end   GET /  count ") == 3
    assert out.rstrip().endswith("stopped: handled 3 requests; the count in this process is 3")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forking mode needs os.fork")
def test_forking_server_stops_cleanly_on_sigint() -> None:
    # That stop() reaps every child is checked in-process (os.waitpid) in test_serve_load_cli.
    server = ServeProcess("counter", "--mode", "forking", "--counter", "unsafe")
    try:
        for _ in range(3):
            assert get(server.url + "/")[2].startswith(b"count: 1 (pid ")
        answer = json.loads(get(server.url + "/count")[2])
        assert answer["count"] == 0 and answer["pid"] != server.process.pid
    finally:
        code, out, err = server.stop(signal.SIGINT)
    assert code == 0 and err == ""
    assert out.rstrip().endswith("stopped: handled 3 requests; the count in this process is 0")


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
def test_curl_against_the_practice_server() -> None:
    server = ServeProcess("practice")
    try:
        result = subprocess.run([CURL or "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                 server.url + "/status/404"], capture_output=True, text=True,
                                timeout=20)
        assert result.stdout == "404"
        body = subprocess.run([CURL or "curl", "-s", server.url + "/json"], capture_output=True,
                              text=True, timeout=20).stdout
        assert "course" in json.loads(body)
    finally:
        code, out, err = server.stop(signal.SIGTERM)
    assert code == 0 and err == ""
    assert "stopped: served 2 requests, at most 1 at once" in out
