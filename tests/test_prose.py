"""Lesson prose follows the run: a block about an outcome shows only for that outcome."""

from __future__ import annotations

from dataclasses import dataclass

from conclab.lab import prose_problems, resolve_prose

LESSON = """Before.

<!-- if held: fast -->
It was fast.
<!-- else -->
It was not fast here.
<!-- end -->

<!-- if not applicable: gil-off -->
Not measured here.
<!-- end -->
<!-- if measured: gil-off -->
Measured: see the claim.
<!-- end -->
<!-- if held: fast, gil-off -->
Both held.
<!-- end -->
After."""


@dataclass
class Outcome:
    id: str
    held: bool | None


def test_held_shows_the_held_branch_only() -> None:
    text = resolve_prose(LESSON, {"fast": True, "gil-off": True})
    assert "It was fast." in text and "not fast" not in text
    assert "Measured: see the claim." in text and "Not measured here." not in text
    assert "Both held." in text
    assert "<!--" not in text
    assert text.startswith("Before.\n\nIt was fast.\n") and text.endswith("After.")


def test_not_held_shows_the_else_branch() -> None:
    text = resolve_prose(LESSON, [Outcome("fast", False), Outcome("gil-off", True)])
    assert "It was not fast here." in text and "It was fast." not in text
    assert "Both held." not in text


def test_not_applicable_is_neither_held_nor_measured() -> None:
    text = resolve_prose(LESSON, {"fast": True, "gil-off": None})
    assert "Not measured here." in text
    assert "Measured: see the claim." not in text and "Both held." not in text


def test_a_claim_the_run_did_not_check_shows_nothing_of_its_block() -> None:
    text = resolve_prose(LESSON, {"gil-off": True})
    assert "fast" not in text.replace("Before.", "")
    assert "Measured: see the claim." in text


def test_inline_blocks_and_condition_spacing() -> None:
    source = "Threads <!-- if  not   held : a -->were slow<!-- else -->kept up<!-- end -->."
    assert resolve_prose(source, {"a": False}) == "Threads were slow."
    assert resolve_prose(source, {"a": True}) == "Threads kept up."


def test_japanese_lines_a_block_kept_apart_are_joined() -> None:
    source = "前の文です。\n<!-- if held: a -->\n成立しました。\n<!-- end -->\n次の文です。"
    assert resolve_prose(source, {"a": True}, "ja") == "前の文です。成立しました。次の文です。"
    assert resolve_prose(source, {"a": False}, "ja") == "前の文です。次の文です。"


def test_problems_name_unknown_ids_and_stray_markers() -> None:
    assert prose_problems(LESSON, ["fast", "gil-off"]) == []
    assert prose_problems(LESSON, ["fast"]) == ["block names unknown claim 'gil-off'"] * 3
    stray = "<!-- if held: a -->\nno end\n"
    assert prose_problems(stray, ["a"]) == ["unmatched marker <!-- if held: a -->"]
    nested = "<!-- if held: a -->x<!-- if held: a -->y<!-- end -->z<!-- end -->"
    assert prose_problems(nested, ["a"])
