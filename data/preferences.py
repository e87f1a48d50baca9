"""How each user wants to be told: mode (as they land, daily digest, off), time zone, which episodes
(each, season premieres only, season complete: a default and a rule per show), muted shows, and their
channels (the e-mail address plus any Apprise URLs).

Changing a preference also settles what is already queued, in the same transaction: items the user no
longer wants become ``skipped`` at once (:func:`data.unwanted.skip_unwanted`), so the dashboard shows it
without waiting for the next sending round. Every function takes the caller's session.
"""

from dataclasses import dataclass, field
from functools import cache
from zoneinfo import available_timezones

from sqlmodel import Session, col, select

from . import follows, seasons, unwanted
from .addresses import address_or_none, why_not_an_address
from .clock import CLOCK, utcnow
from .models import Channel, EpisodeRule, MediaRequest, MediaType, MutedShow, NotifyMode, ShowRule, User


class InvalidPreference(ValueError):
    """A preference that cannot be kept; the message says which and why."""


@dataclass(frozen=True)
class ChannelView:
    id: int
    label: str  # secrets masked


@dataclass(frozen=True)
class Show:
    tmdb_id: int
    title: str
    muted: bool
    rule: str | None = None  # the user's own rule for this show (EpisodeRule); None: their default
    followed: bool = False  # they follow it (else they requested it)


@dataclass(frozen=True)
class Preferences:
    user_id: int
    username: str
    mode: str
    digest_at: str
    time_zone: str
    email: str  # the address Airdate mails; '' for none (then ``email_note`` says why)
    email_enabled: bool
    channels: list[ChannelView] = field(default_factory=list)
    shows: list[Show] = field(default_factory=list)  # the tv shows the user requested, then those followed
    email_note: str = ""  # why there is no address (Jellyseerr's value is not one), or whose address it is
    removed: bool = False  # gone from Jellyseerr: nothing is sent to them
    email_set_by_admin: bool = False
    link_key: int = 0  # part of every link signed for the user (services.links)
    episode_rule: str = EpisodeRule.EACH  # which episodes they are told of, unless a show has its own
    locale: str = ""  # Jellyseerr's settings.locale for them; '': the admin's default


def read(session: Session, user_id: int) -> Preferences:
    """A user's preferences; LookupError if there is no such user."""
    user = _user(session, user_id)
    channels = session.exec(
        select(Channel)
        .where(Channel.user_id == user_id, col(Channel.removed_at).is_(None))
        .order_by(col(Channel.id))
    ).all()
    muted = set(session.exec(select(MutedShow.tmdb_id).where(MutedShow.user_id == user_id)).all())
    requested = session.exec(
        select(MediaRequest.tmdb_id, MediaRequest.title)
        .where(MediaRequest.requester_id == user_id, MediaRequest.media_type == MediaType.TV)
        .order_by(col(MediaRequest.title))
    ).all()
    own = dict(session.exec(select(ShowRule.tmdb_id, ShowRule.rule).where(ShowRule.user_id == user_id)).all())
    shows = {
        tmdb_id: Show(tmdb_id, title, tmdb_id in muted, own.get(tmdb_id)) for tmdb_id, title in requested
    }
    for tmdb_id, title in sorted(follows.followed(session, user_id).items(), key=lambda item: item[1]):
        shows.setdefault(tmdb_id, Show(tmdb_id, title, tmdb_id in muted, own.get(tmdb_id), followed=True))
    return Preferences(
        user_id,
        user.username,
        user.notify_mode,
        user.digest_at,
        user.time_zone,
        user.email,
        user.email_enabled,
        [ChannelView(c.id, c.label) for c in channels if c.id is not None],
        list(shows.values()),
        email_note(user),
        user.removed_at is not None,
        user.email_set_by_admin,
        user.link_key,
        user.episode_rule,
        user.locale,
    )


def link_key(session: Session, user_id: int) -> int | None:
    """The key a link for this user must carry now; None if there is no such user."""
    return session.exec(select(User.link_key).where(User.id == user_id)).first()


def rotate_link_key(session: Session, user_id: int) -> int:
    """A new key for the user's links (every link sent so far stops working); LookupError for no user."""
    user = _user(session, user_id)
    user.link_key += 1
    session.add(user)
    return user.link_key


