"""Listening to PostgreSQL's announcements of changes (``LISTEN airdate_changes``, migration 0005).

Every commit that changes a counted table — made by any replica, or by raw SQL — notifies the channel
once; a listener calls ``on_change`` for each notification, and the live feed reads at once instead of
at its next tick. One connection per process listens. When it is lost, the listener connects again
(backing off up to ``max_retry`` seconds) and calls ``on_change`` once connected, so a read covers
whatever changed meanwhile: the feed reads the change log from its own cursor, so nothing is missed,
only later. The app-wide timer keeps reading either way.
"""

import asyncio
import logging
from collections.abc import Callable

import psycopg
from sqlalchemy.engine import URL

from .errors import first_line

log = logging.getLogger("airdate.announcements")

CHANNEL = "airdate_changes"


class ChangeListener:
    def __init__(
        self, url: URL, on_change: Callable[[], None], *, retry: float = 0.5, max_retry: float = 30.0
    ) -> None:
        self.conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.on_change = on_change
        self.retry = retry
        self.max_retry = max_retry
        self.connected = asyncio.Event()
        self.notifications = 0  # received since start (for tests and metrics)
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        """Listen in a task of its own (call from a startup hook)."""
        self._task = asyncio.create_task(self._listen_forever(), name="airdate-change-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _listen_forever(self) -> None:
        delay, failing = self.retry, False
        while True:
            try:
                await self._listen(recovered=failing)
                delay, failing = self.retry, False
            except (psycopg.Error, OSError) as error:
                self.connected.clear()
                if not failing:
                    reason = first_line(error)
                    log.warning(
                        "lost the database's change announcements (%s); reading on the timer until they "
                        "are back",
                        reason,
                    )
                failing = True
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.max_retry)

    async def _listen(self, *, recovered: bool) -> None:
        connection = await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True)
        async with connection:
            await connection.execute(f"LISTEN {CHANNEL}")
            self.connected.set()
            if recovered:
                log.info("listening to the database's change announcements again")
            self.on_change()  # whatever changed while we were not listening
            async for _ in connection.notifies():
                self.notifications += 1
                self.on_change()
