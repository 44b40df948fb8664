"""Golden text of ``conclab explore spinlock`` at 80 columns, in en and ja.

The finding, the step table (the file named once, a line number per row, one
operation a line) and the replay line, as a learner reads them; the search's
wall time is the only thing masked. CONCLAB_UPDATE_GOLDEN=1 rewrites the files.
"""

from __future__ import annotations

import re

import pytest
from tests.test_text import assert_well_broken

from conftest import assert_golden, invoke


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_explore_spinlock_at_80_columns(lang: str) -> None:
    result = invoke("explore", "spinlock", "--lang", lang, COLUMNS="80")
    assert result.exit_code == 1
    text = "\n".join(line.rstrip() for line in result.stdout.splitlines()) + "\n"
    text = re.sub(r"\d+\.\d+ (s|秒)", r"T \1", text)
    assert_well_broken(text.splitlines(), 80)
    assert_golden(f"explore_spinlock_{lang}_80.txt", text)
