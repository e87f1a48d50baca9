"""Leases: a piece of scheduled work is done by the process that holds its lease.

Each replica's timers ask before each run; the first to ask takes the lease and keeps it by renewing it
every run, so the work runs on one replica at a time. A lease outlives a few periods of the work: when
its holder stops or dies, another replica takes it over once it has expired. Taking is one conditional
``UPDATE`` (after an insert that does nothing if the row exists), so of two replicas asking at once
exactly one gets it, on SQLite and PostgreSQL alike.
"""

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col

from .clock import utcnow
from .models import Lease
from .upsert import upsert


def take(session: Session, name: str, holder: str, seconds: float, now: datetime | None = None) -> bool:
    """Hold ``name`` for ``seconds`` from now if it is free, expired or already ours; whether we do."""
    now = now or utcnow()
    connection = session.connection()
    upsert(
        connection,
        Lease.__table__,
        {"name": name, "holder": holder, "expires_at": now - timedelta(seconds=1)},
        keys=("name",),
        insert_only=("holder", "expires_at"),
    )
    taken = connection.execute(
        update(Lease)
        .where(
            col(Lease.name) == name,
            or_(col(Lease.holder) == holder, col(Lease.expires_at) < now),
        )
        .values(holder=holder, expires_at=now + timedelta(seconds=seconds))
    )
    return taken.rowcount == 1


def release(session: Session, name: str, holder: str) -> None:
    """Give the lease up (at a clean stop), so another replica need not wait for it to expire."""
    session.connection().execute(
        update(Lease)
        .where(col(Lease.name) == name, col(Lease.holder) == holder)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
