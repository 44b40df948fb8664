"""Checks of sqlite_threads: the rows really in the database, the printed count, and overlapping fetches.

The checker names a fresh database file, runs the program, then opens the
file itself and reads the table: every id 0..99 once with its name. A
program whose pool threads all failed can still exit with status 0 and even
print a count; the file tells the truth. When the program crashed on the
classic sqlite3 threading errors, the checker says what they mean.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from conclab.curriculum.exercises._spec import ExerciseSpec
from conclab.exercises import CheckContext
from conclab.i18n import Messages

ROWS = 100
FETCH_S = 0.02
FETCH_SLACK_S = 1.0  # one after another, the fetches alone take 2 s; overlapped, about 0.2 s

MESSAGES = Messages({
    "same-thread": {"en": "a sqlite3 connection refused to be used by a thread other than the one that created it "
                          "(check_same_thread). Give each pool thread its own connection, opened inside the "
                          "thread, or open the shared one with check_same_thread=False and guard every use of it "
                          "with one threading.Lock.",
                    "ja": "sqlite3 の接続が、それを作ったスレッド以外からの利用を拒みました（check_same_thread）。"
                          "プールの各スレッドにそのスレッドの中で開いた専用の接続を持たせるか、共有する接続を "
                          "check_same_thread=False で開き、使うたびに 1 つの threading.Lock で守ってください。"},
    "mixed": {"en": "two threads used one connection at the same time: a transaction belongs to the connection, "
                    "so their BEGIN and COMMIT got mixed up. Guard every use of the shared connection (execute "
                    "and commit together) with one threading.Lock, or give each thread its own connection.",
              "ja": "2 つのスレッドが 1 つの接続を同時に使いました。トランザクションは接続ごとのものなので、"
                    "それぞれの BEGIN と COMMIT が混ざってしまいます。共有する接続を使う部分（execute と commit を"
                    "まとめて）を 1 つの threading.Lock で守るか、スレッドごとに接続を持たせてください。"},
    "explain-name": {"en": "what the error means", "ja": "エラーの意味"},
    "rows-name": {"en": "every row in the database", "ja": "すべての行がデータベースにある"},
    "rows-ok": {"en": "the table holds the {expected} rows, each once, and the program printed 'rows: {expected}'",
                "ja": "テーブルに {expected} 行がそれぞれ一度ずつあり、'rows: {expected}' も表示されました"},
    "rows-short": {"en": "the table holds {rows} of {expected} rows, yet the program exited with status 0: the "
                         "inserts failed in the pool threads, and nobody asked for their exceptions. An exception "
                         "in a pool thread is kept in its future and vanishes unless you call future.result() "
                         "(or read every result of executor.map). Do that, and read the error it shows.",
                   "ja": "テーブルには {expected} 行のうち {rows} 行しかないのに、プログラムは終了コード 0 で終わりました。"
                         "プールのスレッドで挿入が失敗し、その例外を誰も受け取っていません。プールのスレッドで起きた"
                         "例外は future の中にしまわれ、future.result() を呼ぶ（または executor.map の結果をすべて読む）"
                         "まで表に出てきません。そうしてから、表示されるエラーを読んでください。"},
    "rows-wrong": {"en": "the table does not hold ids 0..{last} once each with their names (missing: {missing}, "
                         "wrong: {wrong})",
                   "ja": "テーブルに id 0..{last} がそれぞれの名前とともに一度ずつ入っていません（足りない: {missing}、"
                         "誤り: {wrong}）"},
    "no-table": {"en": "could not read the table 'records' from {path}: {error}",
                 "ja": "{path} からテーブル 'records' を読めませんでした: {error}"},
    "printed-bad": {"en": "the table is right, but the last line should be 'rows: {expected}', got {got!r}",
                    "ja": "テーブルは正しいですが、最後の行は 'rows: {expected}' であるべきところ、{got!r} でした"},
    "time-name": {"en": "fetches overlap", "ja": "取得が重なって進む"},
    "time-ok": {"en": "{rows} fetches of {fetch:g} s took {wall:.2f} s in all", "ja": "{fetch:g} 秒の取得 {rows} 件が全体で {wall:.2f} 秒で終わりました"},
    "time-bad": {"en": "{rows} fetches of {fetch:g} s took {wall:.2f} s in all: they ran one after another. Run "
                       "fetch and save in a ThreadPoolExecutor, and keep the fetch outside any lock.",
                 "ja": "{fetch:g} 秒の取得 {rows} 件に全体で {wall:.2f} 秒かかりました。1 つずつ順番に実行されています。"
                       "取得と保存を ThreadPoolExecutor で実行し、取得はロックの外で行ってください。"},
})


def _explain(stderr: str) -> str | None:
    if "can only be used in that same thread" in stderr:
        return "same-thread"
    if any(text in stderr for text in ("within a transaction", "no transaction is active",
                                       "Recursive use of cursors", "SQL statements in progress")):
        return "mixed"
    return None


def _table(path: Path) -> tuple[dict[int, list[str]], str | None]:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            rows = conn.execute("SELECT id, name FROM records").fetchall()
    except sqlite3.Error as error:
        return {}, str(error)
    found: dict[int, list[str]] = {}
    for row_id, name in rows:
        found.setdefault(int(row_id), []).append(str(name))
    return found, None


def _commit_cost(rows: int) -> float:
    """Seconds this machine takes to insert and commit ``rows`` rows one at a time."""
    import time

    with tempfile.TemporaryDirectory(prefix="conclab-sqlite-cost-") as folder:
        conn = sqlite3.connect(str(Path(folder) / "cost.db"))
        try:
            conn.execute("CREATE TABLE records (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
            conn.commit()
            start = time.perf_counter()
            for n in range(rows):
                conn.execute("INSERT INTO records (id, name) VALUES (?, ?)", (n, f"record-{n}"))
                conn.commit()
            return time.perf_counter() - start
        finally:
            conn.close()


def check(ctx: CheckContext) -> None:
    """Run on a fresh file, then read the file."""
    with tempfile.TemporaryDirectory(prefix="conclab-sqlite-") as folder:
        path = Path(folder) / "records.db"
        run = ctx.run([str(path)])
        if not ctx.require_clean_run(run):
            key = _explain(run.stderr)
            if key:
                ctx.add(ctx.message(MESSAGES, "explain-name"), False, ctx.message(MESSAGES, key))
            return
        found, error = _table(path)
    name = ctx.message(MESSAGES, "rows-name")
    if error is not None:
        ctx.add(name, False, ctx.message(MESSAGES, "no-table", path=path.name, error=error))
        return
    missing = [n for n in range(ROWS) if n not in found]
    wrong = [n for n, names in found.items() if names != [f"record-{n}"]]
    last = run.output_lines[-1].strip() if run.output_lines else ""
    if len(found) < ROWS and not wrong:
        ok = ctx.add(name, False, ctx.message(MESSAGES, "rows-short", rows=len(found), expected=ROWS))
    elif missing or wrong:
        ok = ctx.add(name, False, ctx.message(MESSAGES, "rows-wrong", last=ROWS - 1,
                                              missing=", ".join(map(str, missing[:5])) or "-",
                                              wrong=", ".join(map(str, wrong[:5])) or "-"))
    elif last != f"rows: {ROWS}":
        ok = ctx.add(name, False, ctx.message(MESSAGES, "printed-bad", expected=ROWS, got=last))
    else:
        ok = ctx.add(name, True, ctx.message(MESSAGES, "rows-ok", expected=ROWS))
    if ok:
        # Saving 100 rows one commit at a time costs what the disk costs here (an fsync each,
        # slower on a busy machine); that part may run one at a time. The fetches may not.
        budget = _commit_cost(ROWS) + FETCH_SLACK_S
        fast = run.elapsed_s <= budget
        ctx.add(ctx.message(MESSAGES, "time-name"), fast,
                ctx.message(MESSAGES, "time-ok" if fast else "time-bad", rows=ROWS, fetch=FETCH_S,
                            wall=run.elapsed_s))


EXERCISE = ExerciseSpec(
    chapter="threads-io",
    order=40,
    title={"en": "Safe SQLite inserts from threads", "ja": "スレッドから SQLite に安全に書き込む"},
    summary={"en": "fetch in a thread pool, insert into SQLite with a lock or one connection per thread",
             "ja": "スレッドプールで取得し、ロックかスレッドごとの接続で SQLite に挿入する"},
    check=check,
    limit_s=10.0,
)
