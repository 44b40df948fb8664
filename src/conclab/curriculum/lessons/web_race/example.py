"""A threading web server that counts its requests, and loses some.

The handler copies the count, works for a moment, then writes back copy + 1.
Each request runs in its own thread, and all threads share the class
attribute ``CountingHandler.count``: when two requests are between the copy
and the write back at the same time, both write the same number, and one
request is never counted (a lost update).

Run it on its own, or serve it and fire curl in the background:
    python -m conclab.curriculum.lessons.web_race.example
    curl http://127.0.0.1:8000/a & curl http://127.0.0.1:8000/b & curl http://127.0.0.1:8000/c &
"""

import http.server
import threading
import time
import urllib.request


def log(line):
    print(line, flush=True)


class CountingHandler(http.server.BaseHTTPRequestHandler):
    count = 0          # one class attribute, shared by every handler thread
    work_seconds = 0.2

    def do_GET(self):
        if self.path == "/count":  # read the count without adding to it
            self.reply(f"{CountingHandler.count}\n")
            return
        current = CountingHandler.count         # 1. copy the shared count
        log(f"start {self.path}  count={current}")
        time.sleep(self.work_seconds)           # 2. work (a query, a computation)
        CountingHandler.count = current + 1     # 3. write back the copy + 1
        log(f"end   {self.path}  count {current} -> {current + 1}")
        self.reply(f"count: {current + 1}\n")

    def reply(self, text):
        body = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass  # we print our own start/end lines


class CountingServer(http.server.ThreadingHTTPServer):
    # How many connections may wait to be accepted. The default, 5, makes a burst
    # of 20 clients retry after a second; a real server keeps a longer queue.
    request_queue_size = 64


def start_server(port=0):
    """A threading server on 127.0.0.1, serving in a background thread."""
    server = CountingServer(("127.0.0.1", port), CountingHandler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     name="server", daemon=True).start()
    return server


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode().strip()


def fetch_together(base_url, clients):
    """``clients`` requests sent at the same moment, each from its own thread; their answers."""
    answers = [None] * clients

    def one(i):
        answers[i] = fetch(f"{base_url}/client-{i + 1}")

    threads = [threading.Thread(target=one, args=(i,), name=f"client-{i + 1}")
               for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


if __name__ == "__main__":
    server = start_server(8000)
    for clients in (3, 20):
        CountingHandler.count = 0
        answers = fetch_together("http://127.0.0.1:8000", clients)
        print(f"sent {clients}, counted {CountingHandler.count}: {answers}")
    server.shutdown()
    server.server_close()