def email_note(user: User) -> str:
    """A word on the user's address: why there is none, or that an admin set it."""
    if not user.email:
        return why_not_an_address(user.upstream_email)
    if user.email_set_by_admin:
        return "set by an admin (until Jellyseerr has an address for this user)"
    return ""


def update(
    session: Session,
    user_id: int,
    *,
    mode: str | None = None,
    digest_at: str | None = None,
    time_zone: str | None = None,
    email_enabled: bool | None = None,
    muted: set[int] | None = None,
    email: str | None = None,
    episode_rule: str | None = None,
    show_rules: dict[int, str | None] | None = None,
) -> int:
    """Change what is given (None: keep); how many queued items became ``skipped`` because of it.

    InvalidPreference for a value that cannot be kept (nothing changes then), LookupError for no user."""
    for rule in (episode_rule, *(show_rules or {}).values()):
        if rule is not None and rule not in tuple(EpisodeRule):
            raise InvalidPreference(f"episode rule must be one of {', '.join(EpisodeRule)}, not {rule!r}")
    if mode is not None and mode not in tuple(NotifyMode):
        raise InvalidPreference(f"mode must be one of {', '.join(NotifyMode)}, not {mode!r}")
    if digest_at is not None and not CLOCK.match(digest_at):
        raise InvalidPreference(f"digest time must be HH:MM on a 24-hour clock, not {digest_at!r}")
    if time_zone is not None and time_zone not in time_zones():
        raise InvalidPreference(f"unknown time zone {time_zone!r}: use an IANA name such as Europe/Berlin")
    address = address_or_none(email) if email else None
    if email and address is None:
        raise InvalidPreference(f"{email.strip()!r} is not an e-mail address")
    user = _user(session, user_id)
    if email is not None:  # an address of the admin's, or '' to take it back (Jellyseerr's, if valid)
        user.email = address or address_or_none(user.upstream_email) or ""
        user.email_set_by_admin = address is not None
    for name, value in (
        ("notify_mode", mode),
        ("digest_at", digest_at),
        ("time_zone", time_zone),
        ("email_enabled", email_enabled),
        ("episode_rule", episode_rule),
    ):
        if value is not None:
            setattr(user, name, value)
    session.add(user)
    if muted is not None:
        for row in session.exec(select(MutedShow).where(MutedShow.user_id == user_id)).all():
            session.delete(row)
        session.flush()
        session.add_all(MutedShow(user_id=user_id, tmdb_id=tmdb_id) for tmdb_id in sorted(muted))
    for tmdb_id, rule in (show_rules or {}).items():  # None: back to the user's default
        own = session.get(ShowRule, (user_id, tmdb_id))
        if own is not None:
            session.delete(own)
        if rule is not None:
            session.flush()
            session.add(ShowRule(user_id=user_id, tmdb_id=tmdb_id, rule=rule))
    session.flush()  # what is skipped follows from the new values
    return unwanted.skip_unwanted(session, user_id) + seasons.settle_rules(session, user_id)


def add_channel(session: Session, user_id: int, url: str, label: str) -> int:
    """A new channel for the user (``url`` already checked by the caller); its id."""
    _user(session, user_id)
    channel = Channel(user_id=user_id, url=url, label=label)
    session.add(channel)
    session.flush()
    assert channel.id is not None
    return channel.id


def remove_channel(session: Session, user_id: int, channel_id: int) -> int:
    """The channel stops being used; its queued items become ``skipped`` (how many). LookupError if the
    user has no such channel."""
    channel = session.get(Channel, channel_id)
    if channel is None or channel.user_id != user_id or channel.removed_at is not None:
        raise LookupError(f"user {user_id} has no channel {channel_id}")
    channel.removed_at = utcnow()
    session.add(channel)
    session.flush()
    return unwanted.skip_unwanted(session, user_id)


def channel_urls(session: Session, user_id: int) -> list[tuple[int, str, str]]:
    """(id, url, label) of the user's channels besides e-mail, for sending (the URL holds secrets)."""
    _user(session, user_id)
    rows = session.exec(
        select(Channel)
        .where(Channel.user_id == user_id, col(Channel.removed_at).is_(None))
        .order_by(col(Channel.id))
    ).all()
    return [(c.id, c.url, c.label) for c in rows if c.id is not None]


@cache
def time_zones() -> frozenset[str]:
    """The IANA names this machine knows (read once, when first asked)."""
    return frozenset(available_timezones())


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise LookupError(f"there is no user {user_id}")
    return user
