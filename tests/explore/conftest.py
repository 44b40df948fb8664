from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.explore.helpers import assert_no_leak, snapshot


@pytest.fixture(autouse=True)
def _no_leak() -> Iterator[None]:
    """Every explorer test ends with the originals restored, no thread left and nothing else changed."""
    before = snapshot()
    yield
    assert_no_leak(before)
