"""Airdate's tables.

Status and media type are stored as plain strings (see the ``*_VALUES`` tuples) so that the
counter triggers in :mod:`data.counters` can compare them in SQL on every database.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel, UniqueConstraint

from .clock import utcnow


class MediaType(StrEnum):
    MOVIE = "movie"
    TV = "tv"


class RequestStatus(StrEnum):
    PENDING = "pending"  # waiting for approval upstream
    APPROVED = "approved"  # approved, not complete: a tv request in this state is "tracking"
    AVAILABLE = "available"  # complete
    DECLINED = "declined"


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    jellyseerr_id: int | None = Field(default=None, unique=True)
    username: str = Field(index=True)
    email: str
    created_at: datetime = Field(default_factory=utcnow)


class MediaRequest(SQLModel, table=True):
    __tablename__ = "media_requests"

    id: int | None = Field(default=None, primary_key=True)
    jellyseerr_id: int | None = Field(default=None, unique=True)
    media_type: str = Field(index=True)  # MediaType
    title: str
    tmdb_id: int = Field(index=True)
    tvdb_id: int | None = Field(default=None, index=True)
    status: str = Field(default=RequestStatus.APPROVED, index=True)  # RequestStatus
    requester_id: int = Field(foreign_key="users.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Episode(SQLModel, table=True):
    """A tracked episode of a tv show that somebody requested (joined to requests by ``tmdb_id``)."""

    __tablename__ = "episodes"
    __table_args__ = (UniqueConstraint("tmdb_id", "season", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    tmdb_id: int = Field(index=True)
    show_title: str
    season: int
    number: int
    title: str
    air_date: date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Notification(SQLModel, table=True):
    __tablename__ = "notifications"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    episode_id: int | None = Field(default=None, foreign_key="episodes.id")
    subject: str
    body: str
    status: str = Field(default=NotificationStatus.PENDING, index=True)  # NotificationStatus
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: datetime | None = None  # set after a failed attempt (backoff)
    claimed_at: datetime | None = None  # when a sender took it (status "sending")
    created_at: datetime = Field(default_factory=utcnow, index=True)
    sent_at: datetime | None = Field(default=None, index=True)


class NotificationChange(SQLModel, table=True):
    """Appended by triggers whenever a notification is created or changes status (see data.changes)."""

    __tablename__ = "notification_changes"
    __table_args__ = {"sqlite_autoincrement": True}  # ids are never reused, even after pruning

    id: int | None = Field(default=None, primary_key=True)
    notification_id: int
    status: str
    changed_at: datetime = Field(default_factory=utcnow)


class StatsCounter(SQLModel, table=True):
    """One row per counter; kept exact by database triggers (see :mod:`data.counters`)."""

    __tablename__ = "stats_counters"

    name: str = Field(primary_key=True)
    value: int = 0


class Meta(SQLModel, table=True):
    """Small key/value facts about this database (e.g. that it is a demo database)."""

    __tablename__ = "airdate_meta"

    key: str = Field(primary_key=True)
    value: str
