"""Every string the game shows, in English and Japanese."""

from __future__ import annotations

from conclab.i18n import Messages

MESSAGES = Messages({
    "header": {"en": "conclab play · level {number}/{total} · {title}",
               "ja": "conclab play · レベル {number}/{total} · {title}"},
    "goal": {"en": "Goal: {goal}", "ja": "目標: {goal}"},
    "goal-correct": {"en": "This code is correct. Try anyway: can you break it?",
                     "ja": "このコードは正しいはずです。それでも壊せるか試してください。"},
    "status-runnable": {"en": "can run", "ja": "実行可能"},
    "status-blocked": {"en": "blocked", "ja": "待機中"},
    "status-done": {"en": "finished", "ja": "終了"},
    "status-not started": {"en": "not started", "ja": "未開始"},
    "next": {"en": "next: {op}", "ja": "次: {op}"},
    "holds": {"en": "holds: {names}", "ja": "保持: {names}"},
    "waits": {"en": "waits for: {what}", "ja": "待ち: {what}"},
    "shared": {"en": "Shared: {state}", "ja": "共有変数: {state}"},
    "nothing-shared": {"en": "(none)", "ja": "（なし）"},
    "moves": {"en": "Moves: {n}", "ja": "手数: {n}"},
    "keys": {"en": "{threads} run a thread · u undo · r restart · h hint · ? keys · q quit",
             "ja": "{threads} で進める · u 戻す · r 最初から · h ヒント · ? 説明 · q 終了"},
    "keys-tasks": {"en": "{threads} run a task · u undo · r restart · h hint · ? keys · q quit",
                   "ja": "{threads} で進める · u 戻す · r 最初から · h ヒント · ? 説明 · q 終了"},
    "help": {
        "en": "Keys: a thread's number lets that thread take its next step (one line, or one "
              "shared operation at opcode granularity); u undoes the last move; r restarts; h shows "
              "the next hint; ? shows this help; q leaves. The program is real Python, run by this "
              "interpreter: each step is replayed from the start.",
        "ja": "キー: スレッドの番号を押すと、そのスレッドが次の 1 歩（1 行、または命令単位のレベルでは"
              "共有データへの操作 1 つ）を進みます。u で 1 手戻し、r で最初からやり直し、h で次のヒント、"
              "? でこの説明、q で終了します。プログラムは本物の Python で、このインタープリターが実行"
              "します。1 歩ごとに最初から再生しています。"},
    "hint": {"en": "Hint {n}/{total}: {text}", "ja": "ヒント {n}/{total}: {text}"},
    "no-more-hints": {"en": "No more hints.", "ja": "ヒントはこれで全部です。"},
    "cannot-run": {"en": "{thread} cannot run now ({status}).", "ja": "{thread} はいま実行できません（{status}）。"},
    "nothing-to-undo": {"en": "Nothing to undo.", "ja": "戻す手がありません。"},
    "won": {"en": "You won in {n} moves: {finding}", "ja": "{n} 手でクリアしました: {finding}"},
    "lost": {"en": "The program finished without reaching the goal. Press u to undo or r to restart.",
             "ja": "目標に届かないままプログラムが終わりました。u で戻すか、r で最初からやり直してください。"},
    "other-finding": {"en": "Something else went wrong ({kind}), not the goal: {finding}",
                      "ja": "目標とは別の問題が起きました（{kind}）: {finding}"},
    "proof-none": {
        "en": "The explorer tried {n} schedules ({bound}): none reaches the goal. This code holds.",
        "ja": "インターリーブ探索（`conclab explore`）が {n} 通りのスケジュール（{bound}）を試し、"
              "目標に届くものは 1 つもありませんでした。このコードは持ちこたえます。"},
    "proof-bound-exhausted": {"en": "every schedule with at most {k} preemptions",
                              "ja": "プリエンプション {k} 回以内のすべて"},
    "proof-bound-partial": {"en": "not every schedule", "ja": "すべてではありません"},
    "proof-found": {"en": "The explorer found a winning schedule: {schedule}",
                    "ja": "インターリーブ探索が目標に届くスケジュールを見つけました: {schedule}"},
    "level-cleared": {"en": "Level cleared.", "ja": "レベルをクリアしました。"},
    "schedule": {"en": "Your schedule, step by step:", "ja": "あなたのスケジュール（1 歩ずつ）:"},
    "teaches": {"en": "What this level teaches:", "ja": "このレベルで学ぶこと:"},
    "after-win": {"en": "u undo · r play again · n next level · q quit",
                  "ja": "u 戻す · r もう一度 · n 次のレベル · q 終了"},
    "list-title": {"en": "Play the scheduler: {won}/{total} levels cleared",
                   "ja": "スケジューラーになって遊ぶ: {total} レベル中 {won} クリア"},
    "list-best": {"en": "best {n} moves", "ja": "最少 {n} 手"},
    "list-correct": {"en": "correct code", "ja": "正しいコード"},
    "act": {"en": "Act {n}: {title}", "ja": "第 {n} 幕: {title}"},
    "plan-read": {"en": "read {target}", "ja": "{target} を読む"},
    "plan-write": {"en": "write {target}", "ja": "{target} に書く"},
    "plan-delete": {"en": "delete {target}", "ja": "{target} を削除"},
    "plan-check": {"en": "check {target}", "ja": "{target} を確かめる"},
})
