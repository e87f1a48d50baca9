"""A person's calendar feed (RFC 5545), read back with icalendar: one event per episode of their shows,
whose UID stays when Sonarr moves the air date; and the link to it in every message."""

import html
import re
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from icalendar import Calendar, Event
from sqlmodel import select

from data import Database, follows, preferences, seasons
from data.models import MediaRequest, RequestSeason
from services.calendar import CalendarFeeds, NotFound
from services.links import Links
from services.mailer import Smtp
from services.notifier import Notifier
from standins.smtp import Sink

from ..utils.factories import land_episode, make_tracked_show

pytestmark = pytest.mark.both_databases
NOW = datetime.now(UTC).replace(microsecond=0)
PUBLIC = "https://airdate.example.org"


def schedule(database: Database, tmdb_id: int, season: int, *episodes: dict) -> None:
    """Sonarr's episode list of one season: each episode's number, airs (a datetime) and what else."""
    listed = [
        {
            "seasonNumber": season,
            "episodeNumber": episode["number"],
            "title": episode.get("title", ""),
            "airDateUtc": episode["airs"].isoformat().replace("+00:00", "Z"),
            "runtime": episode.get("runtime", 0),
            **({"finaleType": episode["finale"]} if "finale" in episode else {}),
        }
        for episode in episodes
    ]
    with database.transaction() as session:
        seasons.record_schedule(session, tmdb_id, listed)


async def events(database: Database, user_id: int, now: datetime = NOW) -> list[Event]:
    feed = Calendar.from_ical(await CalendarFeeds(database).feed(user_id, now))
    return list(feed.walk("VEVENT"))


def summaries(found: list[Event]) -> list[str]:
    return [str(event["SUMMARY"]) for event in found]


async def test_each_episode_is_an_event_with_every_field(database: Database) -> None:
    (fan,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    aired, next_week = NOW - timedelta(days=2), NOW + timedelta(days=5, hours=3)
    schedule(
        database,
        1,
        1,
        {"number": 1, "title": "Long ago", "airs": NOW - timedelta(days=9)},  # older than a week: gone
        {"number": 2, "title": "Pilot", "airs": aired, "runtime": 45},
        {"number": 3, "airs": next_week, "finale": "season"},  # no title, no runtime yet
    )
    raw = await CalendarFeeds(database).feed(fan, NOW)
    feed = Calendar.from_ical(raw)
    assert str(feed["PRODID"]) == "-//Airdate//Airdate//EN"
    assert str(feed["VERSION"]) == "2.0"
    assert str(feed["X-WR-CALNAME"]) == "Airdate · fan1_0"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in raw
    assert b"X-PUBLISHED-TTL:PT6H\r\n" in raw
    pilot, finale = feed.walk("VEVENT")

    assert str(pilot["UID"]) == f"1-s1e2-u{fan}@airdate"
    assert pilot["DTSTART"].dt == aired and pilot["DTSTART"].dt.utcoffset() == timedelta(0)
    assert pilot["DTEND"].dt == aired + timedelta(minutes=45)
    assert pilot["DTSTAMP"].dt == NOW
    assert str(pilot["SUMMARY"]) == "Show 1 S01E02 · Pilot"
    assert "DESCRIPTION" not in pilot
    assert f"DTSTART:{aired:%Y%m%dT%H%M%S}Z".encode() in raw, "in UTC, not in a time zone of the feed's"

    assert str(finale["UID"]) == f"1-s1e3-u{fan}@airdate"
    assert finale["DTSTART"].dt == next_week
    assert "DTEND" not in finale, "no runtime: no guessed end"
    assert str(finale["SUMMARY"]) == "Show 1 S01E03"
    assert str(finale["DESCRIPTION"]) == "Season finale"


async def test_the_feed_updates_when_sonarr_moves_an_air_date(database: Database) -> None:
    (fan,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    first, moved = NOW + timedelta(days=3), NOW + timedelta(days=10)
    schedule(database, 1, 1, {"number": 4, "title": "Delayed", "airs": first, "runtime": 30})
    (before,) = await events(database, fan)
    schedule(database, 1, 1, {"number": 4, "title": "Delayed", "airs": moved, "runtime": 30})
    (after,) = await events(database, fan)
    assert str(after["UID"]) == str(before["UID"]) == f"1-s1e4-u{fan}@airdate"
    assert (before["DTSTART"].dt, after["DTSTART"].dt) == (first, moved)
    assert after["DTEND"].dt == moved + timedelta(minutes=30)


async def test_only_the_seasons_a_person_asked_for_and_the_shows_they_follow(database: Database) -> None:
    (fan,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    with database.transaction() as session:  # fan asked for season 1 of show 1 only
        request = session.exec(select(MediaRequest).where(MediaRequest.requester_id == fan)).one()
        session.add(RequestSeason(request_id=request.id, season=1))
    make_tracked_show(database, tmdb_id=2, requesters=1)  # somebody else's show, which fan follows
    with database.transaction() as session:
        assert follows.follow(session, fan, 2, "fan1_0")
    make_tracked_show(database, tmdb_id=3, requesters=1)  # somebody else's, not followed
    soon = NOW + timedelta(days=1)
    schedule(database, 1, 1, {"number": 1, "airs": soon})
    schedule(database, 1, 2, {"number": 1, "airs": soon + timedelta(hours=1)})  # not asked for
    schedule(database, 2, 1, {"number": 1, "airs": soon + timedelta(hours=2)})
    schedule(database, 3, 1, {"number": 1, "airs": soon + timedelta(hours=3)})
    assert summaries(await events(database, fan)) == ["Show 1 S01E01", "Show 2 S01E01"]

    database.write(preferences.update, fan, muted={2})
    assert summaries(await events(database, fan)) == ["Show 1 S01E01"], "a muted show is not in it"


async def test_a_user_who_is_gone_has_no_feed(database: Database) -> None:
    with pytest.raises(NotFound, match="there is no user 999"):
        await CalendarFeeds(database).feed(999)


async def test_every_message_carries_the_calendar_link(database: Database, sink: tuple[Sink, int]) -> None:
    (fan,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    database.write(preferences.rotate_link_key, fan)  # the message carries the link of the current key
    links = Links("a secret of the tests", PUBLIC, key_of=partial(database.read, preferences.link_key))
    smtp = Smtp("127.0.0.1", sink[1], "none", "", "", "Airdate <airdate@example.org>")
    land_episode(database, 1, 1, 1)
    await Notifier(database, smtp, grouping_delay=0, attempts=1, links=links).send_due(now_please=True)
    (mail,) = sink[0].received
    calendar = links.calendar(fan, key=1)
    assert calendar.startswith(f"{PUBLIC}/calendar/") and calendar.endswith(".ics")
    assert f"Your calendar of upcoming episodes: {calendar}" in mail.text
    linked = re.escape(f'<a href="{html.escape(calendar, quote=True)}"') + "[^>]*>Your calendar of upcoming"
    assert re.search(linked, mail.html)
    assert await links.user_of(calendar.removeprefix(f"{PUBLIC}/calendar/").removesuffix(".ics")) == fan
