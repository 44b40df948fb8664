"""What the web-counter check says, in both languages (GLOSSARY's terms, です・ます調)."""

from __future__ import annotations

from conclab.i18n import Messages

MESSAGES = Messages({
    # names of the results
    "answers-name": {"en": "3 requests at once: answers", "ja": "同時に 3 リクエスト: 応答"},
    "timing-name": {"en": "together or in turns", "ja": "同時に処理か、順番待ちか"},
    "count-name": {"en": "the request count", "ja": "リクエスト数のカウント"},
    "log-name": {"en": "the server's log", "ja": "サーバーのログ"},
    "cpu-name": {"en": "CPU while waiting", "ja": "待っている間の CPU"},
    "explore-name": {"en": "2 requests, every interleaving (conclab explore)",
                     "ja": "2 リクエストのインターリーブ探索（conclab explore）"},
    "server-name": {"en": "the server", "ja": "サーバー"},
    # how the server was reached
    "mode-attached": {"en": "Firing 3 requests at once at your server on port {port} (as 'curl localhost:{port} &' "
                            "three times does). Your server's log is in its own terminal: read it there.",
                      "ja": "ポート {port} で動いているあなたのサーバーに、3 つのリクエストを同時に送ります"
                            "（'curl localhost:{port} &' を 3 回実行するのと同じです）。サーバーのログは、"
                            "サーバーを起動したターミナルで読んでください。"},
    "mode-started": {"en": "Nothing listened on port {wanted}, so conclab started 'python main.py {port} {work:g}' "
                           "itself (port {port}, {work:g} s of work) and fired 3 requests at once.",
                     "ja": "ポート {wanted} で待ち受けているサーバーがなかったので、conclab が "
                           "'python main.py {port} {work:g}' を自分で起動し（ポート {port}、処理 {work:g} 秒）、"
                           "3 つのリクエストを同時に送りました。"},
    "other-program": {"en": "port {port} is served by '{program}', not by {file}: stop that server (Ctrl-C in its "
                            "terminal) and run 'python main.py', or pass --port",
                      "ja": "ポート {port} で動いているのは {file} ではなく '{program}' です。そのサーバーを止めて"
                            "（そのターミナルで Ctrl-C）'python main.py' を実行するか、--port を指定してください"},
    "stale": {"en": "Your server was started before {file} was last saved, so it still runs the old code: stop it "
                    "(Ctrl-C) and run 'python main.py' again, then check again.",
              "ja": "サーバーを起動したあとで {file} が保存されているため、サーバーはまだ古いコードで動いています。"
                    "Ctrl-C で止めて 'python main.py' をもう一度実行してから、チェックし直してください。"},
    # answers
    "answers-ok": {"en": "all 3 requests got 200: {bodies}", "ja": "3 つのリクエストすべてが 200 を受け取りました: {bodies}"},
    "answers-missing": {"en": "{missing} of 3 requests got no answer ({reasons}).",
                        "ja": "3 つのリクエストのうち {missing} つに応答がありませんでした（{reasons}）。"},
    "no-release": {"en": "The first request took the lock with acquire() and never released it, so every later "
                         "request waits in acquire() forever. Call release() right after writing the count back "
                         "(the 'with' of the next step does it for you, even when an exception is raised). "
                         "Your server is now stuck: restart it.",
                   "ja": "最初のリクエストが acquire() でロックを獲得したまま解放していないため、後から来た"
                         "リクエストはいつまでも acquire() で待ち続けます。カウントを書き戻した直後に release() を"
                         "呼んでください（次のステップの with なら、例外が起きても必ず解放されます）。"
                         "サーバーは止まったままなので、起動し直してください。"},
    "stuck-other": {"en": "Some requests never got an answer: something in the handler waits forever.",
                    "ja": "応答が返ってこないリクエストがあります。ハンドラーの中の何かが、いつまでも待ち続けています。"},
    "failure": {"en": "{file} could not serve: {detail}", "ja": "{file} がリクエストを処理できませんでした: {detail}"},
    # timing
    "timing-text": {"en": "the last answer came {units:.1f} times as late as the first ({first:.2f} s and "
                          "{last:.2f} s): about 1 means the 3 requests overlapped, about 3 that they took turns",
                    "ja": "最後の応答は最初の応答の {units:.1f} 倍の時間で返ってきました（{first:.2f} 秒と "
                          "{last:.2f} 秒）。約 1 倍なら 3 つのリクエストは重なって処理され、約 3 倍なら順番待ちです"},
    "together-ok": {"en": "{timing}. Served together: each request runs in its own thread.",
                    "ja": "{timing}。同時に処理されています。リクエストごとにスレッドが動いています。"},
    "turns-ok": {"en": "{timing}. They took turns: the lock keeps the count exact, but it also makes the slow "
                       "work run one request at a time (3 requests, about 3 units of work).",
                 "ja": "{timing}。順番待ちになりました。ロックのおかげでカウントは正確ですが、時間のかかる処理まで "
                       "1 リクエストずつになっています（3 リクエストで処理およそ 3 回分）。"},
    "turns-spin": {"en": "{timing}. They took turns behind the flag, as a lock would make them.",
                   "ja": "{timing}。ロックと同じように、フラグの後ろで順番待ちになりました。"},
    "one-at-a-time": {"en": "{timing}. The requests were served one at a time: HTTPServer (and TCPServer) handle "
                            "one request at a time, in the thread that accepts them. Use ThreadingHTTPServer, "
                            "which starts a thread for every request.",
                      "ja": "{timing}。リクエストが 1 つずつ処理されました。HTTPServer（や TCPServer）は、接続を"
                            "受け付けるスレッドの中でリクエストを 1 つずつ処理します。リクエストごとにスレッドを"
                            "起動する ThreadingHTTPServer を使ってください。"},
    "lock-around-work": {"en": "{timing}. The counts are exact but the requests took turns: the lock is held "
                               "around the slow work too. Only the increment touches shared data: hold the lock "
                               "around 'SimpleHelloHandler.request_total += 1' and nothing else.",
                         "ja": "{timing}。カウントは正確ですが、順番待ちになっています。時間のかかる処理までロックの"
                               "内側にあるためです。共有データに触れるのはインクリメントだけなので、ロックは "
                               "'SimpleHelloHandler.request_total += 1' の周りだけにかけてください。"},
    "turns-unexpected": {"en": "{timing}. The requests took turns, but this step's server has no lock: keep the "
                               "step's code (see 'conclab handson web-counter {step}').",
                         "ja": "{timing}。順番待ちになりましたが、このステップのサーバーにはロックがありません。"
                               "ステップのコードのとおりに書いてください（'conclab handson web-counter {step}'）。"},
    "together-unexpected": {"en": "{timing}. The requests overlapped, but this step's lock should make them take "
                                  "turns: is the whole count-work-write inside it?",
                            "ja": "{timing}。リクエストが重なって処理されましたが、このステップではロックによって"
                                  "順番待ちになるはずです。読み出し・処理・書き戻しの全体がロックの内側にありますか。"},
    "timing-unclear": {"en": "{timing}: neither clearly together nor in turns. If the machine is busy, check again.",
                       "ja": "{timing}。同時とも順番待ちとも言い切れません。マシンが混んでいるなら、もう一度"
                             "チェックしてください。"},
    # counts
    "counts": {"en": "the 3 answers said request count = {counts}", "ja": "3 つの応答の request count は {counts} でした"},
    "counts-from": {"en": "the count went from {base} to {total} for 3 requests (the answers said {counts}: each "
                          "reads the count when it is sent)",
                    "ja": "3 つのリクエストで、カウントは {base} から {total} になりました（応答の値は {counts}。"
                          "どの応答も、送るときのカウントを読みます）"},
    "lost-ok": {"en": "{counts}: {lost} of 3 updates lost. Each thread copied the count before any of them wrote it "
                      "back: read, work and write back form a critical section, and 3 threads were in it at once "
                      "(a race condition).",
                "ja": "{counts}。3 回の更新のうち {lost} 回が消失しました（lost update）。どのスレッドも、ほかの"
                      "スレッドが書き戻す前にカウントを読んでいます。読み出し・処理・書き戻しはクリティカル"
                      "セクションで、そこに 3 つのスレッドが同時に入りました（競合状態）。"},
    "exact-ok": {"en": "{counts}: every request counted.", "ja": "{counts}。すべてのリクエストが数えられています。"},
    "exact-by-luck": {"en": "{counts}: every request counted, this time. '+= 1' still reads, adds and writes in "
                            "separate instructions; the explorer below shows the schedule that loses one.",
                      "ja": "{counts}。今回はすべてのリクエストが数えられました。しかし '+= 1' も、読み出し・加算・"
                            "書き込みは別々の命令です。更新が消失するスケジュールは、下のインターリーブ探索が"
                            "示します。"},
    "exact-unexpected": {"en": "{counts}: nothing was lost, so this step shows no race. The step's handler copies "
                               "the count into t, works, then writes t + 1 back; keep that order (see 'conclab "
                               "handson web-counter 2').",
                         "ja": "{counts}。更新が消失しなかったため、このステップの競合状態が見えません。このステップの"
                               "ハンドラーは、カウントを t にコピーし、処理をしてから t + 1 を書き戻します。その順番の"
                               "とおりに書いてください（'conclab handson web-counter 2'）。"},
    "instance-attribute": {"en": "{counts}, and a request sent alone afterwards still said {alone}: the count is "
                                 "never stored where the next request reads it. 'self.request_total = t' makes an "
                                 "attribute of this request's handler object (a new one per request); write to "
                                 "the class: 'SimpleHelloHandler.request_total = t'.",
                           "ja": "{counts}。その後に単独で送ったリクエストも {alone} でした。カウントが、次のリクエストが"
                                 "読む場所に保存されていません。'self.request_total = t' は、このリクエストの"
                                 "ハンドラーオブジェクト（リクエストごとに新しく作られます）の属性を作ります。"
                                 "クラスに書いてください: 'SimpleHelloHandler.request_total = t'。"},
    "lost-lock-per-call": {"en": "{counts}: updates were lost although the handler takes a lock: it makes a new "
                                 "Lock on every call, so each request locks its own and nothing is shared. Use the "
                                 "one Lock made once in the class: SimpleHelloHandler.request_total_lock.",
                           "ja": "{counts}。ハンドラーはロックを獲得していますが、更新が消失しました。呼び出すたびに新しい "
                                 "Lock を作っているため、リクエストごとに別々のロックを獲得していて、何も共有されていま"
                                 "せん。クラスで一度だけ作った SimpleHelloHandler.request_total_lock を使ってください。"},
    "lost-no-flag": {"en": "{counts}: updates were lost: nothing keeps the second request out while the first "
                           "works. Add the step's flag loop before reading the count.",
                     "ja": "{counts}。更新が消失しました。最初のリクエストが処理している間、2 つ目のリクエストを"
                           "締め出すものが何もありません。カウントを読む前に、このステップのフラグのループを"
                           "入れてください。"},
    "lost-copy-before-work": {"en": "{counts}: updates were lost: the count is still copied before the work and "
                                    "written back after it. In this step the handler reads nothing before the "
                                    "work and adds 1 to the class attribute after it: "
                                    "'SimpleHelloHandler.request_total += 1'.",
                              "ja": "{counts}。更新が消失しました。まだ処理の前にカウントをコピーし、処理の後で"
                                    "書き戻しています。このステップでは処理の前には何も読まず、処理の後でクラス属性に 1 を"
                                    "足します: 'SimpleHelloHandler.request_total += 1'。"},
    "lost-other": {"en": "{counts}: updates were lost. Protect the read-work-write (or the increment) with the "
                         "lock this step uses.",
                   "ja": "{counts}。更新が消失しました。このステップのロックで、読み出し・処理・書き戻し"
                         "（またはインクリメント）を保護してください。"},
    "no-counts": {"en": "the answers did not say 'request count=N' ({body!r}); keep do_GET as the step writes it",
                  "ja": "応答に 'request count=N' がありませんでした（{body!r}）。do_GET はステップのとおりに"
                        "書いてください"},
    # the log
    "log-overlap": {"en": "all 3 'start processing' lines came before the first 'end processing': the requests "
                          "overlapped. Remember this picture: 3 starts, then 3 ends.",
                    "ja": "3 つの 'start processing' 行が、すべて最初の 'end processing' より前に出ています。"
                          "リクエストが重なって処理されました。「start が 3 つ、それから end が 3 つ」という"
                          "この形を覚えておいてください。"},
    "log-same-before": {"en": "the log shows 'before request count = {before}' {times} times: each thread read "
                              "the count before any of them wrote it back.",
                        "ja": "ログには 'before request count = {before}' が {times} 回出ています。どのスレッドも、"
                              "ほかのスレッドが書き戻す前にカウントを読みました。"},
    "log-turns": {"en": "each 'start processing' comes after the previous 'end processing': one at a time.",
                  "ja": "どの 'start processing' も、1 つ前の 'end processing' の後に出ています。1 つずつ処理されました。"},
    "log-missing": {"en": "the log has no 'start processing path = ...' lines: keep the step's print() calls "
                          "(they are what you read in the server's terminal)",
                    "ja": "ログに 'start processing path = ...' の行がありません。ステップの print() はそのまま残して"
                          "ください（サーバーのターミナルで読むのはこの行です）"},
    "log-attached": {"en": "look at your server's terminal: {expect}", "ja": "サーバーのターミナルを見てください。{expect}"},
    "expect-1": {"en": "3 'start processing path = /check-N' lines, then 3 'end processing' lines.",
                 "ja": "'start processing path = /check-N' が 3 行、それから 'end processing' が 3 行出ているはずです。"},
    "expect-2": {"en": "3 'start ... before request count = K' lines with the same K, then 3 'after request count "
                       "= K+1'.",
                 "ja": "同じ K の 'start ... before request count = K' が 3 行、それから 'after request count = K+1' "
                       "が 3 行出ているはずです。"},
    "expect-turns": {"en": "start, end, start, end, start, end: one request at a time, each reading the count the "
                           "previous one wrote.",
                     "ja": "start、end、start、end、start、end と、1 リクエストずつ処理され、どれも前のリクエストが"
                           "書いたカウントを読んでいるはずです。"},
    "expect-small": {"en": "3 starts with the same 'before' count, then 3 ends counting up one by one.",
                     "ja": "'before' が同じ start が 3 行、それから 1 ずつ増えていく end が 3 行出ているはずです。"},
    # CPU
    "cpu-spin": {"en": "the server used {cpu:.2f} s of CPU in {wall:.2f} s ({share:.0%} of a core) while requests "
                       "waited: a spin lock keeps testing the flag instead of sleeping (busy wait)",
                 "ja": "リクエストが待っている間に、サーバーは {wall:.2f} 秒中 {cpu:.2f} 秒の CPU を使いました"
                       "（コア 1 つの {share:.0%}）。スピンロックは眠らずにフラグを調べ続けます（ビジーウェイト）"},
    "cpu-idle": {"en": "the server used only {cpu:.2f} s of CPU in {wall:.2f} s: the waiting requests did not spin. "
                       "This step's flag loop should keep one core busy while the others wait.",
                 "ja": "サーバーが使った CPU は {wall:.2f} 秒中 {cpu:.2f} 秒だけで、待っているリクエストは"
                       "回り続けていません。このステップのフラグのループなら、待っている間コアが 1 つ使われ"
                       "続けるはずです。"},
    "cpu-unknown": {"en": "the server's CPU time could not be read on this machine",
                    "ja": "このマシンではサーバーの CPU 時間を読めませんでした"},
    # the explorer
    "explore-spin": {"en": "two requests both got past the flag: testing it and setting it are two steps, and the "
                           "other thread ran in between. A hand-made flag is not a lock; use threading.Lock.",
                     "ja": "2 つのリクエストが両方ともフラグを通り抜けました。フラグを調べる操作と立てる操作は"
                           "別々の 2 ステップで、その間にもう一方のスレッドが動いています。自作のフラグはロックでは"
                           "ありません。threading.Lock を使ってください。"},
    "explore-busy": {"en": "one thread spun on the flag until the explorer's step limit: a busy wait.",
                     "ja": "一方のスレッドが、インターリーブ探索の上限に達するまでフラグを調べ続けました（ビジーウェイト）。"},
    "explore-plus": {"en": "an update was lost: '+= 1' loads the count, adds 1 and stores it in separate "
                           "instructions, and the other thread stored in between. It is not atomic: lock the "
                           "increment (step 7).",
                     "ja": "更新が消失しました。'+= 1' は、カウントの読み込み・1 の加算・格納を別々の命令で行い、"
                           "その間にもう一方のスレッドが格納しています。アトミック（不可分）ではないので、"
                           "インクリメントをロックしてください（ステップ 7）。"},
    "explore-none": {"en": "none found in {n} schedules: both requests were always counted",
                     "ja": "{n} 通りのスケジュールで、見つかりませんでした。2 つのリクエストは常に両方とも数えられています"},
    "explore-lock-per-call": {"en": "an update was lost: 'with Lock():' makes a new lock each call, so nothing is "
                                    "shared. Use SimpleHelloHandler.request_total_lock, made once in the class.",
                              "ja": "更新が消失しました。'with Lock():' は呼び出すたびに新しいロックを作るので、何も"
                                    "共有されていません。クラスで一度だけ作った SimpleHelloHandler.request_total_lock "
                                    "を使ってください。"},
    "explore-unlocked": {"en": "an update was lost: '+= 1' alone is not atomic (it loads, adds and stores in "
                               "separate instructions); hold SimpleHelloHandler.request_total_lock around it",
                         "ja": "更新が消失しました。'+= 1' だけでもアトミックではありません（読み込み・加算・格納が"
                               "別々の命令です）。その周りで SimpleHelloHandler.request_total_lock を持ってください"},
    "explore-unexpected": {"en": "an update was lost:", "ja": "更新が消失しました:"},
    "explore-missing": {"en": "main.py has no count_and_do_something(): keep the step's method names",
                        "ja": "main.py に count_and_do_something() がありません。ステップのメソッド名のまま書いてください"},
})
