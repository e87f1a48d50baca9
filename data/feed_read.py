"""What the live feed reads at each tick, in one session: the stats, the notification changes and the
shared log lines since its cursors, the jobs a dashboard shows, and what airs next (when it may have
changed: :func:`data.upcoming.read_if_changed`)."""

from dataclasses import dataclass, field

from sqlmodel import Session

from . import changes, counters, jobs, shared_logs
from .changes import NotificationRow
from .counters import Stats
from .jobs import JobRow
from .upcoming import Upcoming, read_if_changed


@dataclass(frozen=True, slots=True)
class LiveRead:
    """What the live feed reads in one go: all stats, notification changes and shared log lines since its
    cursors, and the jobs a dashboard shows (running, and each action's newest: a few rows)."""

    stats: Stats
    changes: list[tuple[int, NotificationRow]]
    log_lines: list[shared_logs.LogLine] = field(default_factory=list)
    jobs: list[JobRow] = field(default_factory=list)
    upcoming: Upcoming | None = None  # None: unchanged since the key the feed passed


def read_live(
    session: Session, after_change: int, after_log_line: int, upcoming_seen: str | None = None
) -> LiveRead:
    found = changes.read_changes(session, after_change)  # first: the stats then include them
    return LiveRead(
        counters.read_stats(session),
        found,
        shared_logs.read_after(session, after_log_line),
        jobs.current(session),
        read_if_changed(session, upcoming_seen),
    )
