"""A real HTTP server standing in for a seller's system: it verifies each request's signature and timestamp the way
docs/WEBHOOKS.md tells integrators to (its own code, not comptoir's), records what it got and answers with the
statuses it is told to."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The snippet of docs/WEBHOOKS.md."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item and not item.startswith("v1="))
    signatures = [item[3:] for item in header.split(",") if item.startswith("v1=")]
    timestamp = int(parts.get("t", "0"))
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, signature) for signature in signatures)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    is_verified: bool

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    secret: str = ""
    statuses: list[int] = field(default_factory=list)  # answers in turn, then 200
    delay_seconds: float = 0.0
    received: list[Received] = field(default_factory=list)
    url: str = ""

    def answer(self) -> int:
        return self.statuses.pop(0) if self.statuses else 200


def start_receiver() -> tuple[Receiver, ThreadingHTTPServer]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            header = self.headers.get("Comptoir-Signature", "")
            receiver.received.append(
                Received(self.path, dict(self.headers.items()), body, verify(receiver.secret, header, body))
            )
            if receiver.delay_seconds:
                time.sleep(receiver.delay_seconds)
            status = receiver.answer()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"try later")

        def log_message(self, format: str, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/comptoir"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver, server
