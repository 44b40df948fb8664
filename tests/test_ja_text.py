"""The checker other tests use for "no English in Japanese output" flags English and passes good Japanese."""

from __future__ import annotations

import pytest

from ja_text import latin_prose

ENGLISH = [
    "Show this message and exit.",
    "Usage: conclab run [OPTIONS] LAB",
    "conclab: error: no lab named 'nosuch'; run 'conclab list' to see them all",
    "No such option: --bogus (see 'conclab run --help')",
    "lost update: counter=1, expected 2",
    "both threads were inside the spin lock",
    "two requests, but count = 1",
    "送ったのは 71 bytes です",
    "--port INTEGER  ポート。  [default: 8000]",
    "「dirty write」と呼びました",
    "結果は（the update was lost）でした",  # a gloss is a term of at most three words; this is a sentence
]

JAPANESE = [
    "使い方: conclab run [OPTIONS] LAB",
    "レポートの代わりに JSON オブジェクトを 1 つ出力します。",
    "conclab: エラー: ラボ 'nosuch' はありません。'conclab list' で一覧を確かめてください",
    "--strategy の値が正しくありません: 'foo' は選べる値（'auto', 'random', 'pct', 'dfs'）のどれでもありません。",
    "0 は範囲 x>=1 に入っていません。",
    "time.sleep と `await asyncio.sleep(1)` を比べます。conclab run data-race --quick を実行してください。",
    "threading モードでは、GIL は I/O 待ちのあいだ解放されます（Python 3.12、CPU 2 コア）。",
    "タイムラインを Chrome のトレースイベント JSON としても書き出します（Perfetto で開けます）。",
    "別のターミナルから curl localhost:8000 & を 3 回試してください。",
    "0.5 s、1.78x、8 GB、71 バイト。環境変数 CONCLAB_LANG と ./conclab-exercises/main.py。",
    "キー: u で戻し、r でやり直し、h でヒント、q で終了です。",
    "python -m pip install conclab を実行してください",
    "これが**更新の消失**（lost update）です。理由のない目覚め（spurious wakeup）もあります。",
    "`itertools.count` の next(ticket) と counter = counter + one() を比べ、with 文と for ループで書きます。",
]


@pytest.mark.parametrize("text", ENGLISH)
def test_english_prose_is_found(text: str) -> None:
    assert latin_prose(text), text


@pytest.mark.parametrize("text", JAPANESE)
def test_good_japanese_passes(text: str) -> None:
    assert latin_prose(text) == []


def test_a_phrase_can_be_allowed_on_purpose() -> None:
    assert latin_prose("入門書は「dirty write」と呼びました", allow=["dirty write"]) == []


def test_an_allowed_word_is_set_aside_only_as_a_whole_word() -> None:
    """An allowed "if" (a table cell) once cut "notify_all" into an English "not"."""
    assert latin_prose("表: if と while、notify_all で起こします", allow=["if", "while"]) == []


def test_the_fragment_is_returned_whole() -> None:
    assert latin_prose("結果: lost update が起きました") == ["lost update"]
