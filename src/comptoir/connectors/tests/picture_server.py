"""A real HTTP server on 127.0.0.1 standing in for a shop's picture host: pictures, a large file, a slow answer,
redirects, a page that is not a picture. It counts the requests per path (a re-import must not fetch twice)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class PictureServer:
    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.requests: Counter[str] = Counter()
        self.slow_seconds = 2.0
        # Paths answered "503 Service Unavailable" this many more times (a host that is down for a while).
        self.unavailable: Counter[str] = Counter()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests[self.path] += 1
                if server.unavailable[self.path] > 0:
                    server.unavailable[self.path] -= 1
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.path.startswith("/redirect-to"):
                    self.send_response(302)
                    self.send_header("Location", self.path.removeprefix("/redirect-to"))
                    self.end_headers()
                    return
                if self.path == "/loop":
                    self.send_response(301)
                    self.send_header("Location", "/loop")
                    self.end_headers()
                    return
                if self.path == "/slow":
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.end_headers()
                    for _ in range(20):
                        time.sleep(server.slow_seconds / 10)
                        self.wfile.write(b"x" * 10)
                        self.wfile.flush()
                    return
                content = server.files.get(self.path)
                if content is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
