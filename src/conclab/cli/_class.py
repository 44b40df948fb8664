"""``conclab class serve|join|status|leave``: the class server and a learner's membership.

A thin adapter over :mod:`conclab.classroom`. :func:`send_verdict` is the one
call ``conclab check`` and ``conclab watch`` make after recording a verdict.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from conclab import __version__
from conclab.cli._common import lang_option, print_json, resolve_lang
from conclab.cli._help import LocalizedGroup
from conclab.i18n import Messages

MESSAGES = Messages({
    "up": {"en": "conclab class server on {url}  (database {db}; Ctrl-C to stop)",
           "ja": "conclab クラスサーバーを {url} で起動しました（データベース {db}、Ctrl-C で停止）"},
    "created": {"en": "New class. The instructor token is shown only now: write it down.",
                "ja": "新しいクラスを作成しました。講師トークンは今だけ表示されます。控えてください。"},
    "renewed": {"en": "New instructor token (the old one no longer works); shown only now:",
                "ja": "新しい講師トークンです（古いものは無効になりました）。今だけ表示されます:"},
    "existing": {"en": "Class reopened. The instructor token was shown when it was created "
                       "('--new-token' replaces a lost one).",
                 "ja": "既存のクラスを開きました。講師トークンは作成時に表示済みです"
                       "（紛失したら '--new-token' で再発行できます）。"},
    "token": {"en": "  instructor token: {token}", "ja": "  講師トークン: {token}"},
    "dashboard": {"en": "  dashboard:        {url}/login", "ja": "  ダッシュボード: {url}/login"},
    "code": {"en": "  join code:        {code}", "ja": "  参加コード: {code}"},
    "learners": {"en": "  learners run:     conclab class join {url} --code {code} --name \"Your name\"",
                 "ja": "  受講者は:        conclab class join {url} --code {code} --name \"名前\""},
    "open-warning": {"en": "warning: --host {host} opens the class server to every machine on this network",
                     "ja": "警告: --host {host} はこのネットワーク上のすべてのマシンにクラスサーバーを公開します"},
    "stopped": {"en": "class server stopped; every accepted result is in {db}",
                "ja": "クラスサーバーを停止しました。受け付けた結果はすべて {db} にあります"},
    "joined": {"en": "Joined the class at {url} as {name}. Every 'conclab check' and 'conclab watch' "
                     "verdict is now sent there (never your code).",
               "ja": "{url} のクラスに {name} として参加しました。'conclab check' と 'conclab watch' の結果"
                     "（コードは送りません）がこのクラスに送られます。"},
    "not-joined": {"en": "Not in a class. Join one with: conclab class join URL --code CODE --name NAME",
                   "ja": "クラスに参加していません。参加するには: conclab class join URL --code CODE --name NAME"},
    "status": {"en": "Class: {url}\nName:  {name}\nWaiting to be sent: {waiting}",
               "ja": "クラス: {url}\n名前: {name}\n送信待ち: {waiting} 件"},
    "sent-now": {"en": "Sent just now: {sent}", "ja": "今送信した件数: {sent}"},
    "unreachable": {"en": "The server cannot be reached now ({error}); results wait and go with the next command.",
                    "ja": "サーバーに接続できません（{error}）。結果は保存され、次のコマンドで送られます。"},
    "rejected": {"en": "Refused by the server and kept aside: {count} (in {folder})",
                 "ja": "サーバーに拒否され、別に保管した結果: {count} 件（{folder}）"},
    "left": {"en": "Left the class; results are no longer sent.", "ja": "クラスから抜けました。今後結果は送られません。"},
    "left-kept": {"en": "{waiting} results the server never got are kept in {folder} (not sent to a later class).",
                  "ja": "サーバーに届かなかった {waiting} 件は {folder} に保管しました（後で参加するクラスには送りません）。"},
})


def send_verdict(workspace: Any, verdict: Any, source: str) -> None:
    """Send a recorded verdict to the learner's class, if they joined one: in the background, never failing."""
    try:
        from conclab.classroom import report_result
        from conclab.machine import usable_cores

        attempt = workspace.progress.load().of(verdict.exercise).attempts
        report_result(verdict.to_json(), attempt=attempt, source=source, conclab=__version__,
                      cores=usable_cores())
    except Exception:  # the class is a bonus; the learner's check must never fail because of it
        return


