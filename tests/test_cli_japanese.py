"""The command line itself in Japanese: every ``--help``, click's usage errors and conclab's own errors.

English stays as it was; Japanese has no English prose left (:func:`ja_text.latin_prose`),
fits 80 columns, and follows the same language rule as everything else.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from rich.cells import cell_len

import conclab
from conclab.cli import cli
from conclab.cli._help import (
    SHARED,
    WORDS,
    LocalizedCommand,
    LocalizedGroup,
    all_commands,
    option_key,
)
from conclab.errors import ConclabError
from conclab.i18n import Messages
from ja_text import latin_prose

COMMANDS = [(), *(path for path, _ in all_commands(cli))]
NO_LINE_START = tuple("、。）」』・：ーッャュョァィゥェォっゃゅょぁぃぅぇぉ")
_ALL_NAMES = [name for path, _ in all_commands(cli) for name in path]
TOKEN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:/-]*")


def invoke(*args: str, **env: str) -> Result:
    """``conclab ARGS`` in-process, named ``conclab`` as on the command line (stdout and stderr apart)."""
    return CliRunner().invoke(cli, list(args), env=env or None, catch_exceptions=False, prog_name="conclab")


def _name(path: tuple[str, ...]) -> str:
    return " ".join(path) or "conclab"


def _help(path: tuple[str, ...], *lang: str) -> str:
    result = invoke(*lang, *path, "--help")
    assert result.exit_code == 0, result.output
    return result.stdout


def _sources(command: click.Command) -> set[str]:
    """Every Latin token the Japanese help of ``command`` may show: its texts, option specs, names."""
    texts = [*WORDS.table.values(), *SHARED.table.values()]
    subcommands = [sub for _, sub in all_commands(command)] if isinstance(command, click.Group) else []
    for each in [command, *subcommands]:
        if isinstance(each, (LocalizedCommand, LocalizedGroup)) and each.texts is not None:
            texts += list(each.texts.table.values())
    words = " ".join(entry["ja"] for entry in texts)
    ctx = click.Context(command, info_name=command.name)
    specs = " ".join((param.get_help_record(ctx) or ("", ""))[0] for param in command.get_params(ctx))
    usage = " ".join(command.collect_usage_pieces(ctx))
    names = " ".join(command.commands) if isinstance(command, click.Group) else ""
    extras = " ".join(str(value) for param in command.params if isinstance(param, click.Option)
                      for value in param.get_help_extra(ctx).values())
    return set(TOKEN.findall(" ".join([words, specs, usage, names, extras, "conclab", *_ALL_NAMES])))


@pytest.mark.parametrize("path", COMMANDS, ids=_name)
def test_every_help_is_japanese_and_fits_80_columns(path: tuple[str, ...]) -> None:
    text = _help(path, "--lang", "ja")
    assert text.startswith("使い方: ")
    assert latin_prose(text) == [], text
    for line in text.splitlines():
        assert cell_len(line) <= 80, line
        assert not line.strip().startswith(NO_LINE_START), line
    command = cli if not path else click.Group.get_command(cli, click.Context(cli), path[0])
    for name in path[1:]:
        command = command.commands[name]  # type: ignore[union-attr]
    assert command is not None
    # no Latin word was cut in two by the wrapping: every one is a word of the texts
    assert set(TOKEN.findall(text)) - _sources(command) == set()


@pytest.mark.parametrize("path", COMMANDS, ids=_name)
def test_english_help_is_still_english(path: tuple[str, ...]) -> None:
    text = _help(path, "--lang", "en")
    assert text.startswith("Usage: ") and "Show this message and exit." in text
    assert latin_prose(text), "the checker must see English here"


def test_every_command_has_its_texts_in_both_languages() -> None:
    ctx = click.Context(cli)
    for path, command in [((), cli), *all_commands(cli)]:
        assert isinstance(command, (LocalizedCommand, LocalizedGroup)), path
        assert command.texts is not None and command.texts.missing() == [], path
        assert {"help", "short"} <= set(command.texts.table), path
        for param in command.get_params(ctx):
            if isinstance(param, click.Option) and not param.hidden:
                key = option_key(param)
                assert key in command.texts.table or key in SHARED.table, (path, key)
        short = command.texts.get("short", "en")
        assert not short.endswith("...") and cell_len(short) <= 60, short
        assert cell_len(command.texts.get("short", "ja")) <= 60, command.texts.get("short", "ja")


def test_the_command_list_is_whole_in_both_languages() -> None:
    for lang in ("en", "ja"):
        listing = _help((), "--lang", lang).split("\n\n")[-1]
        assert "..." not in listing
        assert all(line.startswith("  ") for line in listing.splitlines()[1:])


@pytest.mark.parametrize(("how", "env"), [
    (("--lang", "ja"), {}),
    ((), {"CONCLAB_LANG": "ja"}),
    (("run", "--lang", "ja"), {}),
])
def test_help_follows_the_language_rule(how: tuple[str, ...], env: dict[str, str]) -> None:
    args = list(how) if "run" in how else [*how, "run"]
    result = invoke(*args, "--help", **env)
    assert result.stdout.startswith("使い方: conclab run"), result.stdout


def test_help_follows_the_saved_language() -> None:
    assert invoke("config", "lang", "ja").exit_code == 0
    result = invoke("run", "--help", CONCLAB_LANG="")
    assert result.stdout.startswith("使い方: conclab run"), result.stdout


def test_version_in_both_languages() -> None:
    assert invoke("--version").stdout == f"conclab, version {conclab.__version__}\n"
    assert invoke("--lang", "ja", "--version").stdout == f"conclab バージョン {conclab.__version__}\n"


USAGE_ERRORS = [
    ("run", "--bogus", "x"),  # no such option
    ("run", "--jsn", "x"),  # no such option, with a close one
    ("run",),  # missing argument
    ("run", "a", "b"),  # extra argument
    ("nosuch",),  # no such command
    ("explore", "--strategy", "fast"),  # invalid choice
    ("explore", "--schedules", "0"),  # out of range
    ("explore", "--seed", "abc"),  # not an integer
    ("check", "--limit", "abc"),  # conclab's own value type
    ("load", "--timeout", "0", "http://127.0.0.1:1/"),
    ("explore", "--replay"),  # option needs a value
    ("class", "join", "http://127.0.0.1:1", "--name", "a"),  # missing option
    ("--lang", "fr", "run", "x"),  # invalid choice of the group
]


def _one_error_line(result: object, prefix: str) -> str:
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    lines = result.stderr.splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and lines[0].startswith(prefix), lines
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
    return str(lines[0])


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=" ".join)
def test_usage_errors_in_japanese(args: tuple[str, ...]) -> None:
    line = _one_error_line(invoke(*args, CONCLAB_LANG="ja"), "conclab: エラー: ")
    assert latin_prose(line) == [], line
    assert "--help で確かめられます。" in line


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=" ".join)
def test_usage_errors_in_english(args: tuple[str, ...]) -> None:
    line = _one_error_line(invoke(*args), "conclab: error: ")
    assert latin_prose(line), line
    assert line.endswith("--help')")


def test_lang_before_the_command_decides_for_its_usage_error() -> None:
    line = _one_error_line(invoke("--lang", "ja", "run", "--bogus", "x"), "conclab: エラー: ")
    assert line == "conclab: エラー: オプション --bogus はありません。使い方は conclab run --help で確かめられます。"


def test_a_close_option_is_suggested_in_japanese() -> None:
    line = _one_error_line(invoke("--lang", "ja", "run", "--jsn", "x"), "conclab: エラー: ")
    assert "もしかして --json ですか？" in line


CONCLAB_ERRORS = [
    ("run", "nosuch"),
    ("run", "data-rac"),
    ("report", "--chapter", "nope"),
    ("explore", "nosuch"),
    ("explore", "nosuch.py"),
    ("explore", "--replay", "0x0", "lost-update"),
    ("explore", "--interactive", "--json", "lost-update"),
    ("load", "http://192.0.2.1/"),
    ("load", "ftp://127.0.0.1/"),
    ("trace", "no-such-script.py"),
    ("hint", "no_such_exercise", "--dir", "."),
    ("play", "no-such-level"),
    ("route", "no-such-route"),
    ("handson", "no-such-handson"),
    ("compare", "io-threads", "--python", "python3"),
    ("run", "io-threads", "--scheduler", "tcp://127.0.0.1:1"),
    ("class", "join", "nonsense", "--code", "x", "--name", "y"),
]


@pytest.mark.parametrize("args", CONCLAB_ERRORS, ids=" ".join)
def test_conclab_errors_follow_the_language(args: tuple[str, ...], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    english = _one_error_line(invoke(*args), "conclab: error: ")
    assert latin_prose(english), english
    for how in ((("--lang", "ja"), {}), ((), {"CONCLAB_LANG": "ja"})):
        line = _one_error_line(invoke(*how[0], *args, **how[1]), "conclab: エラー: ")
        assert latin_prose(line) == [], line


def test_an_error_after_the_command_chose_japanese_is_japanese() -> None:
    line = _one_error_line(invoke("run", "nosuch", "--lang", "ja"), "conclab: エラー: ")
    assert line.startswith("conclab: エラー: ラボ 'nosuch' はありません")


def test_str_of_a_conclab_error_stays_english() -> None:
    error = ConclabError("no lab named 'x'", ja="ラボ 'x' はありません")
    assert str(error) == "no lab named 'x'" and error.text("ja") == "ラボ 'x' はありません"
    assert error.text("en") == str(error) and ConclabError("only English").text("ja") == "only English"


def _calls() -> list[tuple[Path, ast.Call]]:
    root = Path(conclab.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "ConclabError":
                found.append((path, node))
    return found


def _ja_text(path: Path, node: ast.expr) -> str | None:
    """The Japanese of a raise: a string, an f-string (each ``{...}`` as code) or ``TABLE.get(key, "ja")``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "`x`" for part in node.values)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
            and isinstance(node.func.value, ast.Name) and isinstance(node.args[0], ast.Constant)):
        parts = path.relative_to(Path(conclab.__file__).parent.parent).with_suffix("").parts
        table = getattr(importlib.import_module(".".join(parts)), node.func.value.id, None)
        if not isinstance(table, Messages):  # a dict passed along (a child's reply), checked where it is made
            return None
        return re.sub(r"\{[^}]*\}", "`x`", table.table[node.args[0].value]["ja"])
    return None


def test_every_conclab_error_has_japanese() -> None:
    calls = _calls()
    assert len(calls) > 100
    missing = [f"{path.name}:{node.lineno}" for path, node in calls if not any(k.arg == "ja" for k in node.keywords)]
    assert missing == []


def test_the_japanese_of_each_conclab_error_has_no_english_prose() -> None:
    bad = []
    for path, node in _calls():
        ja = next((k.value for k in node.keywords if k.arg == "ja"), None)
        text = _ja_text(path, ja) if ja is not None else None
        if text is not None and latin_prose(text):
            bad.append((f"{path.name}:{node.lineno}", latin_prose(text)))
    assert bad == []
