import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Lock

# python main.py [PORT [WORK_S]]; conclab's container sets HOST=0.0.0.0
PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
WORK_S = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0  # "some work"
HOST = os.environ.get("HOST", "127.0.0.1")


class SimpleHelloHandler(BaseHTTPRequestHandler):
    request_total = 0
    request_total_lock = Lock()

    def increment_request_total(self):
        with SimpleHelloHandler.request_total_lock:
            SimpleHelloHandler.request_total += 1

    def count_and_do_something(self, path):
        print("start processing path = {}, before request count = {}"
              .format(path, SimpleHelloHandler.request_total))

        time.sleep(WORK_S)  # some work

        self.increment_request_total()
        print("end processing path = {}, after request count = {}"
              .format(path, SimpleHelloHandler.request_total))

    def do_GET(self):
        self.count_and_do_something(self.path)

        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.end_headers()
        count = SimpleHelloHandler.request_total
        self.wfile.write(b"Hello! request count=%a\n" % count)


with ThreadingHTTPServer((HOST, PORT), SimpleHelloHandler) as httpd:
    print("serving at port", PORT)
    httpd.serve_forever()
