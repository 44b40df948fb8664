"""Code a learner reads, in Japanese: examples, starters, solutions and hands-on steps (issue 12, §3).

The program exists once, in English; ``code.ja.txt`` beside it holds the Japanese
of each comment block and docstring (:mod:`conclab.text`). These tests prove that
every comment and docstring a learner is shown has its Japanese, that the
Japanese version is the same program (equal AST once docstrings are removed),
that the commands write and show it under ``ja``, and that English is unchanged.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import io
import re
import tokenize
import unicodedata
from pathlib import Path

import pytest

from conclab.curriculum import registry
from conclab.curriculum.exercises import catalogue, exercise_folders
from conclab.curriculum.handson import HANDSONS
from conclab.text import SIDECAR, read_sidecar, spans, translate_code, untranslated
from conftest import invoke
from ja_text import latin_prose


# -- every code file a learner is shown ----------------------------------------------------------
def _shown_files() -> dict[str, tuple[str, Path]]:
    """``{label: (English source, sidecar)}`` for every example, starter, solution and hands-on step."""
    shown: dict[str, tuple[str, Path]] = {}
    reg = registry()
    for lab in reg.labs():
        for name in lab.example:
            path = Path(inspect.getsourcefile(importlib.import_module(name)) or "")
            shown[f"{lab.id}:{name}"] = (path.read_text(encoding="utf-8"),
                                         path.parent / SIDECAR.format(lang="ja"))
    for folder in exercise_folders():
        for part in ("starter.py", "solution.py"):
            shown[f"{folder.name}/{part}"] = ((folder / part).read_text(encoding="utf-8"),
                                              folder / SIDECAR.format(lang="ja"))
    for handson in HANDSONS:
        for step in handson.steps:
            shown[f"{handson.id}/{step.folder.name}"] = (step.code, step.folder.parent / SIDECAR.format(lang="ja"))
    return shown


SHOWN = _shown_files()


def _sidecar(path: Path) -> dict[str, str]:
    return read_sidecar(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _without_docstrings(source: str) -> str:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                first.value.value = ""
    return ast.dump(tree)


@pytest.mark.parametrize("label", sorted(SHOWN))
def test_every_comment_and_docstring_has_its_japanese(label: str) -> None:
    source, sidecar = SHOWN[label]
    missing = untranslated(source, _sidecar(sidecar))
    assert not missing, f"{sidecar.name} beside {label} lacks:\n" + "\n---\n".join(missing)


@pytest.mark.parametrize("label", sorted(SHOWN))
def test_the_japanese_version_is_the_same_program(label: str) -> None:
    source, sidecar = SHOWN[label]
    japanese = translate_code(source, _sidecar(sidecar))
    assert japanese != source
    assert _without_docstrings(japanese) == _without_docstrings(source)
    compile(japanese, label, "exec")


@pytest.mark.parametrize("label", sorted(SHOWN))
def test_the_japanese_comments_have_no_english_prose(label: str) -> None:
    source, sidecar = SHOWN[label]
    translations = _sidecar(sidecar)
    # A scenario's "Expect:" and "Fixes:" lines are read by the explorer: keys, not prose.
    found = {key: latin_prose(re.sub(r"(?m)^(?:Expect|Fixes): .*$", "", translations[key]))
             for key in untranslated(source, {})}
    assert {key: fragments for key, fragments in found.items() if fragments} == {}


def _cells(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


@pytest.mark.parametrize("label", sorted(SHOWN))
def test_no_japanese_line_is_wider_than_the_english_file(label: str) -> None:
    """A Japanese character takes two cells: a translation wraps where the English did not need to."""
    source, sidecar = SHOWN[label]
    limit = max(100, *(_cells(line) for line in source.splitlines()))
    wide = [line for line in translate_code(source, _sidecar(sidecar)).splitlines() if _cells(line) > limit]
    assert not wide, f"wider than {limit} cells:\n" + "\n".join(wide)


#: ``conclab show`` at 80 columns leaves 74 cells beside the line numbers.
SHOW_CELLS = 74


@pytest.mark.parametrize("label", sorted(SHOWN))
def test_the_shown_japanese_prose_fits_80_columns(label: str) -> None:
    """What ``show`` prints fits: each comment on its own line and each docstring line at the margin.

    ``translate_code`` re-wraps a translation where it does not fit;
    a comment beside code, and a docstring's indented line (a command, a table), are
    as wide as the code they sit with and are left alone.
    """
    source, sidecar = SHOWN[label]
    japanese = translate_code(source, _sidecar(sidecar))
    lines = japanese.splitlines()
    wide = []
    for span in spans(japanese):
        row = japanese.count("\n", 0, span.start)
        if span.kind == "comment" and (lines[row][:span.indent].strip() or span.indent > SHOW_CELLS - 26):
            continue  # beside code, or continuing a comment beside code on the lines below it
        for offset in range(japanese.count("\n", span.start, span.end) + 1):
            text = lines[row + offset]
            body = text[span.indent:] if offset else text[span.indent:].lstrip("rbuRBU\"'# ")
            if body[:1].isspace() or not body.strip():
                continue
            if _cells(text) > SHOW_CELLS and " " in body.strip() + "\u3000" and not _unbreakable(body):
                wide.append(text)
    assert not wide, "wider than 74 cells:\n" + "\n".join(wide)


def _unbreakable(text: str) -> bool:
    """A line that is one token (a URL, a command path) cannot be wrapped."""
    return len(text.split()) == 1 and not re.search(r"[\u3040-\u9fff]", text)


@pytest.mark.parametrize("label", sorted(SHOWN))
def test_japanese_docstrings_and_comments_fit_show_at_80_columns(label: str) -> None:
    """Each line fits 74 cells, or the English of the same comment or docstring was as wide."""
    source, sidecar = SHOWN[label]
    translations, lines = _sidecar(sidecar), source.splitlines()
    wide = []
    for span in spans(source):
        first_row, last_row = source.count("\n", 0, span.start), source.count("\n", 0, span.end)
        # A comment after code continues on comment lines at its column: the code's width counts too.
        limit = max(SHOW_CELLS, *(_cells(line) for line in lines[first_row:last_row + 1]))
        quote = 3 if span.kind == "docstring" else 2
        japanese = translations[span.key].split("\n")
        for index, line in enumerate(japanese):
            cells = span.indent + (quote if index == 0 or span.kind == "comment" else 0) + _cells(line)
            closes_here = span.kind == "docstring" and len(japanese) == 1 and "\n" not in span.token
            if cells + (3 if closes_here else 0) > limit:
                wide.append(line)
    assert not wide, f"wider than 74 cells (or than the English) in {sidecar}:\n" + "\n".join(wide)


def test_no_sidecar_holds_an_entry_no_file_uses() -> None:
    used: dict[Path, set[str]] = {}
    for source, sidecar in SHOWN.values():
        used.setdefault(sidecar, set()).update(untranslated(source, {}))
    stale = {str(path): sorted(set(_sidecar(path)) - keys) for path, keys in used.items()}
    assert {path: keys for path, keys in stale.items() if keys} == {}


# -- the mechanism ---------------------------------------------------------------------------------
SOURCE = '''"""Count requests.

