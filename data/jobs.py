"""Jobs in the database: the runs of the console's actions, shared by every replica.

At most one run of an action is running at a time, across replicas: the partial unique index
``jobs_one_running`` (``action`` where ``status = 'running'``, migration 0008) makes the second of two
inserts fail, on SQLite and PostgreSQL alike, so two replicas starting an action at once run it once.
The replica running a job renews ``renewed_at`` while it runs (its lease); a running job not renewed
for the lease belongs to a replica that died, and whoever notices marks it failed, with a conditional
``UPDATE`` so that it happens once. The table keeps the newest ``KEEP_JOBS`` runs.

Times come from each replica's clock (as for :mod:`data.leases`): keep the replicas' clocks in sync.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import Connection, Row, delete, func, insert, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from .clock import utcnow
from .errors import DatabaseError, in_one_line
from .models import JobRecord, JobStatus

if TYPE_CHECKING:
    from .db import Database

KEEP_JOBS = 100
RUNNING = JobStatus.RUNNING


@dataclass(frozen=True, slots=True)
class JobRow:
    id: str
    action: str
    status: JobStatus
    started_by: str
    replica: str
    started_at: datetime
    renewed_at: datetime
    done: int = 0
    total: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    finished_at: datetime | None = None
    problems: list[str] = field(default_factory=list)  # single items that went wrong in a run that went on


class Started(NamedTuple):
    job: JobRow  # the new job, or the one already running
    started: bool
    expired: list[JobRow]  # running jobs of dead replicas found on the way, now failed


_COLUMNS = tuple(JobRecord.__table__.c)  # type: ignore[attr-defined]


def start(
    database: Database, action: str, started_by: str, replica: str, lease: float, now: datetime | None = None
) -> Started:
    """A new running job of ``action``, unless one is running already (on any replica)."""
    with in_one_line():
        return _start(database, action, started_by, replica, lease, now or utcnow())


def _start(
    database: Database, action: str, started_by: str, replica: str, lease: float, now: datetime
) -> Started:
    expired: list[JobRow] = []
    for _ in range(3):  # the running one may finish between our refused insert and our look at it
        with database.engine.begin() as connection:
            expired += _expire(connection, lease, now, action)
        job = JobRow(secrets.token_hex(6), action, RUNNING, started_by, replica, now, now)
        try:
            with database.engine.begin() as connection:
                connection.execute(insert(JobRecord).values(**_values(job)))
                _prune(connection)
            return Started(job, True, expired)
        except IntegrityError:  # jobs_one_running: another run of this action is under way
            with database.engine.connect() as connection:
                running = connection.execute(
                    select(*_COLUMNS).where(col(JobRecord.action) == action, col(JobRecord.status) == RUNNING)
                ).first()
            if running is not None:
                return Started(_row(running), False, expired)
    raise DatabaseError(f"could not start {action}: its runs kept changing")


def renew(database: Database, job: JobRow, now: datetime | None = None) -> bool:
    """Write a running job's progress and renew its lease; whether it is still running in the database
    (False: another replica marked it failed meanwhile)."""
    with in_one_line(), database.engine.begin() as connection:
        renewed = connection.execute(
            update(JobRecord)
            .where(col(JobRecord.id) == job.id, col(JobRecord.status) == RUNNING)
            .values(**_progress(job), renewed_at=now or utcnow())
        )
        return renewed.rowcount == 1


def finish(database: Database, job: JobRow) -> None:
    """Record how a job ended (whatever another replica thought of it meanwhile: this is what happened)."""
    with in_one_line(), database.engine.begin() as connection:
        connection.execute(
            update(JobRecord)
            .where(col(JobRecord.id) == job.id)
            .values(**_progress(job), status=job.status, error=job.error, finished_at=job.finished_at)
        )


def expire(database: Database, lease: float, now: datetime | None = None) -> list[JobRow]:
    """Mark failed every running job whose replica has not renewed it for ``lease`` seconds."""
    with in_one_line(), database.engine.begin() as connection:
        return _expire(connection, lease, now or utcnow())


def abandon(database: Database, replica: str, before: datetime, now: datetime | None = None) -> list[JobRow]:
    """At a replica's start: its jobs left running from before (it stopped without finishing them)."""
    with in_one_line(), database.engine.begin() as connection:
        return _fail(
            connection,
            [col(JobRecord.replica) == replica, col(JobRecord.started_at) < before],
            lambda _row: f"replica {replica} restarted",
            now or utcnow(),
        )


