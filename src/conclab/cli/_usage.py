"""click's usage errors in the learner's language, as one line.

click builds its messages in English (through ``gettext``, which conclab does
not patch). Each kind of error keeps what it needs to say it again (the
option's name, the parameter, the value), so Japanese is built from those; the
messages of click's value types ("'x' is not one of ...", "... is not in the
range ...") are matched by pattern. A message this module does not know is
left as it is: it is then conclab's own, already in the learner's language.
"""

from __future__ import annotations

import re

import click

from conclab.i18n import Messages

MESSAGES = Messages({
    "see-help": {"en": "{message} (see '{command} --help')",
                 "ja": "{message}使い方は {command} --help で確かめられます。"},
})

#: The Japanese of each kind of click error; the English is click's own message.
JAPANESE = {
    "no-option": "オプション {name} はありません。",
    "no-command": "コマンド {name} はありません。",
    "did-you-mean": "もしかして {names} ですか？",
    "missing-argument": "引数 {name} を指定してください。",
    "missing-option": "オプション {name} を指定してください。",
    "choose-from": "（選べる値: {choices}）",
    "bad-value": "{name} の値が正しくありません: {message}",
    "needs-value": "オプション {name} には値が必要です。",
    "needs-values": "オプション {name} には値が {count} 個必要です。",
    "takes-no-value": "オプション {name} は値を取りません。",
    "argument-values": "引数 {name} には値が {count} 個必要です。",
    "extra": "余分な引数があります: {args}。取り除いてください。",
    "missing-command": "コマンドを指定してください。",
}


def _ja(key: str, **values: object) -> str:
    return JAPANESE[key].format(**values)


_PATH_KINDS = {"file": "ファイル", "directory": "フォルダー", "path": "パス"}

# (pattern over click's English, Japanese with the pattern's groups)
_VALUE_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?P<value>.+?) is not one of (?P<choices>.+)\.$", re.S),
     "{value} は選べる値（{choices}）のどれでもありません。"),
    (re.compile(r"^(?P<value>.+?) is not (?P<choices>'[^']*')\.$", re.S), "{value} は {choices} ではありません。"),
    (re.compile(r"^(?P<value>.+) is not a valid integer\.$", re.S), "{value} は整数ではありません。"),
    (re.compile(r"^(?P<value>.+) is not a valid float\.$", re.S), "{value} は数値ではありません。"),
    (re.compile(r"^(?P<value>.+) is not a valid boolean\.$", re.S), "{value} は真偽値（true か false）ではありません。"),
    (re.compile(r"^(?P<value>.+) is not in the range (?P<range>.+)\.$", re.S),
     "{value} は範囲 {range} に入っていません。"),
    (re.compile(r"^(?P<kind>File|Directory|Path) (?P<value>.+) does not exist\.$", re.S | re.I),
     "{kind} {value} はありません。"),
    (re.compile(r"^(?P<kind>File|Directory|Path) (?P<value>.+) is a file\.$", re.S | re.I),
     "{value} はファイルです。フォルダーを指定してください。"),
    (re.compile(r"^(?P<kind>File|Directory|Path) (?P<value>.+) is a directory\.$", re.S | re.I),
     "{value} はフォルダーです。ファイルを指定してください。"),
    (re.compile(r"^(?P<kind>File|Directory|Path) (?P<value>.+) is not (?P<what>readable|writable|executable)\.$",
                re.S | re.I), "{kind} {value} は{what}。"),
]
_CAN_NOT = {"readable": "読めません", "writable": "書き込めません", "executable": "実行できません"}


def value_message(message: str) -> str:
    """The Japanese of a click value type's refusal (``'x' is not one of 'a', 'b'.``); unknown ones unchanged."""
    for pattern, japanese in _VALUE_MESSAGES:
        found = pattern.match(message)
        if found:
            parts = found.groupdict()
            if "kind" in parts:
                parts["kind"] = _PATH_KINDS.get(parts["kind"].lower(), parts["kind"])
            if "what" in parts:
                parts["what"] = _CAN_NOT[parts["what"].lower()]
            if "choices" in parts:
                parts["choices"] = parts["choices"].replace("', '", "'、'")
            return japanese.format(**parts)
    return message


def _param_name(param: click.Parameter | None, hint: object) -> str:
    """How the learner wrote the parameter: ``--limit`` or ``LAB`` (no quotes)."""
    if isinstance(hint, str) and hint:
        return hint.strip("'\"")
    if isinstance(hint, (list, tuple)) and hint:
        return " / ".join(str(item).strip("'\"") for item in hint)
    if isinstance(param, click.Argument):
        return param.human_readable_name
    if param is not None and param.opts:
        return " / ".join(param.opts)
    return str(getattr(param, "name", "") or "")


def _possibilities(exc: click.UsageError) -> str:
    names = getattr(exc, "possibilities", None)
    return _ja("did-you-mean", names="、".join(names)) if names else ""


def _japanese(exc: click.UsageError) -> str:  # long: one branch per kind of click usage error
    message = exc.message
    if isinstance(exc, click.NoSuchOption):
        return _ja("no-option", name=exc.option_name) + _possibilities(exc)
    if type(exc).__name__ == "NoSuchCommand" or message.startswith("No such command"):
        name = getattr(exc, "command_name", None) or (message.split("'")[1] if "'" in message else message)
        return _ja("no-command", name=name) + _possibilities(exc)
    if isinstance(exc, click.MissingParameter):
        name = _param_name(exc.param, exc.param_hint)
        key = "missing-argument" if isinstance(exc.param, click.Argument) else "missing-option"
        text = _ja(key, name=name)
        choices = getattr(getattr(exc.param, "type", None), "choices", None)
        return text + (_ja("choose-from", choices="、".join(map(str, choices))) if choices else "")
    if isinstance(exc, click.BadParameter):
        return _ja("bad-value", name=_param_name(exc.param, exc.param_hint),
                            message=value_message(message))
    if isinstance(exc, click.BadOptionUsage):
        if "does not take a value" in message:
            return _ja("takes-no-value", name=exc.option_name)
        found = re.search(r"requires (\d+) arguments", message)
        if found:
            return _ja("needs-values", name=exc.option_name, count=found.group(1))
        if "requires an argument" in message:
            return _ja("needs-value", name=exc.option_name)
    found = re.match(r"^Argument '(.+)' takes (\d+) values\.$", message)
    if found:
        return _ja("argument-values", name=found.group(1), count=found.group(2))
    found = re.match(r"^Got unexpected extra arguments? \((.*)\)$", message, re.S)
    if found:
        return _ja("extra", args=found.group(1))
    if message == "Missing command.":
        return _ja("missing-command")
    return message


def usage_error_text(exc: click.UsageError, lang: str) -> str:
    """One line for a click usage error, in ``lang``, ending with where to find the right usage."""
    command = exc.ctx.command_path if exc.ctx else "conclab"
    message = _japanese(exc) if lang == "ja" else exc.format_message()
    if lang == "ja" and not message.endswith(("。", "？", "！")):
        message += "。"
    return MESSAGES.get("see-help", lang, message=message, command=command)
