"""A small HTTP server on loopback standing in for another party in a test (Rasa's webhook, a council's web page)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar

Server = TypeVar("Server", bound=ThreadingHTTPServer)


class QuietHandler(BaseHTTPRequestHandler):
    """A handler that answers 200 with a body and keeps the test's output free of access logs."""

    def reply(self, content_type: str, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def serve_in_background(server: Server) -> Server:
    """Serve until `server.shutdown()`, on a daemon thread so a failing test cannot hang on it."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
