"""Reference solution of fix_counter_race: one Lock held from the copy to the write back.

Run:  python fix_counter_race.py [PORT]        (PORT defaults to 8000)
Every request adds one to the count; GET /count answers {"count": N}.

Each request runs in its own thread, and count_request() copies the shared
count, works for a moment, then writes back the copy + 1. When two requests
are between the copy and the write back at once, both write the same number
and one request is never counted. Make count_request() count every request.
Keep its name: the checker calls it from two threads, and sends real requests.
"""

import http.server
import json
import sys
import threading
import time

WORK_S = 0.01  # the work each request does (a query, a computation)
count = 0      # requests counted so far: one number, shared by every handler thread
# One lock for the one count, created once, shared by every handler thread.
count_lock = threading.Lock()


def count_request():
    """Count one request and return the new count."""
    global count
    # Copy, work and write back form one critical section: while one thread is
    # between the copy and the write back, no other thread may copy.
    with count_lock:
        current = count          # 1. copy the shared count
        time.sleep(WORK_S)       # 2. work
        count = current + 1      # 3. write back the copy + 1
        return current + 1


class CounterHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/count":  # read the count without adding to it
            self.reply({"count": count})
        else:
            # Each request runs in its own thread: the answer names it.
            self.reply({"count": count_request(), "thread": threading.current_thread().name})

    def reply(self, data):
        body = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass  # keep the terminal quiet


class CounterServer(http.server.ThreadingHTTPServer):
    request_queue_size = 64  # let a burst of clients wait to be accepted
    daemon_threads = True


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    server = CounterServer(("127.0.0.1", port), CounterHandler)
    print(f"counting requests on http://127.0.0.1:{port} (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
