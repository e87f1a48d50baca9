"""Limits on what a client may make the server hold before a request starts: header size and time.

uvicorn (httptools) accepts request headers of any size (a 16 MB header was answered 200) and waits
forever for headers to finish (a connection that sends nothing, or one byte a minute, is held until
the client leaves; 200 such connections were never closed). Neither has a setting: h11's
``h11_max_incomplete_event_size`` bounds the size only, and switching to h11 would move every event
of every SSE stream through a pure-Python framer. So this is our own, a small subclass of uvicorn's
httptools protocol, passed to uvicorn as ``http=``:

- request line plus headers above ``MAX_HEADER_BYTES`` → ``431`` and the connection closes;
- headers not complete ``HEADER_SECONDS`` after the connection opened (or after the next request's
  first byte on a kept-alive connection) → ``408`` and the connection closes.

What happens once headers are in (bodies, streams, websockets) is unchanged.
"""

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEADER_BYTES = 16 * 1024
HEADER_SECONDS = 10.0


def bounded_protocol(header_seconds: float = HEADER_SECONDS) -> type["BoundedHttpProtocol"]:
    """The protocol class for uvicorn's ``http=``, with this time limit for headers."""
    return type("BoundedHttpProtocol", (BoundedHttpProtocol,), {"header_seconds": header_seconds})


class BoundedHttpProtocol(HttpToolsProtocol):
    max_header_bytes = MAX_HEADER_BYTES
    header_seconds = HEADER_SECONDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_bytes = 0  # of the request line and complete headers (exact)
        self._pending_bytes = 0  # received while headers are incomplete (catches one endless header)
        self._too_large = False
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        awaiting = self._deadline is not None
        if awaiting:
            self._pending_bytes += len(data)
        super().data_received(data)
        unfinished = awaiting and self._deadline is not None  # httptools keeps a partial header to itself
        if unfinished and self._pending_bytes > self.max_header_bytes and not self.transport.is_closing():
            self._too_large = True
            self.send_400_response("")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = 0
        self._start_deadline()

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)  # ": " and CRLF, as sent
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._stop_deadline()
        self._pending_bytes = 0
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        """uvicorn answers any parser error 400; an error we raised for size is a 431."""
        if self._too_large:
            self._refuse(431, f"request headers larger than {self.max_header_bytes // 1024} KiB")
        else:
            super().send_400_response(msg)

    def _count(self, size: int) -> None:
        self._header_bytes += size
        if self._header_bytes > self.max_header_bytes:
            self._too_large = True
            raise ValueError("request headers too large")  # httptools stops; uvicorn calls send_400_response

    def _start_deadline(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.header_seconds, self._too_slow)

    def _stop_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self._refuse(408, f"request headers not sent within {self.header_seconds:g} s")

    def _refuse(self, status: int, message: str) -> None:
        reason = {408: b"Request Timeout", 431: b"Request Header Fields Too Large"}[status]
        body = message.encode("ascii")
        self.transport.write(
            b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: %d\r\n"
            b"connection: close\r\n\r\n%s" % (status, reason, len(body), body)
        )
        self.transport.close()