def get(database: Database, job_id: str) -> JobRow | None:
    with in_one_line(), database.engine.connect() as connection:
        row = connection.execute(select(*_COLUMNS).where(col(JobRecord.id) == job_id)).first()
        return None if row is None else _row(row)


def current(connection: Connection) -> list[JobRow]:
    """What a dashboard shows: the running jobs and each action's newest (a few rows, for the live read)."""
    newest = select(col(JobRecord.action), func.max(col(JobRecord.started_at))).group_by(
        col(JobRecord.action)
    )
    rows = connection.execute(
        select(*_COLUMNS)
        .where(
            or_(
                col(JobRecord.status) == RUNNING,
                tuple_(col(JobRecord.action), col(JobRecord.started_at)).in_(newest),
            )
        )
        .order_by(col(JobRecord.started_at))
    )
    return [_row(row) for row in rows]


def _expire(connection: Connection, lease: float, now: datetime, action: str | None = None) -> list[JobRow]:
    where = [col(JobRecord.renewed_at) < now - timedelta(seconds=lease)]
    if action is not None:
        where.append(col(JobRecord.action) == action)
    reason = f"stopped renewing its lease (no heartbeat for {lease:g} s)"
    return _fail(connection, where, lambda row: f"replica {row.replica} {reason}", now)


def _fail(connection: Connection, where: list, why: Callable[[JobRow], str], now: datetime) -> list[JobRow]:
    """Mark the running jobs that match ``where`` failed, each for ``why(job)``; those it marked."""
    found = connection.execute(select(*_COLUMNS).where(col(JobRecord.status) == RUNNING, *where)).all()
    failed = []
    for job in map(_row, found):  # looked at first: a read, not a write, when there is nothing to do
        error = why(job)
        marked = connection.execute(
            update(JobRecord)
            .where(col(JobRecord.id) == job.id, col(JobRecord.status) == RUNNING, *where)
            .values(status=JobStatus.FAILED, error=error, finished_at=now)
        )
        if marked.rowcount == 1:
            failed.append(replace(job, status=JobStatus.FAILED, error=error, finished_at=now))
    return failed


def _prune(connection: Connection) -> None:
    newest = select(col(JobRecord.id)).order_by(col(JobRecord.started_at).desc()).limit(KEEP_JOBS)
    connection.execute(
        delete(JobRecord).where(col(JobRecord.status) != RUNNING, col(JobRecord.id).not_in(newest))
    )


def _values(job: JobRow) -> dict:
    return {
        "id": job.id,
        "action": job.action,
        "status": job.status,
        "started_by": job.started_by,
        "replica": job.replica,
        "started_at": job.started_at,
        "renewed_at": job.renewed_at,
        "error": job.error,
        "finished_at": job.finished_at,
        **_progress(job),
    }


def _progress(job: JobRow) -> dict:
    return {
        "done": job.done,
        "total": job.total,
        "counts": json.dumps(job.counts, sort_keys=True),
        "problems": json.dumps(job.problems),
    }


def _row(row: Row) -> JobRow:
    values = row._asdict()
    values["counts"] = json.loads(values["counts"] or "{}")
    values["problems"] = json.loads(values["problems"] or "[]")
    values["status"] = JobStatus(values["status"])
    return JobRow(**values)
