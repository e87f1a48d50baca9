"""Handing an SSE response's connection to the event hub, so that events are written straight to it.

A stream written through ASGI costs, per reader, the request's whole coroutine chain (uvicorn's
cycle, NiceGUI's, Starlette's and FastAPI's middleware and routing frames: 32 coroutines, 3 exit
stacks, 2 request objects; ~29 KiB of heap) for as long as it is open, and per event a task wake-up
and an ``await send`` through it (``bench/fanout/probe.py``). Node.js writes the same fan-out with
one ``write`` per client and ~13 KiB per client. So, once a stream's headers are out, the response
may ask the protocol (through ``scope["extensions"][HAND_OVER]``) for the transport: uvicorn's cycle
is then finished as far as uvicorn knows (the ASGI call returns and its frames are freed), and this
protocol forwards to the stream what concerns it — the transport pausing and resuming writing (its
flow control), the connection going away, the server shutting down. The stream writes whole chunks
of the chunked response itself (see :class:`live.readers.ReaderQueue`).

Only a chunked response whose headers the transport has already been given is handed over (not a
HEAD, not an HTTP/1.0 client, not one behind a middleware that delays the headers); anything else
keeps the ASGI path. A client that sends more bytes on a handed-over connection is not answered: an
SSE client sends nothing after its request.
"""

import weakref
from functools import partial
from typing import Any, Protocol

from uvicorn.protocols.http.httptools_impl import RequestResponseCycle

from http_limits import BoundedHttpProtocol
from live.sse import HAND_OVER  # scope["extensions"][HAND_OVER](stream) -> transport or None


class Stream(Protocol):
    def pause_writing(self) -> None: ...
    def resume_writing(self) -> None: ...
    def connection_lost(self) -> None: ...
    def shutdown(self) -> None: ...


def streaming_protocol(header_seconds: float) -> type["StreamingHttpProtocol"]:
    """The protocol class for uvicorn's ``http=``: bounded headers (see :mod:`http_limits`) and hand-over."""
    return type("StreamingHttpProtocol", (StreamingHttpProtocol,), {"header_seconds": header_seconds})


class StreamingHttpProtocol(BoundedHttpProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stream: Stream | None = None

    def on_headers_complete(self) -> None:
        # (a weak reference: the scope must not keep the protocol alive)
        self.scope.setdefault("extensions", {})[HAND_OVER] = partial(_hand_over, weakref.ref(self))
        super().on_headers_complete()

    def data_received(self, data: bytes) -> None:
        if self._stream is None:
            super().data_received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        stream, self._stream = self._stream, None
        super().connection_lost(exc)
        if stream is not None:
            stream.connection_lost()

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._stream is not None:
            self._stream.pause_writing()

    def resume_writing(self) -> None:
        super().resume_writing()
        if self._stream is not None:
            self._stream.resume_writing()

    def shutdown(self) -> None:
        if self._stream is not None:
            self._stream.shutdown()  # it ends its response and closes the connection
        else:
            super().shutdown()

    def take(self, stream: Stream) -> Any:
        cycle: RequestResponseCycle | None = self.cycle
        if (
            cycle is None
            or not cycle.response_started
            or cycle.response_complete
            or cycle.disconnected
            or not cycle.chunked_encoding
            or cycle.scope["method"] == "HEAD"
            or self.transport.is_closing()
            or self.pipeline
        ):
            return None
        cycle.response_complete = True  # uvicorn has nothing more to write; the ASGI call may return
        cycle.message_event.set()  # (a receive() waiting returns http.disconnect)
        self.cycle = None  # type: ignore[assignment]  # with it the request's scope and state go
        self.scope = None  # type: ignore[assignment]
        self.headers = []
        self.parser = None  # type: ignore[assignment]  # (nothing more is parsed: see data_received)
        self._stream = stream
        return self.transport


def _hand_over(protocol: "weakref.ref[StreamingHttpProtocol]", stream: Stream) -> Any:
    alive = protocol()
    return None if alive is None else alive.take(stream)
