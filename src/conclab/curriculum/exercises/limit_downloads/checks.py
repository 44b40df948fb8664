"""Checks of limit_downloads: every URL downloaded, and the server never saw more than 3 at once.

The practice server counts requests in flight, so the limit is measured where
it matters, at the server. The peak must be exactly 3: more means no limit,
fewer means the downloads were serialised (a Lock, or a Semaphore(1)).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from conclab.curriculum.exercises._spec import ExerciseSpec
from conclab.curriculum.exercises._support import trailing_int, url_lines
from conclab.exercises import CheckContext
from conclab.i18n import Messages

URLS = 12
DELAY_S = 0.25
AT_ONCE = 3

MESSAGES = Messages({
    "all-name": {"en": "every URL downloaded", "ja": "すべての URL をダウンロード"},
    "all-ok": {"en": "{count} URLs, each with its size, and the total line", "ja": "{count} 個の URL のサイズと合計の行が表示されました"},
    "all-bad": {"en": "expected a line '<url> <bytes>' for each of the {count} URLs and a last line "
                      "'downloaded {count}'; {missing} URLs had no line",
                "ja": "{count} 個の URL それぞれについて '<url> <バイト数>' の行と、最後に 'downloaded {count}' の行が"
                      "必要です。行のない URL が {missing} 個ありました"},
    "peak-name": {"en": "at most {limit} at once", "ja": "同時に {limit} 件まで"},
    "peak-ok": {"en": "the server saw at most {peak} downloads in flight at once", "ja": "サーバーが同時に処理したダウンロードは最大 {peak} 件でした"},
    "peak-high": {"en": "the server saw {peak} downloads in flight at once, more than {limit}: the limit did not "
                        "hold. Every thread must share one Semaphore, created once, outside the function.",
                  "ja": "サーバーが同時に処理したダウンロードは {peak} 件で、{limit} 件を超えています。制限が効いていません。"
                        "Semaphore は関数の外で一度だけ作り、すべてのスレッドで共有してください。"},
    "peak-low": {"en": "the server saw only {peak} download(s) in flight at once: they were serialised. "
                       "A Lock lets one thread in; Semaphore({limit}) lets {limit} in.",
                 "ja": "サーバーが同時に処理したダウンロードは {peak} 件だけで、1 つずつ順番に実行されています。"
                       "Lock は 1 スレッドしか通しませんが、Semaphore({limit}) なら {limit} スレッドを通します。"},
})


def check(ctx: CheckContext) -> None:
    """Serve 12 slow URLs; read every line and the server's peak in flight."""
    from conclab.services import PracticeServer

    with PracticeServer(port=0) as server, tempfile.TemporaryDirectory(prefix="conclab-dl-") as folder:
        urls = [f"{server.url}/delay/{DELAY_S:g}?n={i}" for i in range(URLS)]
        url_file = Path(folder) / "urls.txt"
        url_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
        server.reset_stats()
        run = ctx.run([str(url_file)])
        peak = server.stats()["peak_in_flight"]
    if not ctx.require_clean_run(run):
        return
    reported = url_lines(run.output_lines)
    missing = sum(1 for url in urls if not reported.get(url))
    last = run.output_lines[-1] if run.output_lines else ""
    complete = missing == 0 and trailing_int(last) == URLS
    ctx.add(ctx.message(MESSAGES, "all-name"), complete,
            ctx.message(MESSAGES, "all-ok" if complete else "all-bad", count=URLS, missing=missing))
    key = "peak-ok" if peak == AT_ONCE else "peak-high" if peak > AT_ONCE else "peak-low"
    ctx.add(ctx.message(MESSAGES, "peak-name", limit=AT_ONCE), peak == AT_ONCE,
            ctx.message(MESSAGES, key, peak=peak, limit=AT_ONCE))


EXERCISE = ExerciseSpec(
    chapter="coordination",
    order=30,
    title={"en": "Limit concurrent downloads with a Semaphore", "ja": "Semaphore で同時ダウンロード数を制限する"},
    summary={"en": "threading.Semaphore keeps at most 3 downloads in flight (measured at the server)",
             "ja": "threading.Semaphore で同時ダウンロードを 3 件までに抑える（サーバー側で計測）"},
    check=check,
    limit_s=15.0,
    data_files={},
)
