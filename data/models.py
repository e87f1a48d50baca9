"""Airdate's tables. Changing one means a migration too (``data/migrations``; a test compares them).

Moments in time are aware UTC datetimes: SQLModel stores them as ``timestamptz`` on PostgreSQL and as
UTC text on SQLite, and refuses a naive one.

Status and media type are stored as plain strings (see the ``*_VALUES`` tuples) so that the
counter triggers in :mod:`data.counters` can compare them in SQL on every database.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, text
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
    REMOVED = "removed"  # gone from Jellyseerr: a complete listing no longer had it (history kept)


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # not sent on purpose: the user turned notifications off, muted the show, or
    # removed the channel (see data.unwanted.skip_unwanted), or hears of season premieres only
    HELD = "held"  # waiting for its season to be complete (EpisodeRule.SEASON_COMPLETE; data.seasons)


class NotifyMode(StrEnum):
    AS_THEY_LAND = "as_they_land"  # a batch once the newest item is the grouping delay old
    DIGEST = "digest"  # one batch a day, at the user's chosen local time
    OFF = "off"  # nothing is sent; pending items become "skipped"


class EpisodeRule(StrEnum):
    """Which episodes a person is told of (a default per person, and per show; data.seasons)."""

    EACH = "each"  # every episode that lands
    PREMIERES = "premieres"  # the first episode of each season that lands; the others are skipped
    SEASON_COMPLETE = "season_complete"  # one message once every aired episode of a season is in


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    jellyseerr_id: int | None = Field(default=None, unique=True)
    username: str = Field(index=True)
    email: str
    created_at: datetime = Field(default_factory=utcnow)
    notify_mode: str = Field(default=NotifyMode.AS_THEY_LAND)  # NotifyMode
    digest_at: str = "08:00"  # HH:MM, local time in ``time_zone``, for NotifyMode.DIGEST
    time_zone: str = "UTC"  # an IANA name, e.g. Europe/Berlin
    email_enabled: bool = True  # whether the e-mail address is one of the user's channels
    # The address Airdate mails is ``email`` ('' for none). Jellyseerr's own ``email`` field, which may hold
    # a Jellyfin user's name instead of an address, is kept as it came in ``upstream_email``; an address
    # an admin set (``email_set_by_admin``) stays until Jellyseerr has a valid one itself.
    upstream_email: str = ""
    email_set_by_admin: bool = False
    removed_at: datetime | None = None  # gone from Jellyseerr: not told any more, history kept
    link_key: int = 0  # part of every link signed for this user; raising it revokes them all
    episode_rule: str = Field(default=EpisodeRule.EACH)  # EpisodeRule, unless a show has its own (ShowRule)
    locale: str = ""  # Jellyseerr's settings.locale for them (de, pt-BR…); '': the admin's default


class Channel(SQLModel, table=True):
    """A place besides e-mail where a user is told: an Apprise URL (discord://, tgram://, json://, ...).

    The URL holds secrets (tokens, passwords): only :func:`services.channels.masked` shows it. A removed
    channel keeps its row (its deliveries refer to it) with ``removed_at`` set."""

    __tablename__ = "channels"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    url: str
    label: str  # the URL with its secrets masked, made once when it is added
    created_at: datetime = Field(default_factory=utcnow)
    removed_at: datetime | None = None


class MutedShow(SQLModel, table=True):
    """A show a user does not want to hear about; its new episodes become ``skipped`` for them."""

    __tablename__ = "muted_shows"

    user_id: int = Field(foreign_key="users.id", primary_key=True)
    tmdb_id: int = Field(primary_key=True)


class ShowRule(SQLModel, table=True):
    """A person's own rule for one show, instead of their default (``users.episode_rule``)."""

    __tablename__ = "show_rules"

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    tmdb_id: int = Field(primary_key=True)
    rule: str  # EpisodeRule


class Follow(SQLModel, table=True):
    """A person told of a show's new episodes without having requested it (as a requester of all
    seasons is: their own preferences apply)."""

    __tablename__ = "follows"

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    tmdb_id: int = Field(primary_key=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    added_by: str = ""  # who made them a follower: an admin's name, or the user's own link


class ScheduledEpisode(SQLModel, table=True):
    """An episode as Sonarr's episode list has it, aired or not: when it airs and whether it ends a
    season (Sonarr's ``finaleType``: ``season``, ``series``, ``midseason``). What tells a season complete."""

    __tablename__ = "scheduled_episodes"

    tmdb_id: int = Field(primary_key=True)
    season: int = Field(primary_key=True)
    number: int = Field(primary_key=True)
    title: str = ""
    air_at: datetime | None = Field(default=None, index=True)  # None: Sonarr does not know (any more)
    finale: str | None = None
    runtime: int | None = None  # minutes, when Sonarr knows
    overview: str | None = None  # Sonarr's, when it has one


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
    # Asked for every season the show had then (Jellyseerr's "all seasons" lists them): the show's later
    # seasons count too, as Sonarr monitors them (the seasons themselves are in request_seasons).
    all_seasons: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class RequestSeason(SQLModel, table=True):
    """A season a tv request asks for (Jellyseerr's ``seasons[].seasonNumber``; 0 is the specials).

    A tv request without any rows here (made before Airdate read seasons) covers every season."""

    __tablename__ = "request_seasons"

    request_id: int = Field(foreign_key="media_requests.id", primary_key=True, ondelete="CASCADE")
    season: int = Field(primary_key=True)


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
    air_at: datetime | None = None  # Sonarr's airDateUtc, when it said
    overview: str | None = None  # Sonarr's, as it came with the import


class ShowFacts(SQLModel, table=True):
    """What Jellyseerr knows of a show, kept at each request sync so that a message never waits for it:
    its poster (TMDB's ``posterPath``, on ``AIRDATE_POSTER_BASE_URL``), overview and where to watch it
    (Jellyseerr's ``mediaUrl``: the Jellyfin, Emby or Plex page, once the media server has it)."""

    __tablename__ = "show_facts"

    tmdb_id: int = Field(primary_key=True)
    poster_path: str | None = None
    overview: str = ""
    media_url: str | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class Notification(SQLModel, table=True):
    __tablename__ = "notifications"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    episode_id: int | None = Field(default=None, foreign_key="episodes.id")
    channel_id: int | None = None  # channels.id; None: the user's e-mail (one row per item and channel)
    subject: str
    body: str
    status: str = Field(default=NotificationStatus.PENDING, index=True)  # NotificationStatus
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: datetime | None = None  # set after a failed attempt (backoff)
    claimed_at: datetime | None = None  # when a sender took it (status "sending")
    claimed_by: str | None = None  # which process took it (see data.outbox)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    sent_at: datetime | None = Field(default=None, index=True)


class NotificationChange(SQLModel, table=True):
    """Appended by triggers whenever a notification is created or changes status (see data.changes)."""

    __tablename__ = "notification_changes"
    __table_args__ = {"sqlite_autoincrement": True}  # ids are never reused, even after pruning

    id: int | None = Field(default=None, primary_key=True)
    notification_id: int
    status: str  # the status it changed to
    sent_at: datetime | None = None  # the notification's, as of this change
    changed_at: datetime = Field(default_factory=utcnow)


class StatsCounter(SQLModel, table=True):
    """One row per counter and slot; a counter is the sum of its slots, kept exact by database triggers
    (see :mod:`data.counters`)."""

    __tablename__ = "stats_counters"

    name: str = Field(primary_key=True)
    slot: int = Field(default=0, primary_key=True)
    value: int = 0


class Meta(SQLModel, table=True):
    """Small key/value facts about this database (e.g. that it is a demo database)."""

    __tablename__ = "airdate_meta"

    key: str = Field(primary_key=True)
    value: str


class Role(StrEnum):
    ADMIN = "admin"  # everything, including actions and managing accounts and tokens
    VIEWER = "viewer"  # dashboard, tables, charts and streams; no actions; e-mail addresses masked


class Scope(StrEnum):
    READ = "read"  # /sse/stats, /api/stats, /api/jobs, /metrics
    ADMIN = "admin"  # also the actions


class Account(SQLModel, table=True):
    """A person who signs in to the console."""

    __tablename__ = "accounts"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True)
    password_hash: str  # argon2id, never the password
    role: str = Field(default=Role.VIEWER)  # Role
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None


class ApiToken(SQLModel, table=True):
    """A program's credential. Only a hash is kept: the token is shown once, when it is made."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    scope: str = Field(default=Scope.READ)  # Scope
    token_hash: str = Field(unique=True, index=True)  # SHA-256 of a 256-bit random token
    created_by: str
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None


class LoginSession(SQLModel, table=True):
    """A signed-in browser; the cookie holds a random token whose hash is kept here."""

    __tablename__ = "login_sessions"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True)
    account_id: int = Field(foreign_key="accounts.id", index=True, ondelete="CASCADE")
    address: str
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)


class SignInAttempts(SQLModel, table=True):
    """Sign-in attempts for one user name from one client address (``*``: from everywhere), counted
    atomically in a window that starts with the first; see :mod:`services.sign_in` for the lockout."""

    __tablename__ = "sign_in_attempts"

    username: str = Field(primary_key=True)
    address: str = Field(primary_key=True)
    first_at: datetime  # the window's start
    count: int = 0
    next_at: datetime | None = None  # (``*`` rows) when the name's next throttled try may be checked


class StatsSample(SQLModel, table=True):
    """The stats at the end of one minute (recent) or one hour (older), for the charts' longer ranges: every
    stat's value by its name (``counts``)."""

    __tablename__ = "stats_samples"

    at: datetime = Field(primary_key=True)
    counts: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Lease(SQLModel, table=True):
    """Which process runs a piece of scheduled work, until when (see :mod:`data.leases`)."""

    __tablename__ = "leases"

    name: str = Field(primary_key=True)
    holder: str
    expires_at: datetime


class LogEntry(SQLModel, table=True):
    """A warning or error of one replica, shown on every replica's console (see data.shared_logs)."""

    __tablename__ = "log_entries"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    logged_at: datetime
    replica: str
    level: str
    logger: str
    message: str


class JobStatus(StrEnum):
    """How a job stands: the values are what the database, the API and the pages say (a contract)."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


ONLY_RUNNING = text(f"status = '{JobStatus.RUNNING}'")


class JobRecord(SQLModel, table=True):
    """A run of one of the console's actions, on whichever replica started it (see :mod:`data.jobs`).

    At most one run of an action is running at a time, across replicas: the partial unique index
    ``jobs_one_running`` refuses a second one."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_action_started_at", "action", "started_at"),
        Index(
            "jobs_one_running",
            "action",
            unique=True,
            sqlite_where=ONLY_RUNNING,
            postgresql_where=ONLY_RUNNING,
        ),
    )

    id: str = Field(primary_key=True)
    action: str
    status: str = Field(default=JobStatus.RUNNING)  # a JobStatus
    started_by: str = ""
    replica: str  # the replica that runs it (AIRDATE_REPLICA_NAME)
    done: int = 0
    total: int | None = None
    counts: str = "{}"  # JSON: {outcome: items}
    error: str | None = None
    problems: str = "[]"  # JSON: what went wrong with single items of a run that went on (a title, why)
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    renewed_at: datetime = Field(default_factory=utcnow)  # its replica's last heartbeat while it runs


class MessageTemplate(SQLModel, table=True):
    """One version of an admin's template for a part of every message (``kind``: subject, text, html or
    markdown; ``locale``: "" for every language). The newest row of a kind and locale is in force; an
    empty ``source`` means the built-in words. The last few versions are kept (:mod:`data.templates`)."""

    __tablename__ = "message_templates"
    __table_args__ = (Index("ix_message_templates_kind_locale", "kind", "locale", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    locale: str = ""
    source: str = ""
    author: str
    created_at: datetime = Field(default_factory=utcnow)
