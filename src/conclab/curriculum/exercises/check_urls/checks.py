"""Checks of check_urls, against the local practice server.

The checker serves the URLs itself (slow ones, one slower than the 1 s
timeout the statement sets, 404, 500, plain pages, and a port where nothing
listens), passes their file as argv[1], and then reads
three things: each URL's line, the total time (near the longest wait, delay
or timeout, not the sum), and the server's own gauge of how many requests were in flight at
once, which cannot be faked by printing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from conclab.curriculum.exercises._spec import ExerciseSpec
from conclab.curriculum.exercises._support import refused_url, url_lines
from conclab.exercises import CheckContext
from conclab.i18n import Messages

DELAYS = (0.8, 0.7, 0.6, 0.5)
TIMEOUT_S = 1.0  # what the statement asks for: requests.get(url, timeout=TIMEOUT_S)
TIMES_OUT_AFTER_S = 2.0  # the server answers this URL only after the learner's timeout
PEAK_MIN = 4
SLACK_S = 1.2

MESSAGES = Messages({
    "lines-name": {"en": "one right line per URL", "ja": "URL ごとに正しい行が 1 つ"},
    "lines-ok": {"en": "all {count} URLs reported with the right status", "ja": "{count} 個の URL すべてのステータスが正しく表示されました"},
    "lines-bad": {"en": "{problems}", "ja": "{problems}"},
    "missing": {"en": "no line for {url} (expected '{url} {expected}')",
                "ja": "{url} の行がありません（'{url} {expected}' が必要です）"},
    "repeated": {"en": "{url} was reported {times} times", "ja": "{url} が {times} 回表示されました"},
    "wrong-status": {"en": "{url}: printed '{got}', expected '{expected}'{why}",
                     "ja": "{url}: '{got}' と表示されましたが、'{expected}' が正解です{why}"},
    "why-error": {"en": " (a 404 or 500 is a response: print its code, do not treat it as an error)",
                  "ja": "（404 や 500 も応答です。エラー扱いせず、コードを表示してください）"},
    "why-timeout": {"en": " (the server answers this URL only after {delay:g} s: with requests.get(url, "
                           "timeout=TIMEOUT_S) it times out after {timeout:g} s and is an ERROR line)",
                    "ja": "（サーバーはこの URL に {delay:g} 秒後にしか応答しません。requests.get(url, timeout=TIMEOUT_S) "
                          "なら {timeout:g} 秒でタイムアウトし、ERROR の行になります）"},
    "why-refused": {"en": " (nothing listens there: print '<url> ERROR <reason>')",
                    "ja": "（そこでは何も待ち受けていません。'<url> ERROR <理由>' と表示してください）"},
    "time-name": {"en": "total time near the longest delay", "ja": "合計時間が最も長い遅延に近い"},
    "time-ok": {"en": "{elapsed:.2f} s; the longest wait (delay or timeout) is {longest:g} s and the sum {total:g} s",
                "ja": "{elapsed:.2f} 秒でした（最も長い待ち時間（遅延またはタイムアウト）は {longest:g} 秒、合計は {total:g} 秒）"},
    "time-bad": {"en": "{elapsed:.2f} s, but the longest wait (delay or timeout) is only {longest:g} s "
                       "(the sum is {total:g} s): "
                       "the requests waited for each other. Start them all before waiting for any.",
                 "ja": "{elapsed:.2f} 秒かかりました。最も長い待ち時間（遅延またはタイムアウト）は {longest:g} 秒"
                       "（合計 {total:g} 秒）なので、"
                       "リクエストが互いを待っています。どれかを待つ前に、すべてを開始してください。"},
    "peak-name": {"en": "requests in flight at once", "ja": "同時に処理中のリクエスト数"},
    "peak-ok": {"en": "the server saw {peak} requests in flight at once", "ja": "サーバーは最大 {peak} 件を同時に処理しました"},
    "peak-bad": {"en": "the server saw at most {peak} requests in flight at once; at least {minimum} are needed: "
                       "the other requests waited for a free worker. Give the pool one worker per URL.",
                 "ja": "サーバーが同時に処理したリクエストは最大 {peak} 件でした。{minimum} 件以上が必要です。"
                       "残りのリクエストは空きワーカーを待っていました。URL ごとにワーカーを用意してください。"},
})


def check(ctx: CheckContext) -> None:
    """Serve the URLs, run the learner's program on them, compare lines, time and peak."""
    from conclab.services import PracticeServer

    with PracticeServer(port=0) as server, tempfile.TemporaryDirectory(prefix="conclab-urls-") as folder:
        expected = {f"{server.url}/delay/{d:g}": "200" for d in DELAYS}
        expected.update({f"{server.url}/status/404": "404", f"{server.url}/status/500": "500",
                         f"{server.url}/json": "200", f"{server.url}/html": "200",
                         refused_url(): "ERROR"})
        timing_out = f"{server.url}/delay/{TIMES_OUT_AFTER_S:g}"
        expected[timing_out] = "ERROR"  # last: a program that crashes on an error crashes on the refused one first
        url_file = Path(folder) / "urls.txt"
        url_file.write_text("\n".join(expected) + "\n", encoding="utf-8")
        server.reset_stats()
        run = ctx.run([str(url_file)])
        peak = server.stats()["peak_in_flight"]
    if not ctx.require_clean_run(run):
        return
    reported = url_lines(run.output_lines)
    problems = []
    for url, want in expected.items():
        got = reported.get(url, [])
        if not got:
            problems.append(ctx.message(MESSAGES, "missing", url=url, expected=want if want != "ERROR"
                                        else "ERROR <reason>"))
        elif len(got) > 1:
            problems.append(ctx.message(MESSAGES, "repeated", url=url, times=len(got)))
        elif not _matches(got[0], want):
            why = ("why-timeout" if url == timing_out else "why-refused" if want == "ERROR"
                   else "why-error" if got[0].startswith("ERROR") else None)
            problems.append(ctx.message(MESSAGES, "wrong-status", url=url, got=f"{url} {got[0]}",
                                        expected=f"{url} {want}" if want != "ERROR" else f"{url} ERROR <reason>",
                                        why=ctx.message(MESSAGES, why, delay=TIMES_OUT_AFTER_S, timeout=TIMEOUT_S)
                                        if why else ""))
    ctx.add(ctx.message(MESSAGES, "lines-name"), not problems,
            ctx.message(MESSAGES, "lines-ok", count=len(expected)) if not problems
            else "\n".join(problems))
    longest, total = max(*DELAYS, TIMEOUT_S), sum(DELAYS) + TIMEOUT_S
    fast = run.elapsed_s <= longest + SLACK_S
    ctx.add(ctx.message(MESSAGES, "time-name"), fast,
            ctx.message(MESSAGES, "time-ok" if fast else "time-bad", elapsed=run.elapsed_s,
                        longest=longest, total=total))
    ctx.add(ctx.message(MESSAGES, "peak-name"), peak >= PEAK_MIN,
            ctx.message(MESSAGES, "peak-ok" if peak >= PEAK_MIN else "peak-bad", peak=peak, minimum=PEAK_MIN))


def _matches(got: str, want: str) -> bool:
    if want == "ERROR":
        return got.startswith("ERROR ") and len(got) > len("ERROR ")
    return got == want


EXERCISE = ExerciseSpec(
    chapter="threads-io",
    order=10,
    title={"en": "Check URLs concurrently", "ja": "URL を並行してチェックする"},
    summary={"en": "GET every URL of urls.txt at once with requests; print each status",
             "ja": "urls.txt の URL を requests で同時に GET し、それぞれのステータスを表示する"},
    check=check,
    limit_s=15.0,
    data_files={"urls.txt": """\
# One URL a line. Start the practice server first:  conclab serve practice --port 8000
# (conclab check writes its own list against a server it starts itself.)
http://127.0.0.1:8000/delay/1
http://127.0.0.1:8000/delay/1
http://127.0.0.1:8000/delay/2
http://127.0.0.1:8000/status/404
http://127.0.0.1:8000/status/500
http://127.0.0.1:8000/json
http://127.0.0.1:8001/nothing-listens-here
"""},
)
