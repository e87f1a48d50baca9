"""Listening to PostgreSQL's announcements of changes (``LISTEN airdate_changes``, migration 0005).

Every commit that changes a counted table — made by any replica, or by raw SQL — notifies the channel
once; a listener calls ``on_change`` for each notification, and the live feed reads at once instead of
at its next tick. One connection per process listens. When it is lost, the listener connects again
(backing off with jitter, up to ``max_retry`` seconds between tries) and calls ``on_change`` once
connected, so a read covers whatever changed meanwhile: the feed reads the change log from its own
cursor, so nothing is missed, only later. The app-wide timer keeps reading either way.
"""

import asyncio
import logging
from collections.abc import Callable

import psycopg
from sqlalchemy.engine import URL
from tenacity import AsyncRetrying, retry_if_exception_type
from tenacity.wait import wait_exponential_jitter

from .errors import first_line

log = logging.getLogger("airdate.announcements")

CHANNEL = "airdate_changes"
LOST = (psycopg.Error, OSError)  # what a lost or refused connection raises


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
        self._failing = False  # since the last loss (logged once), until listening again

    def start(self) -> None:
        """Listen in a task of its own (call from a startup hook)."""
        self._task = asyncio.create_task(self._listen_forever(), name="airdate-change-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _listen_forever(self) -> None:
        while True:
            connecting = AsyncRetrying(  # until it connects: a database that is down is not hammered
                retry=retry_if_exception_type(LOST),
                wait=wait_exponential_jitter(multiplier=self.retry, max=self.max_retry, jitter=self.retry),
                before_sleep=lambda state: self._lost(state.outcome.exception() if state.outcome else None),
            )
            connection = await connecting(self._connect)
            try:
                await self._listen(connection)
            except LOST as error:
                self._lost(error)
            await asyncio.sleep(self.retry)  # a moment before connecting again

    async def _connect(self) -> psycopg.AsyncConnection:
        connection = await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True)
        try:
            await connection.execute(f"LISTEN {CHANNEL}")
        except BaseException:
            await connection.close()
            raise
        return connection

    async def _listen(self, connection: psycopg.AsyncConnection) -> None:
        async with connection:
            self.connected.set()
            if self._failing:
                log.info("listening to the database's change announcements again")
                self._failing = False
            self.on_change()  # whatever changed while we were not listening
            async for _ in connection.notifies():
                self.notifications += 1
                self.on_change()

    def _lost(self, error: BaseException | None) -> None:
        self.connected.clear()
        if not self._failing:
            log.warning(
                "lost the database's change announcements (%s); reading on the timer until they are back",
                first_line(error) if error is not None else "?",
            )
        self._failing = True
