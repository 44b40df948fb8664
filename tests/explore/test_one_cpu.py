"""The exploration runs on one CPU and gives the caller its CPUs back, even after a finding."""

from __future__ import annotations

import os

import pytest

from conclab import explore


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no CPU affinity on this platform")
def test_affinity_is_restored_after_a_run() -> None:
    before = os.sched_getaffinity(0)
    assert explore.run("lost-update").verdict == "finding"
    assert explore.run("locked-counter", strategy="dfs").verdict == "none"
    assert os.sched_getaffinity(0) == before
