"""A local HTTP server standing in for a service Apprise posts to (``json://``, ``ntfy://``, …): it keeps
every request it gets, so the demo and the tests can read them, and can be told to fail."""

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .net import free_port


@dataclass(frozen=True)
class Hit:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class WebhookSink:
    """``with WebhookSink() as sink:`` runs it on 127.0.0.1 in a thread; ``sink.port`` is where.

    ``fail_with`` (e.g. 500) answers every request with that status instead of 200, still recording it."""

    def __init__(self, port: int = 0) -> None:
        self.hits: list[Hit] = []
        self.fail_with: int | None = None
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port or free_port()), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="webhook-sink", daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def start(self) -> "WebhookSink":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "WebhookSink":
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def record(self, hit: Hit) -> int:
        with self._lock:
            self.hits.append(hit)
            return self.fail_with or 200


def _handler(sink: WebhookSink) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            hit = Hit(self.command, self.path, dict(self.headers.items()), self.rfile.read(length))
            status = sink.record(hit)
            answer = b'{"ok": true}' if status < 400 else b'{"error": "the stand-in was told to fail"}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_PUT = do_POST

        def log_message(self, format: str, *args: object) -> None:  # quiet: the tests read ``hits``
            pass

    return Handler