Run it twice.
"""

import threading  # noqa: F401

count = 0  # shared by every thread


def bump():
    """Add one."""
    global count
    # copy, then
    # write back
    count += 1
'''
JA = """@@ en
Count requests.

Run it twice.
@@ ja
リクエストを数えます。

2 回実行してください。

@@ en
shared by every thread
@@ ja
すべてのスレッドが共有

@@ en
Add one.
@@ ja
1 を足します。

@@ en
copy, then
write back
@@ ja
コピーしてから書き戻す
"""


def test_translate_code_replaces_comments_and_docstrings_only() -> None:
    japanese = translate_code(SOURCE, read_sidecar(JA))
    assert japanese.startswith('"""リクエストを数えます。\n\n2 回実行してください。\n"""\n')
    assert "count = 0  # すべてのスレッドが共有\n" in japanese
    assert '    """1 を足します。"""\n    global count\n    # コピーしてから書き戻す\n    count += 1\n' in japanese
    assert "# noqa: F401" in japanese
    assert _without_docstrings(japanese) == _without_docstrings(SOURCE)
    assert untranslated(SOURCE, read_sidecar(JA)) == []
    assert untranslated(SOURCE, {}) == ["Count requests.\n\nRun it twice.", "shared by every thread",
                                        "Add one.", "copy, then\nwrite back"]


def test_a_one_line_docstring_may_become_two_lines() -> None:
    japanese = translate_code(SOURCE, {"Add one.": "1 を足します。\n戻り値はありません。"})
    assert '    """1 を足します。\n    戻り値はありません。\n    """\n' in japanese
    assert _without_docstrings(japanese) == _without_docstrings(SOURCE)


def test_an_untranslated_comment_stays_english() -> None:
    entries = read_sidecar(JA.replace("すべてのスレッドが共有", ""))
    assert "shared by every thread" not in entries
    assert "count = 0  # shared by every thread\n" in translate_code(SOURCE, entries)


# -- the commands ---------------------------------------------------------------------------------
def test_exercises_init_under_ja_writes_japanese_starters(tmp_path: Path) -> None:
    result = invoke("--lang", "ja", "exercises", "init", str(tmp_path / "ws"))
    assert result.exit_code == 0, result.output
    for exercise in catalogue():
        written = (tmp_path / "ws" / exercise.file_name).read_text(encoding="utf-8")
        assert written == exercise.starter_in("ja") != exercise.starter
    english = invoke("exercises", "init", str(tmp_path / "en"), "--lang", "en")
    assert english.exit_code == 0
    for exercise in catalogue():
        assert (tmp_path / "en" / exercise.file_name).read_text(encoding="utf-8") == exercise.starter


def test_reset_and_solution_follow_the_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert invoke("exercises", "init", str(tmp_path), "--lang", "ja").exit_code == 0
    monkeypatch.chdir(tmp_path)
    exercise = next(e for e in catalogue() if e.id == "fix-counter-race")
    (tmp_path / exercise.file_name).write_text("# mine\n")
    assert invoke("reset", exercise.id).exit_code == 0  # the workspace's language
    assert (tmp_path / exercise.file_name).read_text(encoding="utf-8") == exercise.starter_in("ja")
    assert invoke("reset", exercise.id, "--lang", "en").exit_code == 0
    assert (tmp_path / exercise.file_name).read_text(encoding="utf-8") == exercise.starter
    (tmp_path / exercise.file_name).write_text(exercise.solution)
    assert invoke("check", exercise.id, "--lang", "ja").exit_code == 0
    shown = invoke("solution", exercise.id, "--lang", "ja")
    assert shown.exit_code == 0 and exercise.solution_in("ja").strip() in shown.output


def test_show_prints_japanese_comments_under_ja_and_the_same_english_otherwise() -> None:
    japanese = invoke("--lang", "ja", "show", "web-race", COLUMNS="200")
    english = invoke("--lang", "en", "show", "web-race", COLUMNS="200")
    assert japanese.exit_code == english.exit_code == 0
    assert "ハンドラー" in japanese.output and "handler thread" not in japanese.output
    assert "one class attribute, shared by every handler thread" in english.output
    reg = registry()
    assert reg.example_source("web-race") == reg.example_source("web-race", "en")
    module = importlib.import_module(registry().lab("web-race").example[0])
    assert reg.example_source("web-race")[0][1] == inspect.getsource(module)


def test_handson_code_and_change_are_japanese_under_ja() -> None:
    handson = HANDSONS[0]
    step = handson.steps[2]
    shown = invoke("--lang", "ja", "handson", handson.id, str(step.number), "--code")
    assert shown.exit_code == 0 and shown.output == step.code_in("ja") != step.code
    assert invoke("--lang", "en", "handson", handson.id, str(step.number), "--code").output == step.code
    added = [line for line in handson.change(step, "ja").splitlines() if line.startswith("+")]
    assert any("フラグ" in line for line in added)


def test_handson_steps_fit_80_columns_in_japanese() -> None:
    """The step screen shows the change as a diff, one cell of sign, cropped (not wrapped) at 80 columns."""
    for step in HANDSONS[0].steps:
        wide = [line for line in step.code_in("ja").splitlines() if _cells(line) > 79]
        assert not wide, f"{step.folder.name}: {wide}"


# -- the exercise screens in Japanese -------------------------------------------------------------
def test_check_hint_and_progress_under_ja_have_no_english_prose(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    assert invoke("--lang", "ja", "exercises", "init", str(tmp_path)).exit_code == 0
    monkeypatch.chdir(tmp_path)
    screens = [invoke("check", "serve-concurrently", COLUMNS="80"), invoke("hint", "serve-concurrently", COLUMNS="80"),
               invoke("progress", COLUMNS="80")]
    assert [screen.exit_code for screen in screens] == [1, 0, 0]
    assert "不合格" in screens[0].output
    # Indented lines quote the learner's program (its log); the rest is conclab speaking.
    prose = [line for screen in screens for line in screen.output.splitlines() if not line.startswith("      ")]
    # Joined, so a quote the terminal wrapped ('done /anything') is read whole.
    assert latin_prose(" ".join(line.strip() for line in prose)) == []


JAPANESE = r"[\u3040-\u309f\u30a0-\u30fa\u30fc-\u30ff\u4e00-\u9fff]"
LATIN = r"[0-9A-Za-z{]"


def _literal(token: str) -> str:
    try:
        value = ast.literal_eval(token)
    except (ValueError, SyntaxError):  # an f-string: its text is close enough
        value = token.lstrip("rRbBfF")[1:-1]
    return value if isinstance(value, str) else ""


def _glued_strings(path: Path) -> list[str]:
    """Adjacent string literals where Japanese meets a Latin word or number with no space between."""
    tokens = [tok for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
              if tok.type not in (tokenize.NL, tokenize.COMMENT)]
    glued = []
    for first, second in zip(tokens, tokens[1:], strict=False):
        if first.type == second.type == tokenize.STRING:
            left, right = _literal(first.string), _literal(second.string)
            if left and right and (re.match(JAPANESE, left[-1]) and re.match(LATIN, right[0])
                                   or re.match(LATIN, left[-1]) and re.match(JAPANESE, right[0])):
                glued.append(f"{path.name}:{second.start[0]}: …{left[-10:]}|{right[:10]}…")
    return glued


def test_japanese_messages_keep_the_space_where_two_string_literals_meet() -> None:
    """「リクエストを" "1 つずつ」 joins to 「リクエストを1 つずつ」: the space goes at the seam."""
    root = Path(importlib.import_module("conclab").__file__ or "").parent
    files = list(root.rglob("*.py"))  # every message conclab prints, not only the exercises
    assert sum((_glued_strings(path) for path in files), []) == []


def test_the_html_page_shows_the_japanese_example(tmp_path: Path) -> None:
    page = tmp_path / "io.html"
    result = invoke("--lang", "ja", "run", "io-threads", "--quick", "--html", str(page))
    assert result.exit_code in (0, 1), result.output  # 1: a claim did not hold on a busy machine
    html = page.read_text(encoding="utf-8")
    assert "ダウンロード 1 つにスレッド 1 本" in html and "One thread per download" not in html


def test_the_japanese_starter_and_solution_get_the_english_verdicts(tmp_path: Path) -> None:
    """The checker reads the program, not its comments: one exercise here; every exercise was compared by hand."""
    from tests.exercises.helpers import check_source, exercise

    name = "fix-dirty-write"
    verdicts = {}
    for kind in ("starter", "solution"):
        for lang in ("en", "ja"):
            source = getattr(exercise(name), f"{kind}_in")(lang)
            folder = tmp_path / f"{kind}-{lang}"
            folder.mkdir()
            verdicts[kind, lang] = [check.passed for check in check_source(name, source, folder, lang=lang).checks]
    assert verdicts["starter", "ja"] == verdicts["starter", "en"] != verdicts["solution", "en"]
    assert verdicts["solution", "ja"] == verdicts["solution", "en"] == [True] * len(verdicts["solution", "en"])
