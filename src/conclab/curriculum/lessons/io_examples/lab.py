"""Lab ``io-examples``: URLs, files, SQLite and a scraper, all against local resources.

The practice server stands in for the public echo service the texts used;
temporary files and the SQLite database live in a temporary directory that
is removed at the end (and checked to be gone).
"""

from __future__ import annotations

import os
import tempfile

from conclab.curriculum.lessons.io_examples import example
from conclab.lab import Claim, Lab, LabContext, Measured
from conclab.services.practice import PracticeServer

USERS = 20
DB_WORKERS = 4
FILES = 5
LINKS = ["/json", "/xml", "/delay/1"]


def run(ctx: LabContext) -> None:
    delay = ctx.pick(example.DELAY, 0.03)
    timeout = ctx.pick(5.0, 0.1)
    m = ctx.measured
    m.update(delay_s=delay, slow_urls=sum("/delay/" in p for p in example.PATHS), users=USERS,
             db_workers=DB_WORKERS, files=FILES, scrape_timeout_s=timeout)
    m["slow_sum_s"] = m["slow_urls"] * delay
    with PracticeServer(port=0, lang=ctx.lang) as server, \
            ctx.trace(example, fetch="GET {0}", count_words="count_words", insert_user="INSERT {1}"):
        urls = example.urls_for(server.url, delay)
        m["urls"] = len(urls)
        m["all_loopback"] = all(url.startswith("http://127.0.0.1:") for url in urls)
        with ctx.measure("sequential", label={"ja": "順番に"}):
            sequential = example.fetch_sequential(urls)
        with ctx.measure("pool5", label={"ja": "スレッドプール"}):
            pooled = example.fetch_pooled(urls)
        m["statuses"] = sorted({status for _, status, _ in sequential + pooled})
        m["same_answers"] = [a[:2] for a in sequential] == [a[:2] for a in pooled]
        with tempfile.TemporaryDirectory(prefix="conclab-io-") as folder:
            with ctx.measure("files", label={"ja": "ファイル"}):
                counted = example.process_files(example.write_files(folder, FILES))
            m["file_words"] = [words for _, words in counted]
            db_path = os.path.join(folder, "users.db")
            with ctx.measure("sqlite", label={"ja": "SQLite"}):
                m["rows"], m["connections"] = example.insert_users(db_path, USERS, DB_WORKERS)
        m["db_removed"] = not os.path.exists(db_path) and not os.path.exists(folder)
        with ctx.measure("scrape", label={"ja": "スクレイピング"}):
            scraped = example.scrape(server.url + "/html", timeout=timeout)
        m["banned"] = example.disallowed(server.url)
    spans = ctx.recorder.spans()
    m["db_threads"] = len({s.lane for s in spans if s.name.startswith("INSERT ")})
    m["inserts"] = sum(1 for s in spans if s.name.startswith("INSERT "))
    m["title"] = scraped["title"]
    m["links"] = scraped["links"]
    m["pages"] = scraped["pages"]
    m["parsed"] = sorted(v for v in scraped["pages"].values() if v.startswith(("json:", "xml:")))
    m["slow_link"] = scraped["pages"].get("/delay/1", "")
    m["speedup"] = m["sequential_s"] / m["pool5_s"]
    ctx.table(
        {"en": f"{len(urls)} URLs on the practice server ({m['slow_urls']} take {delay:.2f} s each)",
         "ja": f"練習用サーバーの URL {len(urls)} 個（うち {m['slow_urls']} 個はそれぞれ {delay:.2f} 秒かかる）"},
        [{"en": "way", "ja": "やり方"}, {"en": "took (s)", "ja": "所要（秒）"}],
        [[ctx.text({"en": "one after another", "ja": "順番に"}), m["sequential_s"]],
         [ctx.text({"en": "pool of 5 threads", "ja": "スレッド 5 本のプール"}), m["pool5_s"]]],
    )
    ctx.table(
        {"en": "Files, SQLite and the scraper", "ja": "ファイル、SQLite、スクレイパー"},
        [{"en": "step", "ja": "内容"}, {"en": "result", "ja": "結果"}],
        [[ctx.text({"en": "words in {0} files (one thread each)", "ja": "{0} 個のファイルの単語数（1 ファイル 1 スレッド）"}, FILES),
          " + ".join(map(str, m["file_words"])) + f" = {sum(m['file_words'])}"],
         [ctx.text({"en": "{0} INSERTs from a pool of {1}", "ja": "プール {1} 本から INSERT {0} 回"}, USERS, DB_WORKERS),
          ctx.text({"en": "{0} rows, {1} connections for {2} threads", "ja": "{0} 行、{2} スレッドに {1} 接続"},
                   m["rows"], m["connections"], m["db_threads"])],
         [ctx.text({"en": "scraped {0}", "ja": "{0} をスクレイピング"}, "/html"),
          "; ".join(f"{path} -> {summary}" for path, summary in m["pages"].items())]],
    )


def pool_overlaps(m: Measured) -> bool:
    return (m["statuses"] == [200] and m["same_answers"]
            and m["sequential_s"] >= 0.95 * m["slow_sum_s"]
            and m["pool5_s"] <= 1.5 * m["delay_s"] + 0.1)


def files_counted(m: Measured) -> bool:
    return m["file_words"] == [10 * (i + 1) for i in range(m["files"])]


def sqlite_rows(m: Measured) -> bool:
    return (m["rows"] == m["users"] == m["inserts"] and 1 <= m["connections"] <= m["db_workers"]
            and m["connections"] == m["db_threads"] and m["db_removed"])


