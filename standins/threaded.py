"""A stand-in's HTTP server on 127.0.0.1, run in a thread of the test (or demo) that starts it, over TLS
when given an ``ssl.SSLContext`` (see :mod:`standins.intercept`)."""

import ssl
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

from .net import free_port


class ThreadedServer:
    """``with Server(...) as server:`` serves ``handler`` on ``server.port`` until the block ends."""

    name = "stand-in"

    def __init__(self, handler: type[BaseHTTPRequestHandler], tls: ssl.SSLContext | None = None) -> None:
        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        self._server.daemon_threads = True
        if tls is not None:
            # the handshake happens in the request's thread, at its first read, not in the accepting one
            self._server.socket = tls.wrap_socket(
                self._server.socket, server_side=True, do_handshake_on_connect=False
            )
        self._thread = threading.Thread(target=self._server.serve_forever, name=self.name, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def answer(handler: BaseHTTPRequestHandler, status: int, body: bytes, kind: str = "application/json") -> None:
    handler.send_response(status)
    if body or status != 204:
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def read_body(handler: BaseHTTPRequestHandler) -> bytes:
    return handler.rfile.read(int(handler.headers.get("Content-Length") or 0))


@dataclass(frozen=True)
class File:
    field: str  # files[0], photo, …
    filename: str
    content_type: str
    content: bytes


def read_form(kind: str, body: bytes) -> tuple[dict[str, str], list[File]]:
    """A ``multipart/form-data`` body (``kind`` is its Content-Type): its fields, and its files."""
    form = message_from_bytes(f"Content-Type: {kind}\r\n\r\n".encode() + body, policy=policy.HTTP)
    fields, files = {}, []
    for part in form.iter_parts():
        name = part.get_param("name", header="content-disposition") or ""
        content = part.get_payload(decode=True) or b""
        if part.get_filename() is None:
            fields[str(name)] = content.decode()
        else:
            files.append(File(str(name), part.get_filename() or "", part.get_content_type(), content))
    return fields, files
