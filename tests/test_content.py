"""Every lab has prose in both languages, and every UI string table is complete."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import conclab
from conclab.curriculum import registry
from conclab.i18n import LANGS, Messages, choose_lang

LAB_IDS = [lab.id for lab in registry().labs()]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.mark.parametrize("lab_id", LAB_IDS)
def test_lab_has_prose_in_both_languages(lab_id: str) -> None:
    english = registry().prose(lab_id, "en")
    japanese = registry().prose(lab_id, "ja")
    assert len(english) > 200, f"{lab_id}: English prose missing or too short"
    assert len(japanese) > 100, f"{lab_id}: Japanese prose missing or too short"
    assert JAPANESE.search(japanese), f"{lab_id}: the Japanese prose has no Japanese in it"


@pytest.mark.parametrize("lab_id", LAB_IDS)
def test_lab_titles_summaries_and_claims_exist_in_both_languages(lab_id: str) -> None:
    lab = registry().lab(lab_id)
    for texts in (lab.title, lab.summary, *(claim.text for claim in lab.claims)):
        assert set(LANGS) <= set(texts), f"{lab_id}: {texts}"
    for texts in (lab.summary, *(claim.text for claim in lab.claims)):
        # A title may be only API names; a sentence in Japanese has Japanese in it.
        assert JAPANESE.search(texts["ja"]), f"{lab_id}: untranslated: {texts['ja']}"
    assert lab.claims, f"{lab_id} states no claim"
    assert len({c.id for c in lab.claims}) == len(lab.claims)
    assert registry().example_source(lab_id)


def _message_tables() -> list[tuple[str, Messages]]:
    tables = []
    for info in pkgutil.walk_packages(conclab.__path__, "conclab."):
        if info.name.endswith(".example") or ".explore.scenarios" in info.name:
            continue  # a lesson's example and a scenario are the learner's code: no UI strings
        module = importlib.import_module(info.name)  # a module that cannot import is a failure
        for name, value in vars(module).items():
            if isinstance(value, Messages):
                tables.append((f"{info.name}.{name}", value))
    return tables


def test_every_ui_string_exists_in_both_languages() -> None:
    tables = _message_tables()
    assert tables
    missing = {name: table.missing() for name, table in tables if table.missing()}
    assert not missing


def test_language_choice_order() -> None:
    assert choose_lang("ja", {"CONCLAB_LANG": "en"}) == "ja"
    assert choose_lang(None, {"CONCLAB_LANG": "ja", "LANG": "en_US.UTF-8"}) == "ja"
    assert choose_lang(None, {"LANG": "ja_JP.UTF-8"}) == "ja"
    assert choose_lang(None, {"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}) == "en"
    assert choose_lang(None, {}) == "en"
    assert choose_lang("fr", {"CONCLAB_LANG": "de"}) == "en"


def test_japanese_lines_join_without_spaces_but_blocks_stay_apart() -> None:
    from conclab.text import join_cjk_lines

    source = "読んで\nみましょう。\n`dis` で見る\n- 項目は\n  続きます\n\n```\n日本\n語\n```\n## 見出し\n"
    assert join_cjk_lines(source) == (
        "読んでみましょう。`dis` で見る\n- 項目は続きます\n\n```\n日本\n語\n```\n## 見出し\n")
    assert join_cjk_lines("one\ntwo") == "one\ntwo"
    assert join_cjk_lines("送るものはすべて\npickle 化します。\n2 つ目、\nmap です") == \
        "送るものはすべて pickle 化します。2 つ目、map です"


# An outcome stated in figures or comparisons: allowed only inside a claim block (or in claim texts).
OUTCOME = re.compile(
    r"\b\d+(?:\.\d+)?x\b|twice as|half the time|as (?:slow|fast|long) as one|took (?:about|longer)"
    r"|finished in about|came out exact|\d+(?:\.\d+)? ?倍(?!速)|ほぼ同じ時間|かかりました|済みました"
    r"|速くなりました|遅くなりました|ぴったり合")


@pytest.mark.parametrize("lab_id", LAB_IDS)
@pytest.mark.parametrize("lang", LANGS)
def test_prose_states_outcomes_only_inside_claim_blocks(lab_id: str, lang: str) -> None:
    """Each block names a claim of this lab; what is shown whatever the run measured states no outcome."""
    from conclab.lab import prose_problems
    from conclab.lab._prose import outside_blocks

    lab = registry().lab(lab_id)
    prose = registry().prose(lab_id, lang)
    assert prose_problems(prose, [claim.id for claim in lab.claims]) == []
    after = outside_blocks(prose).split("<!-- results -->", 1)[-1]
    stated = [line.strip() for line in after.splitlines()
              if OUTCOME.search(line) and not line.lstrip().startswith(("`", "python", "conclab"))]
    assert stated == [], f"{lab_id} ({lang}) states an outcome no claim decides"


@pytest.mark.parametrize("lab_id", LAB_IDS)
def test_a_claim_that_may_not_apply_has_a_conditional_sentence(lab_id: str) -> None:
    """A not-applicable claim must not print its held sentence as if it had been measured."""
    for claim in registry().lab(lab_id).claims:
        if claim.requires:
            assert claim.unmeasured and set(LANGS) <= set(claim.unmeasured), f"{lab_id}: {claim.id}"
            assert "{" not in "".join(claim.unmeasured.values()), f"{lab_id}: {claim.id}"


GLOSSARY_AVOID = ("レース状態", "ダーティライト", "危険区域", "GIL を手放す", "GILを手放す", "インタプリタ",
                  "インタリーブ", "インターリービング", "探索器", "エクスプローラ", "プロデューサー",
                  "コンシューマー", "センチネル", "旗", "心拍", "行儀のよい停止", "計器", "品物",
                  "協調のためのプリミティブ")


def test_japanese_uses_the_glossary_terms() -> None:
    """The "avoid" column of the project's glossary (GLOSSARY.md) appears nowhere in the package."""
    from pathlib import Path

    root = Path(conclab.__file__).parent
    found = {}
    for path in root.rglob("*"):
        if path.suffix in {".py", ".md", ".txt", ".json", ".toml"}:
            text = path.read_text(encoding="utf-8")
            hits = [word for word in GLOSSARY_AVOID if word in text]
            if hits:
                found[str(path.relative_to(root))] = hits
    assert found == {}
