"""A local image host standing in for TMDB's (``https://image.tmdb.org/t/p/w342/<posterPath>``): every
path ending in ``.png`` is a poster drawn on the spot (342 by 513 pixels, a gradient in a colour of its
own), so the demo and the tests show and attach posters with no internet; ``AIRDATE_POSTER_BASE_URL``
points at it. Run as a thread (:class:`ImageHost`, which can be told to fail) or mounted on the demo's
server (:func:`create_app`)."""

import hashlib
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from fastapi import FastAPI, Response

from .net import free_port

WIDTH, HEIGHT = 342, 513  # TMDB's w342 posters are 2:3


def poster(name: str) -> bytes:
    """A PNG poster for ``name``: a vertical gradient from the name's colour, a lighter band near the
    foot (where a real poster has its title)."""
    red, green, blue = hashlib.sha256(name.encode()).digest()[:3]
    rows = []
    for y in range(HEIGHT):
        shade = 0.45 + 0.55 * (1 - y / HEIGHT)
        band = 1.6 if HEIGHT * 0.72 < y < HEIGHT * 0.82 else 1.0
        pixel = bytes(min(255, int((70 + c * 0.55) * shade * band)) for c in (red, green, blue))
        rows.append(b"\x00" + pixel * WIDTH)
    return _png(WIDTH, HEIGHT, b"".join(rows))


def _png(width: int, height: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


class ImageHost:
    """``with ImageHost() as host:`` serves posters at ``host.base_url`` (``http://127.0.0.1:<port>/t/p/
    w342``); ``fail_with`` (e.g. 404) answers every request so instead; ``hits`` are the paths asked."""

    def __init__(self) -> None:
        self.fail_with: int | None = None
        self.hits: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", free_port()), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="image-host", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/t/p/w342"

    def __enter__(self) -> "ImageHost":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _handler(host: ImageHost) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            host.hits.append(self.path)
            status = host.fail_with or (200 if self.path.endswith(".png") else 404)
            body = poster(self.path) if status == 200 else b"not found"
            self.send_response(status)
            self.send_header("Content-Type", "image/png" if status == 200 else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "max-age=86400")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def create_app() -> FastAPI:
    """The same posters as an app to mount (the demo's ``/demo/images``)."""
    app = FastAPI(title="Image host stand-in")

    @app.get("/t/p/{size}/{name}")
    def image(size: str, name: str) -> Response:
        if not name.endswith(".png"):
            return Response("not found", status_code=404, media_type="text/plain")
        return Response(poster(f"/t/p/{size}/{name}"), media_type="image/png")

    return app
