"""Airdate's own log records as ``log`` events on the hub."""

import asyncio
import logging
import threading
from datetime import UTC, datetime

from .feed import dumps, iso
from .hub import LOG, Hub

ROOT_LOGGER = "airdate"  # every Airdate module logs below this name


class LogRelay(logging.Handler):
    """Publishes records of the ``airdate`` loggers at ``level`` and above; safe from any thread."""

    def __init__(self, hub: Hub, level: int | str = logging.INFO, *, replica: str = "") -> None:
        super().__init__(level)
        self.hub = hub
        self.replica = replica  # which Airdate process logged it, when several share a database
        self._loop: asyncio.AbstractEventLoop | None = None
        self._publishing = threading.local()  # a record logged while publishing must not loop back

    def attach(self) -> None:
        """Bind to the running loop and start relaying (call from a startup hook)."""
        self._loop = asyncio.get_running_loop()
        logger = logging.getLogger(ROOT_LOGGER)
        if logger.getEffectiveLevel() > self.level:
            logger.setLevel(self.level)
        if self not in logger.handlers:
            logger.addHandler(self)

    def detach(self) -> None:
        logging.getLogger(ROOT_LOGGER).removeHandler(self)
        self._loop = None

    def emit(self, record: logging.LogRecord) -> None:
        loop = self._loop
        if loop is None or loop.is_closed() or getattr(self._publishing, "active", False):
            return
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            message = f"{message}: {type(error).__name__}: {error}"
        entry = {
            "ts": iso(datetime.fromtimestamp(record.created, UTC)),
            "level": record.levelname,
            "logger": record.name,
            "message": message,
            "replica": self.replica,
        }
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._publish(entry)
        else:
            loop.call_soon_threadsafe(self._publish, entry)

    def _publish(self, entry: dict) -> None:
        self._publishing.active = True
        try:
            self.hub.publish(LOG, dumps(entry), entry)
        finally:
            self._publishing.active = False
