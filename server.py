"""Running the server process: checks made before anything is created, and what uvicorn needs from us."""

import ctypes
import gc
import logging
import re
import socket
import tempfile
from pathlib import Path

from nicegui import app, ui
from nicegui.client import Client

from application import Airdate
from http_streams import streaming_protocol
from nicegui_workarounds import close_streams_when_stopping, forget_unconnected_pages, keep_browser_choices_in
from startup import StartupError


def check_address(host: str, port: int) -> None:
    """Raise StartupError unless ``host:port`` can be listened on (checked before anything is created)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise StartupError(f"cannot listen on {host}:{port}: unknown address ({error.strerror})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as error:
            raise StartupError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def prepare_storage(path: str) -> None:
    """Keep NiceGUI's per-browser storage (theme, refresh interval) in ``path``, which must be writable.

    NiceGUI's default is ``.nicegui`` in the working directory, which a container's read-only app
    folder does not allow: choices would silently never be saved. Refuse to start instead."""
    folder = Path(path).resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".airdate-write-test-"):
            pass
    except OSError as error:
        raise StartupError(
            f"cannot keep per-browser settings in {folder}: {error.strerror or error}; "
            "set AIRDATE_STORAGE_PATH to a writable folder"
        ) from None
    keep_browser_choices_in(folder)


def serve(airdate: Airdate) -> None:
    """Run the server until it is stopped (under NiceGUI's test simulation: set up, then return)."""
    server = airdate.settings.server
    app.on_startup(lambda: close_streams_when_stopping(airdate.hub))
    app.on_startup(tune_garbage_collection)
    memory = ReturnMemory()
    app.timer(15, memory.after_pages_let_go)
    forget_unconnected_pages(then=memory.now)
    redact_access_tokens()
    ui.run(
        host=server.host,
        port=server.port,
        title="Airdate",
        native=server.native,
        window_size=(1280, 860) if server.native else None,
        reload=False,
        show=False,
        storage_secret=airdate.runtime.storage_secret.get_secret_value(),
        timeout_graceful_shutdown=server.shutdown_grace,
        http=streaming_protocol(server.header_timeout),  # bounded headers; SSE streams handed over
        proxy_headers=False,  # the request guard believes X-Forwarded-* from AIRDATE_TRUSTED_PROXIES only
    )


def tune_garbage_collection() -> None:
    """Collect cyclic garbage less often, and never scan what start-up created (it lives forever).

    With thousands of streams every published event allocates a few objects per reader, and CPython's
    default (a young-generation collection every 700 allocations) spent about a third of the server's
    CPU collecting while fanning out (measured with 10,000 readers: 0.26 → 0.16 s of CPU per event,
    the same spread; ``bench/fanout``). Memory is unaffected: what these objects hold is freed by
    reference counting; only cycles wait a little longer.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)


class ReturnMemory:
    """After pages were let go (a browser left, or a page that never connected was pruned), collect
    their objects and hand the freed memory back to the system.

    Elements of a page refer to each other, so only the cyclic collector frees them, and with the
    thresholds above it runs rarely; and glibc keeps freed heap memory for later (with the system
    allocator, see ``main.use_system_allocator``, Python's objects live there too). Measured: 300 page
    loads that never connected left the process ~16 MiB above its start a minute later, instead of
    ~135 MiB (``bench/viewers``)."""

    def __init__(self) -> None:
        self.held = 0
        try:
            self.libc: ctypes.CDLL | None = ctypes.CDLL("libc.so.6")
        except OSError:  # not glibc (macOS, Windows, musl): the collection alone still frees the objects
            self.libc = None

    def after_pages_let_go(self) -> None:
        held = len(Client.instances)
        if held < self.held:
            self.now()
        self.held = held

    def now(self) -> None:
        gc.collect()
        if self.libc is not None:
            self.libc.malloc_trim(0)
        self.held = len(Client.instances)


def redact_access_tokens() -> None:
    """``?access_token=`` (for EventSource, which cannot send headers) never reaches a log line."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactAccessToken) for f in logger.filters):
        logger.addFilter(RedactAccessToken())


class RedactAccessToken(logging.Filter):
    PATTERN = re.compile(r"(access_token=)[^&\s\"]*")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                self.PATTERN.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args
            )
        record.msg = self.PATTERN.sub(r"\1***", str(record.msg))
        return True
