"""A realistic mistake: a threading server, but one global Lock held around the work serialises it.

Run:  python serve_concurrently.py [PORT]      (PORT defaults to 8000)
GET /anything answers 'done /anything' after WORK_S seconds of "work", and
the server prints 'start /anything' and 'end /anything' around each request.

Try it: start the server, then in another terminal
    curl http://127.0.0.1:8000/a & curl http://127.0.0.1:8000/b &
The second client waits for the first: http.server.HTTPServer handles one
request at a time. Make the server serve concurrent clients together.
Keep the handler as it is: the checker reads its answers and its log lines.
"""

import http.server
import sys
import threading
import time

WORK_S = 0.3  # the work each request does (a query, a computation)
work_lock = threading.Lock()  # "to be safe" now that requests run in threads


def log(line):
    print(line, flush=True)


class WorkHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        log(f"start {self.path}")
        with work_lock:
            time.sleep(WORK_S)  # stands for real work
        body = f"done {self.path}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        log(f"end   {self.path}")

    def log_message(self, format, *args):
        pass  # keep the default access log quiet: we print our own start/end lines


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), WorkHandler)
    print(f"serving on http://127.0.0.1:{port} (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