def verdicts_to_class(workspace: Any, on_event: Callable[[Any], None]) -> Callable[[Any], None]:
    """``on_event`` for the watcher, sending each verdict to the learner's class first (see :func:`send_verdict`)."""
    def handle(event: Any) -> None:
        if getattr(event, "kind", None) == "verdict" and event.verdict is not None:
            send_verdict(workspace, event.verdict, "watch")
        on_event(event)
    return handle


CLASS_HELP = Messages({
    "short": {"en": "A class: the instructor serves, learners join.",
              "ja": "クラス: 講師がサーバーを動かし、受講者が参加します。"},
    "help": {"en": "A class: the instructor serves, learners join; verdicts are sent to the room's dashboard.",
             "ja": "クラスです: 講師がサーバーを動かし、受講者が参加します。判定は教室のダッシュボードに送られます。"},
})


@click.group("class", cls=LocalizedGroup, texts=CLASS_HELP)
def class_group() -> None:
    """A class: the instructor serves, learners join; verdicts are sent to the room's dashboard."""


def _room_address() -> str:
    """This machine's address on the room's network (a UDP socket's route; no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return str(probe.getsockname()[0])
        except OSError:
            return "THIS-MACHINE"


SERVE_HELP = Messages({
    "short": {"en": "Run the class server until Ctrl-C.",
              "ja": "Ctrl-C を押すまでクラスのサーバーを動かします。"},
    "help": {"en": "Run the class server until Ctrl-C; on first start, create the class and print its secrets "
                   "once.",
             "ja": "Ctrl-C を押すまでクラスのサーバーを動かします。初回の起動でクラスを作り、その秘密の値を "
                   "1 度だけ表示します。"},
    "--host": {"en": "Address to listen on; 0.0.0.0 opens it to the room's network.",
               "ja": "待ち受けるアドレス。0.0.0.0 にすると教室のネットワークに公開します。"},
    "--port": {"en": "Port (0: any free port).",
               "ja": "ポート（0 なら空いている任意のポート）。"},
    "--db": {"en": "The class database (SQLite; default: in the user data folder).",
             "ja": "クラスのデータベース（SQLite。既定: ユーザーのデータフォルダー内）。"},
    "--stuck-attempts": {"en": "Failed attempts on one exercise that mark a learner stuck.",
                         "ja": "受講者を「つまずいている」とみなす、1 つの演習での不合格の回数。"},
    "--stuck-minutes": {"en": "Minutes on a failing exercise since the learner's last pass that mark them stuck.",
                        "ja": "受講者を「つまずいている」とみなす、最後の合格から不合格の演習に費やした分数。"},
    "--new-token": {"en": "Replace the instructor token (when it is lost).",
                    "ja": "講師用トークンを作り直します（なくしたとき）。"},
})


@class_group.command("serve", texts=SERVE_HELP)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None)
@click.option("--stuck-attempts", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--stuck-minutes", type=click.FloatRange(min=0.5), default=10.0, show_default=True)
@click.option("--new-token", is_flag=True)
@lang_option
def serve_command(host: str, port: int, db_path: str | None, stuck_attempts: int, stuck_minutes: float,
                  new_token: bool, lang: str | None) -> None:
    """Run the class server until Ctrl-C; on first start, create the class and print its secrets once."""
    from conclab.classroom import StuckRule
    from conclab.classroom.server import Ready, default_db, serve_class
    from conclab.curriculum.exercises import catalogue

    lang = resolve_lang(lang)
    db = Path(db_path) if db_path else default_db()
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(click.style(MESSAGES.get("open-warning", lang, host=host), fg="yellow"), err=True)
    room_host = _room_address() if host in ("0.0.0.0", "::") else None

    def ready(info: Ready) -> None:
        url = info.join_url
        click.echo(MESSAGES.get("up", lang, url=info.url, db=info.db))
        created = info.opened.instructor_token is not None
        key = ("renewed" if new_token else "created") if created else "existing"
        click.echo(MESSAGES.get(key, lang))
        if info.opened.instructor_token:
            click.echo(MESSAGES.get("token", lang, token=info.opened.instructor_token))
        click.echo(MESSAGES.get("dashboard", lang, url=url))
        click.echo(MESSAGES.get("code", lang, code=info.opened.join_code))
        click.echo(MESSAGES.get("learners", lang, url=url, code=info.opened.join_code))
        sys.stdout.flush()

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    log = logging.getLogger("conclab.classroom")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    serve_class(db=db, host=host, port=port, exercises=catalogue().ids(), lang=lang,
                rule=StuckRule(stuck_attempts, stuck_minutes), new_token=new_token, room_host=room_host,
                on_ready=ready)
    click.echo(MESSAGES.get("stopped", lang, db=db))


JOIN_HELP = Messages({
    "short": {"en": "Join the class at URL.",
              "ja": "URL のクラスに参加します。"},
    "help": {"en": "Join the class at URL once; from then on every verdict is sent there.",
             "ja": "URL のクラスに 1 度だけ参加します。以後、判定はすべてそこに送られます。"},
    "--code": {"en": "The join code the instructor shows.",
               "ja": "講師が示す参加コード。"},
    "--name": {"en": "Your name as the instructor will see it.",
               "ja": "講師に見える、あなたの名前。"},
})


@class_group.command("join", texts=JOIN_HELP)
@click.argument("url")
@click.option("--code", required=True)
@click.option("--name", required=True)
@lang_option
def join_command(url: str, code: str, name: str, lang: str | None) -> None:
    """Join the class at URL once; from then on every verdict is sent there."""
    from conclab.classroom import ClassConfig, check_url, join_class

    lang = resolve_lang(lang)
    check_url(url)
    config: ClassConfig = join_class(url, code, name)
    config.save()
    click.echo(MESSAGES.get("joined", lang, url=config.url, name=config.name))


STATUS_HELP = Messages({
    "short": {"en": "Show your class and the results waiting to be sent.",
              "ja": "参加中のクラスと送信待ちの結果を表示します。"},
    "help": {"en": "Show the class server, your name and how many results wait to be sent (and send them).",
             "ja": "クラスのサーバー、あなたの名前、送信待ちの結果の数を表示します（そして送ります）。"},
    "--json": {"en": "Print one JSON object.",
               "ja": "JSON オブジェクトを 1 つ出力します。"},
})


@class_group.command("status", texts=STATUS_HELP)
@click.option("--json", "as_json", is_flag=True)
@lang_option
def status_command(as_json: bool, lang: str | None) -> None:
    """Show the class server, your name and how many results wait to be sent (and send them)."""
    from conclab.classroom import class_status, outbox_dir

    lang = resolve_lang(lang)
    status = class_status()
    if as_json:
        print_json(status)
        return
    if not status["joined"]:
        click.echo(MESSAGES.get("not-joined", lang))
    else:
        click.echo(MESSAGES.get("status", lang, url=status["url"], name=status["name"],
                                waiting=status["waiting"]))
    if status["sent_now"]:
        click.echo(MESSAGES.get("sent-now", lang, sent=status["sent_now"]))
    if status["error"]:
        click.echo(MESSAGES.get("unreachable", lang, error=status["error"]))
    if status["rejected"]:
        click.echo(MESSAGES.get("rejected", lang, count=status["rejected"], folder=outbox_dir() / "rejected"))


LEAVE_HELP = Messages({
    "short": {"en": "Forget the class: verdicts are no longer sent.",
              "ja": "クラスから抜けます: 判定はもう送られません。"},
    "help": {"en": "Forget the class: verdicts are no longer sent.",
             "ja": "クラスから抜けます: 判定はもう送られません。"},
})


@class_group.command("leave", texts=LEAVE_HELP)
@lang_option
def leave_command(lang: str | None) -> None:
    """Forget the class: verdicts are no longer sent."""
    from conclab.classroom import ClassConfig, Outbox

    lang = resolve_lang(lang)
    config = ClassConfig.load()
    if config is None:
        click.echo(MESSAGES.get("not-joined", lang))
        return
    outbox = Outbox()
    if outbox.pending():
        with contextlib.suppress(OSError):
            outbox.send(config)  # a last try, so the instructor has everything
    ClassConfig.forget()
    moved, folder = outbox.set_aside()
    click.echo(MESSAGES.get("left", lang))
    if moved:
        click.echo(MESSAGES.get("left-kept", lang, waiting=moved, folder=folder))
