"""The parent's side of a contained exploration: what it says for each way the child can end.

The fork itself is exercised end to end in ``tests/hostile/test_explore_faults.py``
(a test process has threads, so forking it is not safe); here the payloads and
wait statuses are made by hand.
"""

from __future__ import annotations

import json
import signal

import pytest

from conclab import explore
from conclab.errors import ConclabError
from conclab.explore import _contained


def test_a_result_comes_back_whole() -> None:
    result = explore.run("lost-update")
    back = _contained._outcome(json.dumps({"result": result.to_json()}).encode(), 0, "lost-update")
    assert back.to_json() == result.to_json()


def test_errors_exits_and_interrupts_are_raised_as_in_place() -> None:
    with pytest.raises(ConclabError) as error:
        _contained._outcome(json.dumps({"error": "bad", "ja": "だめです"}).encode(), 0, "s.py")
    assert error.value.text("ja") == "だめです" and str(error.value) == "bad"
    with pytest.raises(SystemExit) as exited:
        _contained._outcome(b'{"exit": 4}', 0, "s.py")
    assert exited.value.code == 4
    with pytest.raises(KeyboardInterrupt):
        _contained._outcome(b'{"interrupted": true}', 0, "s.py")
    with pytest.raises(RuntimeError, match="inside conclab"):
        _contained._outcome(b'{"internal": "Traceback ..."}', 0, "s.py")


@pytest.mark.parametrize(("status", "en", "ja"), [
    (int(signal.SIGSEGV), "killed by SIGSEGV (a segmentation fault", "SIGSEGV（セグメンテーション違反"),
    (int(signal.SIGKILL), "killed by SIGKILL before", "SIGKILL で強制終了しました"),
    (3 << 8, "exit code 3 (os._exit", "終了コード 3 で"),
])
def test_a_child_that_ended_without_a_word_is_one_line_in_both_languages(status: int, en: str, ja: str) -> None:
    with pytest.raises(ConclabError) as error:
        _contained._outcome(b"", status, "s.py")
    assert en in str(error.value) and "\n" not in str(error.value)
    assert ja in error.value.text("ja")
    assert ("stack of each thread" in str(error.value)) == (status == signal.SIGSEGV)


def test_a_torn_payload_is_the_same_as_none() -> None:
    with pytest.raises(ConclabError, match="before the explorer could report"):
        _contained._outcome(b'{"result": {"verd', int(signal.SIGKILL), "s.py")
