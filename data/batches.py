"""What one message holds: a user's notifications on one channel (:class:`Batch`), each with its
episode (:class:`Item`), read from the notifications table.

:mod:`data.outbox` claims batches and records how sending went; this module only reads.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from . import show_facts
from .models import Channel, Episode, Notification, User


@dataclass(frozen=True)
class Item:
    notification_id: int
    subject: str
    body: str
    show: str | None
    season: int | None
    number: int | None
    episode_title: str | None
    air_date: date | None
    attempts: int  # this one included
    tmdb_id: int | None = None
    facts: show_facts.EpisodeFacts = field(default_factory=show_facts.EpisodeFacts)  # air time, runtime…


@dataclass(frozen=True)
class Batch:
    user_id: int
    username: str
    email: str
    items: list[Item]
    owner: str  # who claimed it (data.outbox.claim)
    channel_id: int | None = None  # None: e-mail
    channel_url: str | None = None  # the Apprise URL (secrets included: never shown)
    channel_label: str = "e-mail"  # what to call the channel where people read it (secrets masked)
    link_key: int = 0  # what the links in it carry (services.links)
    time_zone: str = "UTC"  # the user's (IANA), for the air times
    shows: dict[int, show_facts.Show] = field(default_factory=dict)  # by TMDB id: poster, links
    locale: str = ""  # the user's (Jellyseerr's settings.locale); '': the admin's default

    @property
    def ids(self) -> list[int]:
        return [item.notification_id for item in self.items]


def on_channel(channel_id: int | None) -> ColumnElement[bool]:
    """The notifications on this channel (None: e-mail)."""
    if channel_id is None:
        return col(Notification.channel_id).is_(None)
    return col(Notification.channel_id) == channel_id


def read_batch(
    session: Session, user: User, which: ColumnElement[bool], owner: str, channel: Channel | None = None
) -> Batch:
    """The user's notifications ``which`` selects, oldest first, as one batch on ``channel`` (None:
    e-mail) claimed by ``owner``."""
    rows = session.exec(select(Notification).where(which)).all()
    episode_ids = [r.episode_id for r in rows if r.episode_id is not None]
    episodes = {e.id: e for e in session.exec(select(Episode).where(col(Episode.id).in_(episode_ids)))}
    facts = show_facts.episodes(session, episodes.values())
    items = [
        _item(row, episodes.get(row.episode_id), facts.get(row.episode_id))
        for row in sorted(rows, key=lambda r: r.id)
    ]
    assert user.id is not None
    shows = show_facts.shows(session, (e.tmdb_id for e in episodes.values()), user.id)
    dressed = {"link_key": user.link_key, "time_zone": user.time_zone, "shows": shows, "locale": user.locale}
    if channel is None:
        return Batch(user.id, user.username, user.email, items, owner, **dressed)
    return Batch(
        user.id, user.username, user.email, items, owner, channel.id, channel.url, channel.label, **dressed
    )


def _item(row: Notification, episode: Episode | None, facts: show_facts.EpisodeFacts | None) -> Item:
    return Item(
        row.id,
        row.subject,
        row.body,
        episode.show_title if episode else None,
        episode.season if episode else None,
        episode.number if episode else None,
        episode.title if episode else None,
        episode.air_date if episode else None,
        row.attempts,
        episode.tmdb_id if episode else None,
        facts or show_facts.EpisodeFacts(),
    )
