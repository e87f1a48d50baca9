"""Jobs in the database: the runs of the console's actions, shared by every replica.

At most one run of an action is running at a time, across replicas: the partial unique index
``jobs_one_running`` (``action`` where ``status = 'running'``, migration 0008) makes the second of two
inserts fail, on SQLite and PostgreSQL alike, so two replicas starting an action at once run it once.
The replica running a job renews ``renewed_at`` while it runs (its lease); a running job not renewed
for the lease belongs to a replica that died, and whoever notices marks it failed, with a conditional
``UPDATE`` so that it happens once. The table keeps the newest ``KEEP_JOBS`` runs.

Times come from each replica's clock (as for :mod:`data.leases`): keep the replicas' clocks in sync.
Starting a run is a few units of work (expire, insert, look at the one running): the caller's loop,
:func:`services.job_rows.start_run`.
"""

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import Connection, Row, delete, func, insert, or_, select, tuple_, update
from sqlmodel import Session, col

from .clock import utcnow
from .models import JobRecord, JobStatus

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


_COLUMNS = tuple(JobRecord.__table__.c)  # type: ignore[attr-defined]


def start(session: Session, job: JobRow) -> None:
    """Insert ``job`` as running and keep the newest ``KEEP_JOBS``; IntegrityError when a run of its action
    is running already (``jobs_one_running``: the transaction is lost, the caller rolls it back)."""
    connection = session.connection()
    connection.execute(insert(JobRecord).values(**_values(job)))
    _prune(connection)


def new_run(action: str, started_by: str, replica: str, now: datetime | None = None) -> JobRow:
    """A running job of ``action`` that is not in the database yet (for :func:`start`)."""
    now = now or utcnow()
    return JobRow(secrets.token_hex(6), action, RUNNING, started_by, replica, now, now)


def running(session: Session, action: str) -> JobRow | None:
    """The run of ``action`` that is running, if any."""
    row = (
        session.connection()
        .execute(select(*_COLUMNS).where(col(JobRecord.action) == action, col(JobRecord.status) == RUNNING))
        .first()
    )
    return None if row is None else _row(row)


def renew(session: Session, job: JobRow, now: datetime | None = None) -> bool:
    """Write a running job's progress and renew its lease; whether it is still running in the database
    (False: another replica marked it failed meanwhile)."""
    renewed = session.connection().execute(
        update(JobRecord)
        .where(col(JobRecord.id) == job.id, col(JobRecord.status) == RUNNING)
        .values(**_progress(job), renewed_at=now or utcnow())
    )
    return renewed.rowcount == 1


def finish(session: Session, job: JobRow) -> None:
    """Record how a job ended (whatever another replica thought of it meanwhile: this is what happened)."""
    session.connection().execute(
        update(JobRecord)
        .where(col(JobRecord.id) == job.id)
        .values(**_progress(job), status=job.status, error=job.error, finished_at=job.finished_at)
    )


def expire(
    session: Session, lease: float, now: datetime | None = None, action: str | None = None
) -> list[JobRow]:
    """Mark failed every running job (of ``action``, or all) whose replica has not renewed it for ``lease``
    seconds."""
    return _expire(session.connection(), lease, now or utcnow(), action)


def abandon(session: Session, replica: str, before: datetime, now: datetime | None = None) -> list[JobRow]:
    """At a replica's start: its jobs left running from before (it stopped without finishing them)."""
    return _fail(
        session.connection(),
        [col(JobRecord.replica) == replica, col(JobRecord.started_at) < before],
        lambda _row: f"replica {replica} restarted",
        now or utcnow(),
    )


def get(session: Session, job_id: str) -> JobRow | None:
    row = session.connection().execute(select(*_COLUMNS).where(col(JobRecord.id) == job_id)).first()
    return None if row is None else _row(row)


def current(session: Session) -> list[JobRow]:
    """What a dashboard shows: the running jobs and each action's newest (a few rows, for the live read)."""
    connection = session.connection()
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
