"""A person's calendar feed (RFC 5545): the episodes of their shows that aired in the last week or are
listed to air (:func:`data.upcoming.of_user`), one event each, for a calendar app to subscribe to at
``/calendar/<token>.ics``.

An event's UID names the episode and the person, never the air time: when Sonarr moves an air date, the
next fetch changes the event's DTSTART under the same UID, and calendar apps move the event instead of
adding a second one. The UID names the person too, so that two people's feeds in one calendar app (a
family's shared account) stay two events. Times are written in UTC (``...Z``): the app shows them in
its own time zone, and the feed needs no VTIMEZONE.
"""

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vDuration
from sqlmodel import Session

from data import Database, upcoming
from data.clock import utcnow
from data.models import User
from data.upcoming import UpcomingEpisode

from .i18n import ENGLISH, N_, Language, language
from .preferences import NotFound

__all__ = ["PRODID", "REFRESH", "CalendarFeeds", "NotFound", "build", "uid_of"]

PRODID = "-//Airdate//Airdate//EN"
REFRESH = timedelta(hours=6)  # how often apps should fetch it again: Sonarr's schedule moves slowly
FINALES = {"season": N_("Season finale"), "series": N_("Series finale"), "midseason": N_("Mid-season finale")}


@dataclass(frozen=True)
class CalendarFeeds:
    database: Database
    default_locale: str = "en"  # AIRDATE_DEFAULT_LOCALE: for people whose Jellyseerr names no language

    async def feed(self, user_id: int, now: datetime | None = None) -> bytes:
        """The user's feed as ICS bytes; :class:`NotFound` for a user who no longer exists. The read
        runs on a worker thread (a feed is fetched by apps every few hours, by every subscriber)."""
        now = now or utcnow()
        try:
            username, locale, episodes = await asyncio.to_thread(self.database.read, _read, user_id, now)
        except LookupError as error:
            raise NotFound(str(error)) from None
        lang = language(locale, self.default_locale)
        return build(username, user_id, episodes, now, lang).to_ical()


def build(
    username: str, user_id: int, episodes: list[UpcomingEpisode], now: datetime, lang: Language = ENGLISH
) -> Calendar:
    """The VCALENDAR of ``episodes`` for one person, stamped ``now``, in their language."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Airdate · {username}")
    calendar.add("x-wr-caldesc", lang.gettext("New episodes of your shows"))
    # RFC 7986's refresh interval, and the older name of it that Outlook and Apple Calendar read
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for episode in episodes:
        calendar.add_component(_event(episode, user_id, now, lang))
    return calendar


def uid_of(episode: UpcomingEpisode, user_id: int) -> str:
    return f"{episode.tmdb_id}-s{episode.season}e{episode.number}-u{user_id}@airdate"


def _event(episode: UpcomingEpisode, user_id: int, now: datetime, lang: Language) -> Event:
    event = Event()
    event.add("uid", uid_of(episode, user_id))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", episode.air_at.astimezone(UTC))
    if episode.runtime:  # unknown: an event without an end (a moment), not a guessed length
        event.add("dtend", episode.air_at.astimezone(UTC) + timedelta(minutes=episode.runtime))
    event.add("summary", f"{episode.label} · {episode.title}" if episode.title else episode.label)
    if episode.finale:
        finale = FINALES.get(episode.finale)
        event.add(
            "description",
            lang.gettext(finale) if finale else lang.gettext("Finale ({kind})").format(kind=episode.finale),
        )
    return event


def _read(session: Session, user_id: int, now: datetime) -> tuple[str, str, list[UpcomingEpisode]]:
    """The user's name, locale and episodes in one read; LookupError for a user who no longer exists."""
    user = session.get(User, user_id)
    if user is None:
        raise LookupError(f"there is no user {user_id}")
    return user.username, user.locale, upcoming.of_user(session, user_id, now)
