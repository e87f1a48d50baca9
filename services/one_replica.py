"""Scheduled work that must run on one replica at a time (syncs, pruning, chart samples).

Every replica keeps its timers; before each run a timer asks for the work's lease (:mod:`data.leases`)
and runs only while it holds it. The lease lasts ``HELD_FOR`` periods, so the replica that runs the
work keeps it, and another takes over within that many periods after it stops. Sending is not here: any
number of senders share the outbox safely (batches are claimed in the database) and spread the work.
"""

import asyncio
import logging
import os
import secrets
from collections.abc import Awaitable, Callable

from data import Database, DatabaseError, leases
from data.errors import UNREACHABLE, first_line

from . import units

log = logging.getLogger("airdate.schedule")

HELD_FOR = 3  # periods a lease lasts without being renewed
Work = Callable[[], Awaitable[object]]


class OneReplica:
    def __init__(self, database: Database, replica: str) -> None:
        self.database = database
        self.holder = f"{replica}:{os.getpid()}:{secrets.token_hex(3)}"
        self.held: set[str] = set()  # the work this process holds the lease of

    def alone(self, name: str, every: float, work: Work) -> Callable[[], Awaitable[None]]:
        """``work`` as a timer callback (every ``every`` seconds) that runs only on the lease holder."""

        async def run() -> None:
            held_for = every * HELD_FOR
            try:
                mine = await asyncio.to_thread(
                    units.quietly, self.database, leases.take, name, self.holder, held_for
                )
            except DatabaseError as error:  # down or locked: this run is skipped, the next one asks again
                log.warning("skipped %s: cannot reach the database to take its lease: %s", name, error)
                return
            if mine and name not in self.held:
                log.debug("this replica now runs %s", name)
            (self.held.add if mine else self.held.discard)(name)
            if mine:
                try:
                    await work()
                except UNREACHABLE as error:  # an outage is a line in the log, not a traceback
                    log.warning("%s failed, the next run tries again: %s", name, first_line(error))

        return run

    async def release_all(self) -> None:
        """At a clean stop: give the leases up, so another replica takes the work over at once."""
        for name in sorted(self.held):
            try:
                await asyncio.to_thread(units.quietly, self.database, leases.release, name, self.holder)
            except DatabaseError as error:
                log.warning("could not give up the lease of %s (it will expire): %s", name, error)
        self.held.clear()
