"""``conclab config lang [ja|en]``: remember the language, so no locale has to say it."""

from __future__ import annotations

import click

from conclab.cli._common import LANG_CHOICE, resolve_lang
from conclab.cli._help import LocalizedGroup
from conclab.errors import ConclabError
from conclab.i18n import CONFIG_FILE, Messages, config_dir, save_lang, saved_lang

MESSAGES = Messages({
    "saved": {"en": "Language set to {lang}: every conclab command now speaks it ({path}).",
              "ja": "言語を {lang} にしました。これ以降、conclab のすべてのコマンドがこの言語で表示します（{path}）。"},
    "current": {"en": "Saved language: {lang} ({path}). The language in use now: {now}.",
                "ja": "保存されている言語: {lang}（{path}）。いま使われている言語: {now}。"},
    "none": {"en": "No language saved yet ({path}). The language in use now: {now}. "
                   "Save one with: conclab config lang ja",
             "ja": "言語はまだ保存されていません（{path}）。いま使われている言語: {now}。"
                   "保存するには: conclab config lang ja"},
    "unwritable": {"en": "cannot save the language: {why}. Set CONCLAB_LANG=ja instead.",
                   "ja": "言語を保存できません: {why}。代わりに CONCLAB_LANG=ja を設定してください。"},
    "no-folder": {"en": "(no config folder: HOME is not set)", "ja": "（設定フォルダーがありません: HOME が未設定）"},
})


CONFIG_HELP = Messages({
    "short": {"en": "Settings kept between runs.",
              "ja": "実行をまたいで保存する設定です。"},
    "help": {"en": "Settings kept between runs (in the user's config folder).",
             "ja": "実行をまたいで保存する設定です（ユーザーの設定フォルダーに保存します）。"},
})


@click.group("config", cls=LocalizedGroup, texts=CONFIG_HELP)
def config_group() -> None:
    """Settings kept between runs (in the user's config folder)."""


LANG_HELP = Messages({
    "short": {"en": "Show or set the language of every command.",
              "ja": "全コマンドの言語を表示、または設定します。"},
    "help": {"en": "Show or set the language of every command: ja or en.\n\n"
                   "The saved language comes after --lang and CONCLAB_LANG and before the\nlocale, so a container "
                   "with a C.UTF-8 locale still shows Japanese.",
             "ja": "全コマンドの言語（ja か en）を表示、または設定します。\n\n"
                   "保存した言語は --lang と CONCLAB_LANG の次、ロケールの前に効きます。そのため、"
                   "ロケールが C.UTF-8 のコンテナーでも日本語で表示できます。"},
})


@config_group.command("lang", texts=LANG_HELP)
@click.argument("value", required=False, type=LANG_CHOICE)
def lang_command(value: str | None) -> None:
    """Show or set the language of every command: ja or en.

    The saved language comes after --lang and CONCLAB_LANG and before the
    locale, so a container with a C.UTF-8 locale still shows Japanese.
    """
    folder = config_dir()
    where = str(folder / CONFIG_FILE) if folder else None
    if value is None:
        lang = resolve_lang(None)
        saved = saved_lang()
        path = where or MESSAGES.get("no-folder", lang)
        key = "current" if saved else "none"
        click.echo(MESSAGES.get(key, lang, lang=saved, path=path, now=lang))
        return
    value = value.lower()
    try:
        written = save_lang(value)
    except OSError as exc:
        raise ConclabError(MESSAGES.get("unwritable", "en", why=exc.strerror or str(exc)),
                           ja=MESSAGES.get("unwritable", "ja", why=exc.strerror or str(exc))) from exc
    click.echo(MESSAGES.get("saved", value, lang=value, path=written))
