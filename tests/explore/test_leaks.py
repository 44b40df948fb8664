"""The leak check itself catches what it promises to, and the explorer passes it with a caller's settings."""

from __future__ import annotations

import socket
import sys
import threading
import types
from typing import Any

import pytest
from tests.explore.helpers import assert_no_leak, snapshot

from conclab import explore


def _hook(frame: types.FrameType, event: str, arg: Any) -> None:
    return None  # a trace function that traces nothing: only its identity matters


def test_the_leak_check_sees_a_changed_socket_timeout() -> None:
    before = snapshot()
    socket.setdefaulttimeout(5.0)
    try:
        with pytest.raises(AssertionError, match="socket timeout"):
            assert_no_leak(before)
    finally:
        socket.setdefaulttimeout(before["socket timeout"])


def test_the_leak_check_sees_a_trace_function_left_behind() -> None:
    before = snapshot()
    sys.settrace(_hook)
    try:
        with pytest.raises(AssertionError, match="trace function"):
            assert_no_leak(before)
    finally:
        sys.settrace(before["trace function"])


def test_the_leak_check_sees_a_leftover_thread_registry_entry() -> None:
    before = snapshot()
    registry: dict[int, Any] = threading._limbo  # type: ignore[attr-defined]
    key = -12345
    registry[key] = threading.Thread(name="never-started")  # what a thread stuck starting leaves
    try:
        with pytest.raises(AssertionError, match="threading._limbo"):
            assert_no_leak(before)
    finally:
        del registry[key]


def test_the_callers_socket_timeout_is_kept_and_restored() -> None:
    socket.setdefaulttimeout(7.5)
    try:
        assert explore.run("lost-update").verdict == "finding"
        assert socket.getdefaulttimeout() == 7.5
    finally:
        socket.setdefaulttimeout(None)


def test_the_socket_timeout_is_none_again_after_a_run() -> None:
    assert socket.getdefaulttimeout() is None
    explore.run("lock-order-deadlock")
    assert socket.getdefaulttimeout() is None


def test_the_callers_trace_function_survives_a_run() -> None:
    previous = sys.gettrace()
    sys.settrace(_hook)
    try:
        explore.run("lost-update")
        assert sys.gettrace() is _hook
    finally:
        sys.settrace(previous)


def test_no_thread_registry_entry_is_left_after_a_run() -> None:
    before = snapshot()
    explore.run("spinlock")
    explore.run("locked-counter", strategy="dfs")
    assert_no_leak(before)
