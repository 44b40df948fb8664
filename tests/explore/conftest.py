from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.explore.helpers import assert_no_leak


@pytest.fixture(autouse=True)
def _no_leak() -> Iterator[None]:
    """Every explorer test ends with the originals restored and no thread left."""
    yield
    assert_no_leak()
