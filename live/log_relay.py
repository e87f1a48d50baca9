"""Airdate's own log records as ``log`` events on the hub; warnings and errors shared between replicas."""

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from data.addresses import mask_addresses, plain_line
from data.shared_logs import LogLine

from .feed import dumps, iso
from .hub import LOG, Hub

ROOT_LOGGER = "airdate"  # every Airdate module logs below this name
SHARED = logging.WARNING  # this level and above reaches every replica's viewers
PENDING_LIMIT = 200  # lines waiting to be stored; beyond that (a database that is down) they stay local
MESSAGE_LIMIT = 2000  # characters of a message in a log event

Store = Callable[[list[dict]], None]  # Database.share_log_lines


class LogRelay(logging.Handler):
    """Publishes records of the ``airdate`` loggers at ``level`` and above; safe from any thread.

    With ``store``, warnings and errors are also written to the database (in batches, off the event loop)
    so that the other replicas' feeds read them; :meth:`take_shared` publishes theirs here.
    """

    def __init__(
        self, hub: Hub, level: int | str = logging.INFO, *, replica: str = "", store: Store | None = None
    ) -> None:
        super().__init__(level)
        self.hub = hub
        self.replica = replica  # which Airdate process logged it, when several share a database
        self.store = store
        self._loop: asyncio.AbstractEventLoop | None = None
        self._publishing = threading.local()  # a record logged while publishing must not loop back
        self._pending: list[dict] = []
        self._storing: asyncio.Task | None = None

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
        moment = datetime.fromtimestamp(record.created, UTC)
        entry = _entry(moment, record.levelname, record.name, message, self.replica)
        shared = None
        if self.store is not None and record.levelno >= SHARED:
            shared = {"logged_at": moment, "replica": self.replica, "level": record.levelname}
            shared |= {"logger": record.name, "message": message[:2000]}
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._publish(entry, shared)
        else:
            loop.call_soon_threadsafe(self._publish, entry, shared)

    def take_shared(self, lines: list[LogLine]) -> None:
        """The feed's hook: publish the warnings and errors the other replicas stored."""
        for line in lines:
            if line.replica != self.replica:
                self._publish(_entry(line.logged_at, line.level, line.logger, line.message, line.replica))

    def _publish(self, entry: dict, shared: dict | None = None) -> None:
        """Publish here; ``shared``: the row that also goes to the database for the other replicas."""
        self._publishing.active = True
        try:
            self.hub.publish(LOG, dumps(entry), entry)
        finally:
            self._publishing.active = False
        if shared is not None and len(self._pending) < PENDING_LIMIT:
            self._pending.append(shared)
            if self._storing is None or self._storing.done():
                self._storing = asyncio.get_running_loop().create_task(self._store_pending())

    async def _store_pending(self) -> None:
        """Write what is pending, then what came meanwhile. A failure (the database is what is down,
        usually the very thing the warning says) keeps the lines local, silently: saying so would be
        one more warning to store."""
        while self._pending and self.store is not None:
            rows, self._pending = self._pending, []
            try:
                await asyncio.to_thread(self.store, rows)
            except Exception:
                return


def _entry(moment: datetime, level: str, logger: str, message: str, replica: str) -> dict:
    """A ``log`` event's data: bounded, on one line, and with e-mail addresses masked (every viewer and
    read token gets it, and viewers never see whole addresses)."""
    shown = plain_line(mask_addresses(message), MESSAGE_LIMIT)
    return {"ts": iso(moment), "level": level, "logger": logger, "message": shown, "replica": replica}
