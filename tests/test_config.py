"""``conclab config lang``: the language is remembered, so a C.UTF-8 locale does not mean English."""

from __future__ import annotations

from pathlib import Path

import pytest

from conclab.i18n import choose_lang, config_dir, save_lang, saved_lang
from conftest import invoke


def test_saved_language_comes_after_the_flag_and_the_variable_and_before_the_locale(tmp_path: Path) -> None:
    env = {"CONCLAB_CONFIG_DIR": str(tmp_path), "LANG": "C.UTF-8"}
    assert choose_lang(None, env) == "en"
    save_lang("ja", env)
    assert saved_lang(env) == "ja"
    assert choose_lang(None, env) == "ja"
    assert choose_lang(None, env | {"CONCLAB_LANG": "en"}) == "en"
    assert choose_lang("en", env) == "en"


def test_config_folder_follows_the_platform_rule() -> None:
    import sys

    if sys.platform.startswith("linux"):
        assert config_dir({"HOME": "/home/a"}) == Path("/home/a/.config/conclab")
        assert config_dir({"HOME": "/home/a", "XDG_CONFIG_HOME": "/x"}) == Path("/x/conclab")
    assert config_dir({}) is None
    assert saved_lang({}) is None


def test_config_lang_command_saves_and_shows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CONCLAB_CONFIG_DIR", str(tmp_path))
    monkeypatch.delenv("CONCLAB_LANG")
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    shown = invoke("config", "lang")
    assert shown.exit_code == 0 and "No language saved yet" in shown.stdout
    saved = invoke("config", "lang", "ja")
    assert saved.exit_code == 0 and "言語を ja にしました" in saved.stdout
    assert (tmp_path / "config.toml").read_text(encoding="utf-8").endswith('lang = "ja"\n')
    listed = invoke("list")
    assert "第 0 章" in listed.stdout or "章" in listed.stdout
    assert invoke("config", "lang", "fr").exit_code == 2
