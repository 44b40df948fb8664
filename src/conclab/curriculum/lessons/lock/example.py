"""The counting server made exact with threading.Lock: acquire/release, then ``with``.

Only one thread at a time can hold a ``threading.Lock``; the others wait in
``acquire()`` without using the CPU. Holding it around the whole copy, work,
write back makes the count exact. The price: the slow work now runs one
request at a time.

Run it on its own, or serve it and fire curl in the background:
    python -m conclab.curriculum.lessons.lock.example
    curl http://127.0.0.1:8000/with & curl http://127.0.0.1:8000/with &
"""

import http.server
import threading
import time
import urllib.error
import urllib.request

WORK_SECONDS = 0.1

count = 0
lock = threading.Lock()


def log(line):
    print(line, flush=True)


def work(fail=False):
    """The slow part of a request (a query, a computation); it may fail."""
    time.sleep(WORK_SECONDS)
    if fail:
        raise RuntimeError("the work failed")


def count_acquire_release(fail=False):
    global count
    lock.acquire()
    try:
        current = count
        work(fail)
        count = current + 1
        return count
    finally:
        lock.release()  # always, even when the work raised: or every later request waits forever


def count_with(fail=False):
    global count
    with lock:  # acquire here; release when the block ends, whatever way it ends
        current = count
        work(fail)
        count = current + 1
        return count


class LockedHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        counting = count_with if self.path.startswith("/with") else count_acquire_release
        log(f"start {self.path}")
        try:
            counted = counting(fail=self.path.endswith("/fail"))
        except RuntimeError as error:
            log(f"error {self.path}: {error}")
            self.reply(500, f"error: {error}\n")
            return
        log(f"end   {self.path}  count -> {counted}")
        self.reply(200, f"count: {counted}\n")

    def reply(self, status, text):
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 64  # let a burst of clients queue (the default is 5)


def start_server(port=0):
    server = Server(("127.0.0.1", port), LockedHandler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     name="server", daemon=True).start()
    return server


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode().strip()
    except urllib.error.HTTPError as error:
        return error.read().decode().strip()


def fetch_together(url, clients):
    """``clients`` requests to ``url`` at the same moment, each from its own thread."""
    answers = [None] * clients

    def one(i):
        answers[i] = fetch(url)

    threads = [threading.Thread(target=one, args=(i,), name=f"client-{i + 1}")
               for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


if __name__ == "__main__":
    server = start_server(8000)
    for path in ("/acquire-release", "/with"):
        count = 0
        start = time.perf_counter()
        answers = fetch_together(f"http://127.0.0.1:8000{path}", 5)
        print(f"{path}: counted {count} of 5 in {time.perf_counter() - start:.2f} s")
    print(fetch("http://127.0.0.1:8000/with/fail"), "- lock still held?", lock.locked())
    server.shutdown()
    server.server_close()
