"""The chapters, in order. Their ids are what ``conclab report --chapter`` and lab entries use."""

from conclab.lab import Chapter

CHAPTERS = [
    Chapter("concepts", 0, {"en": "Concepts and setup", "ja": "基本の考え方と準備"}),
    Chapter("web-server", 1, {"en": "A web server: one request at a time, then many",
                              "ja": "Web サーバー: 一度に 1 つのリクエストから、同時に複数へ"}),
    Chapter("races", 2, {"en": "Shared memory and race conditions", "ja": "共有メモリと競合状態"}),
    Chapter("locks", 3, {"en": "Mutual exclusion and atomicity", "ja": "排他制御とアトミック性"}),
    Chapter("threads-io", 4, {"en": "Threads for I/O-bound work", "ja": "I/O バウンドな処理とスレッド"}),
    Chapter("processes", 5, {"en": "Processes for CPU-bound work", "ja": "CPU バウンドな処理とプロセス"}),
    Chapter("ipc", 6, {"en": "Inter-process communication", "ja": "プロセス間通信"}),
    Chapter("asyncio", 7, {"en": "asyncio", "ja": "asyncio"}),
    Chapter("coordination", 8, {"en": "concurrent.futures, pools and coordination primitives",
                                "ja": "concurrent.futures、プール、同期プリミティブ"}),
    Chapter("beyond", 9, {"en": "Beyond one machine and beyond the GIL",
                          "ja": "1 台のマシンと GIL の先へ"}),
]
