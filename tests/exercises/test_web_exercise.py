"""The web-server exercise (serve_concurrently): five real clients at once against the learner's server.

The starter fails with the message that names the task, the reference passes,
each wrong variant fails with the message that tells the learner what to
change; other ways to serve concurrently pass (ThreadingMixIn, ForkingMixIn on
POSIX), and mistakes the starter does not contain are caught too.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.exercises.helpers import check_source, exercise, failures, processes_running

from conclab.curriculum.exercises.serve_concurrently.checks import (
    log_events,
    started_before_first_end,
)
from conclab.i18n import LANGS

NAME = "serve-concurrently"
FILE = "serve_concurrently.py"
STARTER_MESSAGE = "http.server.HTTPServer handles one request at a time"
WRONG_MESSAGES = {
    "wrong_thread_for_server": "Running serve_forever() in a thread of its own moves the whole server",
    "wrong_lock_around_work": "they took turns inside the handler",
}
SERVER_LINE = '    server = http.server.HTTPServer(("127.0.0.1", port), WorkHandler)\n'


def _variant(replacement: str, source: str | None = None, old: str = SERVER_LINE) -> str:
    base = exercise(NAME).starter if source is None else source
    assert old in base
    return base.replace(old, replacement)


def test_every_wrong_variant_is_listed() -> None:
    assert set(exercise(NAME).wrong) == set(WRONG_MESSAGES)
    assert exercise(NAME).chapter == "web-server"


def test_starter_fails_with_the_task(tmp_path: Path) -> None:
    verdict = check_source(NAME, exercise(NAME).starter, tmp_path)
    assert not verdict.passed
    text = failures(verdict)
    assert STARTER_MESSAGE in text
    assert "served one at a time" in text and "The server's log:" in text
    assert not processes_running(tmp_path / FILE)


def test_reference_solution_passes(tmp_path: Path) -> None:
    verdict = check_source(NAME, exercise(NAME).solution, tmp_path)
    assert verdict.passed, failures(verdict)
    assert verdict.elapsed_s < 2.5, f"the check took {verdict.elapsed_s:.2f} s"  # about 0.5 s measured


@pytest.mark.parametrize("variant", sorted(WRONG_MESSAGES))
def test_wrong_variant_fails_with_its_message(variant: str, tmp_path: Path) -> None:
    verdict = check_source(NAME, exercise(NAME).wrong[variant], tmp_path)
    assert not verdict.passed
    assert WRONG_MESSAGES[variant] in failures(verdict)


def test_japanese_failure_message(tmp_path: Path) -> None:
    verdict = check_source(NAME, exercise(NAME).wrong["wrong_lock_around_work"], tmp_path, lang="ja")
    text = failures(verdict)
    assert "ハンドラーの中で順番待ち" in text and "ロックは要りません" in text


def test_threading_mixin_passes(tmp_path: Path) -> None:
    source = _variant(
        "    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):\n"
        "        daemon_threads = True\n\n"
        '    server = Server(("127.0.0.1", port), WorkHandler)\n')
    source = source.replace("import http.server\n", "import http.server\nimport socketserver\n")
    verdict = check_source(NAME, source, tmp_path)
    assert verdict.passed, failures(verdict)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="ForkingMixIn needs os.fork")
def test_forking_mixin_is_accepted_on_posix(tmp_path: Path) -> None:
    source = _variant(
        "    class Server(socketserver.ForkingMixIn, http.server.HTTPServer):\n"
        "        pass\n\n"
        '    server = Server(("127.0.0.1", port), WorkHandler)\n')
    source = source.replace("import http.server\n", "import http.server\nimport socketserver\n")
    verdict = check_source(NAME, source, tmp_path)
    assert verdict.passed, failures(verdict)
    assert not processes_running(tmp_path / FILE)


def test_a_lock_around_the_whole_handler_is_named(tmp_path: Path) -> None:
    """Mistakes the starter does not contain: every request waits before its 'start' in a threaded server."""
    threaded = _variant('    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), WorkHandler)\n')
    source = _variant("    def do_GET(self):\n        with LOCK:\n            self.work()\n\n    def work(self):\n",
                      threaded, old="    def do_GET(self):\n")
    source = source.replace("import time\n", "import threading\nimport time\n\nLOCK = threading.Lock()\n")
    verdict = check_source(NAME, source, tmp_path)
    assert not verdict.passed
    assert "although the server class starts a thread per request" in failures(verdict)


def test_two_at_a_time_is_not_together(tmp_path: Path) -> None:
    threaded = _variant('    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), WorkHandler)\n')
    source = _variant("    def do_GET(self):\n        with SLOTS:\n            self.work()\n\n    def work(self):\n",
                      threaded, old="    def do_GET(self):\n")
    source = source.replace("import time\n", "import threading\nimport time\n\nSLOTS = threading.Semaphore(2)\n")
    verdict = check_source(NAME, source, tmp_path)
    assert not verdict.passed
    assert "Only 2 of the 5 requests had started when the first one ended" in failures(verdict)


def test_a_server_without_the_work_or_the_log_is_told_so(tmp_path: Path) -> None:
    solution = exercise(NAME).solution
    no_work = solution.replace("        time.sleep(WORK_S)  # stands for real work\n", "")
    assert no_work != solution
    assert "keep its time.sleep(WORK_S)" in failures(check_source(NAME, no_work, tmp_path))
    no_log = solution.replace('        log(f"start {self.path}")\n', "")
    assert no_log != solution
    assert "it had 0 'start' and 5 'end' line(s)" in failures(check_source(NAME, no_log, tmp_path))


def test_a_server_on_the_wrong_port_or_crashing_is_told_so(tmp_path: Path) -> None:
    solution = exercise(NAME).solution
    fixed_port = solution.replace("int(sys.argv[1]) if len(sys.argv) > 1 else 8000", "0")
    assert fixed_port != solution
    text = failures(check_source(NAME, fixed_port, tmp_path, limit_s=1.0))
    assert "it must listen on the port given as its first argument" in text
    crash = solution.replace("def main():\n", "def main():\n    raise RuntimeError('no server today')\n")
    text = failures(check_source(NAME, crash, tmp_path))
    assert "exit status 1" in text and "no server today" in text
    syntax = failures(check_source(NAME, "def (:\n", tmp_path))
    assert f"syntax error in {FILE}, line 1" in syntax


def test_interleaved_log_lines_are_still_read() -> None:
    """print() from two threads can put two lines on one: the order of the events is kept."""
    paths = {"/client-1", "/client-5"}
    events = log_events(["start /client-1start /client-5", "end   /client-1", "end   /client-5"], paths)
    assert events == [("start", "/client-1"), ("start", "/client-5"), ("end", "/client-1"), ("end", "/client-5")]
    assert started_before_first_end(events) == 2


def test_texts_exist_in_both_languages() -> None:
    ex = exercise(NAME)
    assert len(ex.hints) == 3
    for lang in LANGS:
        assert ex.statement[lang].strip() and ex.title[lang] and ex.summary[lang]
        assert "ForkingMixIn" in ex.statement[lang]
        assert all(hint[lang].strip() for hint in ex.hints)
    assert ex.statement["ja"] != ex.statement["en"]
