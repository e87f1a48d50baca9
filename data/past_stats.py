"""The stats as they were at a moment in the past, rebuilt from the tables' timestamps.

Used for chart ranges longer than the server has been up, and for "% vs one hour ago" right after a
start. Counts of rows created before a moment are exact; ``pending`` at a moment is a reconstruction
(created by then and not yet sent or failed by then, taking the last change as the moment it failed).
"""

from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from .db import Database
from .models import Episode, MediaRequest, MediaType, Notification, NotificationStatus, RequestStatus, User


def _pending_at(moment: datetime) -> ColumnElement[bool]:
    """Created by ``moment`` and not sent by then (a failed one counts as never pending)."""
    return and_(
        Notification.created_at <= moment,
        or_(Notification.sent_at.is_(None), Notification.sent_at > moment),
        Notification.status != NotificationStatus.FAILED,
    )


def _count_notifications(where: ColumnElement[bool]) -> Select:
    return select(func.count()).select_from(Notification).where(where)


def stats_at(database: Database, when: datetime) -> dict[str, int]:
    """The tile values at ``when`` (request statuses as they are now)."""
    with database.engine.connect() as connection:

        def count(query) -> int:
            return connection.execute(query).scalar_one()

        requests = select(func.count()).select_from(MediaRequest).where(MediaRequest.created_at <= when)
        return {
            "users": count(select(func.count()).select_from(User).where(User.created_at <= when)),
            "requests_total": count(requests),
            "requests_tracking": count(
                requests.where(
                    MediaRequest.media_type == MediaType.TV, MediaRequest.status == RequestStatus.APPROVED
                )
            ),
            "episodes_tracked": count(
                select(func.count()).select_from(Episode).where(Episode.created_at <= when)
            ),
            "notifications_sent": count(_count_notifications(Notification.sent_at <= when)),
            "notifications_pending": count(_count_notifications(_pending_at(when))),
        }


def sent_and_pending(
    database: Database, since: datetime, until: datetime, points: int
) -> list[tuple[datetime, int, int]]:
    """(moment, sent by then, pending at then) at ``points`` evenly spaced moments."""
    step = (until - since) / max(1, points - 1)
    moments = [since + step * i for i in range(points)]
    with database.engine.connect() as connection:
        rows = []
        for moment in moments:
            sent = connection.execute(_count_notifications(Notification.sent_at <= moment)).scalar_one()
            pending = connection.execute(_count_notifications(_pending_at(moment))).scalar_one()
            rows.append((moment, sent, pending))
    return rows