def scraper_works(m: Measured) -> bool:
    slow_ok = m["slow_link"] == "34 bytes" or m["slow_link"].startswith("failed")
    return (m["title"] == "conclab practice page" and m["links"] == LINKS and "/deny" in m["banned"]
            and m["parsed"] == ["json: Concurrency in Python", "xml: Concurrency in Python"] and slow_ok)


LAB = Lab(
    id="io-examples",
    chapter="threads-io",
    order=3,
    title={"en": "I/O examples: URLs, files, SQLite and a scraper, all local",
           "ja": "I/O の例: URL、ファイル、SQLite、スクレイパー（すべてローカル）"},
    summary={"en": "The texts' I/O examples against the local practice server, temp files and a temp SQLite database.",
             "ja": "テキストの I/O の例を、練習用サーバー、一時ファイル、一時 SQLite データベースで再現する。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("local-only",
              {"en": "All {urls} URLs were on 127.0.0.1 (the practice server): nothing left this machine.",
               "ja": "{urls} 個の URL はすべて 127.0.0.1（練習用サーバー）でした。このマシンの外には何も出ていません。"},
              lambda m: m["all_loopback"], uses=("urls", "all_loopback"), sensitive_to=(),
              not_held={"en": "Not every URL was on 127.0.0.1: this run used an address outside the practice server.",
                        "ja": "127.0.0.1 以外の URL がありました。この実行は練習用サーバー以外のアドレスを使いました。"}),
        Claim("pool-of-five-overlaps",
              {"en": "One after another the URLs took {sequential_s:.2f} s (the slow ones alone add up to "
                     "{slow_sum_s:.2f} s); a pool of 5 took {pool5_s:.2f} s, about one slow answer "
                     "({speedup:.1f}x faster), with the same 200 answers.",
               "ja": "順番に取得すると {sequential_s:.2f} 秒かかりました（遅い URL だけで合計 {slow_sum_s:.2f} 秒）。5 本のプールでは {pool5_s:.2f} 秒で、遅い応答ほぼ 1 回分です（{speedup:.1f} 倍速い）。応答はどちらも同じ 200 でした。"},
              pool_overlaps, uses=("sequential_s", "pool5_s", "slow_sum_s", "delay_s", "statuses"),
              not_held={"en": "One after another the URLs took {sequential_s:.2f} s (slow ones alone {slow_sum_s:.2f} s) and a pool of 5 took {pool5_s:.2f} s ({speedup:.1f}x): not about one slow answer with the same 200 answers.",
                        "ja": "順番に取得すると {sequential_s:.2f} 秒（遅い URL だけで合計 {slow_sum_s:.2f} 秒）、5 本のプールでは {pool5_s:.2f} 秒（{speedup:.1f} 倍）でした。「同じ 200 の応答で、遅い応答ほぼ 1 回分」にはなりませんでした。"}),
        Claim("files-counted",
              {"en": "{files} files processed in {files} threads, results collected under a lock: "
                     "word counts {file_words}, all correct.",
               "ja": "{files} 個のファイルを {files} 本のスレッドで処理し、結果をロックの下で集めました。単語数は {file_words} で、すべて正しい値です。"},
              files_counted, uses=("file_words", "files"), sensitive_to=(),
              not_held={"en": "{files} files processed in {files} threads gave word counts {file_words}: not all correct.",
                        "ja": "{files} 個のファイルを {files} 本のスレッドで処理した結果、単語数は {file_words} で、すべては正しくありませんでした。"}),
        Claim("sqlite-rows-counted",
              {"en": "{inserts} INSERTs from a pool of {db_workers} left exactly {rows} rows; {connections} "
                     "connections for {db_threads} threads (one each), and the temporary database was removed.",
               "ja": "{db_workers} 本のプールから {inserts} 回 INSERT し、テーブルにはちょうど {rows} 行ありました。{db_threads} スレッドに {connections} 接続（1 スレッド 1 接続）で、一時データベースは削除されました。"},
              sqlite_rows, uses=("rows", "users", "inserts", "connections", "db_threads", "db_removed"),
              sensitive_to=(),
              not_held={"en": "{inserts} INSERTs from a pool of {db_workers} left {rows} rows with {connections} connections for {db_threads} threads: not the exact count and one connection per thread expected.",
                        "ja": "{db_workers} 本のプールから {inserts} 回 INSERT し、テーブルには {rows} 行、{db_threads} スレッドに {connections} 接続でした。想定した「ちょうどの行数、1 スレッド 1 接続」にはなりませんでした。"}),
        Claim("scraper-follows-links",
              {"en": "The scraper read \"{title}\", found the links {links}, respected robots.txt, parsed "
                     "{parsed}; the slow link gave: {slow_link}.",
               "ja": "スクレイパーは「{title}」を読み、リンク {links} を見つけ、robots.txt に従い、{parsed} を解析しました。遅いリンクの結果: {slow_link}。"},
              scraper_works, uses=("title", "links", "parsed", "slow_link"), sensitive_to=(),
              not_held={"en": "The scraper read \"{title}\", found {links}, parsed {parsed}; the slow link gave: {slow_link}. Not everything matched the practice site.",
                        "ja": "スクレイパーは「{title}」を読み、リンク {links} を見つけ、{parsed} を解析しました。遅いリンクの結果: {slow_link}。練習用サイトの内容と一致しないところがありました。"}),
    ),
)
