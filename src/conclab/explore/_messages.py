"""Every string the explorer shows a learner, in English and Japanese."""

from __future__ import annotations

from conclab.i18n import Messages

MESSAGES = Messages({
    # operations in the step table
    "op.read": {"en": "read {target} -> {value}", "ja": "{target} を読む -> {value}"},
    "op.write": {"en": "write {target} <- {value}", "ja": "{target} に書く <- {value}"},
    "op.delete": {"en": "delete {target}", "ja": "{target} を削除"},
    "op.check": {"en": "check {target} -> {value}", "ja": "{target} を確かめる -> {value}"},
    "op.acquire": {"en": "acquire {target}", "ja": "{target} を取得"},
    "op.acquire-failed": {"en": "try {target}: busy", "ja": "{target} を試す: 使用中"},
    "op.release": {"en": "release {target}", "ja": "{target} を解放"},
    "op.blocked": {"en": "wait: {target}", "ja": "待つ: {target}"},
    "op.timeout": {"en": "gave up waiting (timeout)", "ja": "待つのをやめた（タイムアウト）"},
    "op.sleep": {"en": "sleep {value} s (virtual clock)", "ja": "{value} 秒スリープ（仮想時計）"},
    "op.clock": {"en": "virtual clock jumps to {value} s", "ja": "仮想時計が {value} 秒へ進む"},
    "op.notify": {"en": "notify {target}", "ja": "{target} に通知"},
    "op.start": {"en": "start {target}", "ja": "{target} を開始"},
    "op.finish": {"en": "finished", "ja": "終了"},
    "op.raise": {"en": "raised {value}", "ja": "例外 {value} を送出"},
    "op.await": {"en": "yield at await", "ja": "await で処理を譲る"},
    # what a blocked thread waits for
    "wait.lock": {"en": "{name} (held by {holder})", "ja": "{name}（{holder} が保持）"},
    "wait.lock-free": {"en": "{name}", "ja": "{name}"},
    "wait.condition": {"en": "condition {name} to be notified", "ja": "条件変数 {name} の通知"},
    "wait.event": {"en": "event {name} to be set", "ja": "イベント {name} のセット"},
    "wait.semaphore": {"en": "semaphore {name} (value 0)", "ja": "セマフォ {name}（残り 0）"},
    "wait.barrier": {"en": "barrier {name}", "ja": "バリア {name}"},
    "wait.queue-get": {"en": "an item in queue {name} (empty)", "ja": "キュー {name} の要素（空）"},
    "wait.queue-put": {"en": "room in queue {name} (full)", "ja": "キュー {name} の空き（満杯）"},
    "wait.queue-join": {"en": "all items of queue {name} to be done", "ja": "キュー {name} の全要素の完了"},
    "wait.join": {"en": "{name} to finish", "ja": "{name} の終了"},
    "wait.task": {"en": "{where}", "ja": "{where}"},
    "wait.lock-nobody": {"en": "{name} (held by nobody)", "ja": "{name}（誰も保持していない）"},
    # findings
    "kind.assertion": {"en": "check() failed", "ja": "check() が失敗"},
    "kind.exception": {"en": "uncaught exception", "ja": "捕捉されない例外"},
    "kind.deadlock": {"en": "deadlock", "ja": "デッドロック"},
    "kind.step-limit": {"en": "step limit exceeded (livelock or busy wait)",
                        "ja": "ステップ上限を超過（ライブロックまたはビジーウェイト）"},
    "kind.hang": {"en": "stuck outside the scheduler (real blocking call)",
                  "ja": "スケジューラーの外で停止（実際のブロッキング呼び出し）"},
    "finding.assertion": {"en": "check() failed at {where}: {detail}",
                          "ja": "check() が {where} で失敗: {detail}"},
    "finding.exception": {"en": "{thread} raised {detail} at {where}",
                          "ja": "{thread} が {where} で {detail} を送出"},
    "finding.check-exception": {"en": "check() raised {detail} at {where}",
                                "ja": "check() が {where} で {detail} を送出"},
    "finding.deadlock": {"en": "deadlock: {cycle}", "ja": "デッドロック: {cycle}。"},
    "finding.deadlock-edge": {"en": "{thread} holds {holds} and waits for {waits}",
                              "ja": "{thread} は {holds} を保持したまま {waits} を待っています"},
    "finding.deadlock-wait": {"en": "{thread} waits for {waits}", "ja": "{thread} は {waits} を待っています"},
    "finding.step-limit": {
        "en": "no progress after {limit} steps: {thread} keeps running {where} `{source}`",
        "ja": "{limit} ステップ進んでも終わりません。{thread} が {where} の `{source}` を回り続けています。"},
    "finding.hang": {
        "en": "{thread} did not come back to the scheduler for {seconds} s: it is blocked in a call "
              "conclab does not control at {where} `{source}` (real I/O or a lock from outside the scenario)",
        "ja": "{thread} が {seconds} 秒間スケジューラーに戻りません。conclab が制御できない呼び出しのため、"
              "{where} の `{source}` で止まっています（実際の I/O か、シナリオの外のロック）"},
    "finding.hang-leaked": {
        "en": "; the thread could not be stopped and is left as a daemon",
        "ja": "。このスレッドは止められないため、デーモンとして残ります"},
    "separator": {"en": "; ", "ja": "。"},
    "unknown-place": {"en": "an unknown place", "ja": "不明な場所"},
    # summaries
    "summary.none": {
        "en": "No bug found in {n} schedules ({how}). This is what was explored, not a proof.",
        "ja": "{n} 通りのスケジュールでバグは見つかりませんでした（{how}）。探索した範囲での結果であり、"
              "証明ではありません。"},
    "summary.finding": {
        "en": "Found: {kind} after {n} schedules in {seconds} s ({strategy}).",
        "ja": "発見: {kind}（{n} 通り目のスケジュール、{seconds} 秒、{strategy}）。"},
    "how.dfs-exhausted": {"en": "dfs, preemption bound {bound}: every schedule within the bound was run",
                          "ja": "dfs、プリエンプション上限 {bound}。上限内の全スケジュールを実行済み"},
    "how.dfs-partial": {"en": "dfs, preemption bound {bound}: the bounded space was not exhausted",
                        "ja": "dfs、プリエンプション上限 {bound}。上限内の探索は未完了"},
    "how.auto-exhausted": {
        "en": "dfs with preemption bound {bound} exhausted, and {extra} more by pos, pct and random",
        "ja": "プリエンプション上限 {bound} の dfs を完了し、pos、pct、random でさらに {extra} 通り"},
    "how.random": {"en": "random, seed {seed}", "ja": "random、シード {seed}"},
    "how.pct": {"en": "pct, seed {seed}", "ja": "pct、シード {seed}"},
    "how.pos": {"en": "pos, seed {seed}", "ja": "pos、シード {seed}"},
    "how.replay": {"en": "replay of one schedule", "ja": "1 つのスケジュールを再生"},
    "how.interactive": {"en": "you chose the schedule", "ja": "あなたが選んだスケジュール"},
    # table headers
    "col.step": {"en": "step", "ja": "ステップ"},
    "col.thread": {"en": "thread", "ja": "スレッド"},
    "col.where": {"en": "where", "ja": "場所"},
    "col.line": {"en": "line", "ja": "行"},
    "col.source": {"en": "source", "ja": "ソース"},
    "col.operation": {"en": "operation", "ja": "操作"},
    "table.omitted": {"en": "... {n} rows omitted ...", "ja": "... {n} 行省略 ..."},
    "table.more-rows": {"en": "... {count} more steps", "ja": "... ほか {count} ステップ"},
    "final-state": {"en": "Final state", "ja": "最終状態"},
    "expected": {"en": "check() expected: {detail}", "ja": "check() の期待: {detail}"},
})
