"""Lock only what needs it: the work outside the lock, the increment inside.

The slow work touches no shared data, so any number of requests may do it at
once. Only the increment reads and writes the shared count, and ``count += 1``
is still three steps (read, add, write) that another thread can come between:
that, and only that, goes under the lock.

Run it on its own, or serve it and fire curl in the background:
    python -m conclab.curriculum.lessons.critical_section.example
    curl http://127.0.0.1:8000/increment & curl http://127.0.0.1:8000/increment &
"""

import http.server
import threading
import time
import urllib.request

WORK_SECONDS = 0.1

count = 0
lock = threading.Lock()


def work():
    """The slow part of a request; it uses no shared data."""
    time.sleep(WORK_SECONDS)


def count_whole():
    """The lock lab's way: everything under the lock (exact, one at a time)."""
    global count
    with lock:
        current = count
        work()
        count = current + 1
        return count


def count_increment():
    """Work first, outside the lock; then lock only the increment (exact and concurrent)."""
    global count
    work()
    with lock:
        count += 1
        return count


class CountingHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        counting = count_whole if self.path.startswith("/whole") else count_increment
        counted = counting()
        body = f"count: {counted}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 64  # let a burst of clients queue (the default is 5)


def start_server(port=0):
    server = Server(("127.0.0.1", port), CountingHandler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     name="server", daemon=True).start()
    return server


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode().strip()


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
    for path in ("/whole", "/increment"):
        count = 0
        start = time.perf_counter()
        fetch_together(f"http://127.0.0.1:8000{path}", 10)
        print(f"{path}: counted {count} of 10 in {time.perf_counter() - start:.2f} s")
    server.shutdown()
    server.server_close()
