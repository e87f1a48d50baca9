"""Starting a run of an action in the jobs table (:mod:`data.jobs`), each failure a DatabaseError of one line.

Starting a run is a loop of units of work: expire the runs of dead replicas, insert the new run, and if a
run of the action is under way already (the insert refused), look at it; it may finish between the
refused insert and the look, hence the loop. None of these writes tells the commit listeners (as
before: the jobs reach the feed by :class:`services.jobs.Jobs` itself, and on PostgreSQL by the table's
announcements).
"""

from datetime import datetime
from typing import NamedTuple

from sqlalchemy.exc import IntegrityError

from data import Database, DatabaseError, JobRow
from data import jobs as table
from data.clock import utcnow
from data.errors import in_one_line


class Started(NamedTuple):
    job: JobRow  # the new job, or the one already running
    started: bool
    expired: list[JobRow]  # running jobs of dead replicas found on the way, now failed


def start_run(
    database: Database, action: str, started_by: str, replica: str, lease: float, now: datetime | None = None
) -> Started:
    """A new running job of ``action``, unless one is running already (on any replica)."""
    now = now or utcnow()
    expired: list[JobRow] = []
    with in_one_line():
        for _ in range(3):
            with database.transaction(notify=False) as session:
                expired += table.expire(session, lease, now, action)
            job = table.new_run(action, started_by, replica, now)
            try:
                with database.transaction(notify=False) as session:
                    table.start(session, job)
                return Started(job, True, expired)
            except IntegrityError:  # jobs_one_running: another run of this action is under way
                with database.reading() as session:
                    running = table.running(session, action)
                if running is not None:
                    return Started(running, False, expired)
    raise DatabaseError(f"could not start {action}: its runs kept changing")
