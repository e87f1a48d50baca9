"""``GET /calendar/<token>.ics`` the way a calendar app fetches it: no session, no cookie, from
elsewhere; the link is the credential, and replacing a user's links revokes the feed too."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar

from application import Airdate
from data import Database, preferences, seasons

from ..utils.console import Console
from ..utils.factories import make_tracked_show

pytestmark = pytest.mark.both_databases
ELSEWHERE = "203.0.113.9"  # a calendar service's server, not this machine
INVALID = "this link is not valid: it was changed, replaced by a newer one, or not made here"


def airs(database: Database, number: int, when: datetime, runtime: int = 50) -> None:
    """Sonarr lists episode ``number`` of Show 1's first season to air ``when``."""
    episode = {
        "seasonNumber": 1,
        "episodeNumber": number,
        "title": f"Chapter {number}",
        "airDateUtc": when.isoformat().replace("+00:00", "Z"),
        "runtime": runtime,
        "finaleType": "series",
    }
    with database.transaction() as session:
        seasons.record_schedule(session, 1, [episode])


def feed_path(airdate: Airdate, user_id: int, key: int = 0) -> str:
    links = airdate.notifier.links
    assert links is not None
    return urlsplit(links.calendar(user_id, key)).path


async def test_a_calendar_app_fetches_the_feed_and_sees_the_air_date_move(
    console: Console, airdate: Airdate, database: Database
) -> None:
    (fan,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    first = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    airs(database, 8, first)
    app = console.http_client(ELSEWHERE)
    path = feed_path(airdate, fan)
    assert path.startswith("/calendar/") and path.endswith(".ics")

    answer = await app.get(path)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    assert answer.headers["content-disposition"] == 'inline; filename="airdate.ics"'
    assert answer.headers["cache-control"] == "private, max-age=300"
    assert "airdate_session" not in app.cookies, "nobody was signed in for it"
    (event,) = Calendar.from_ical(answer.content).walk("VEVENT")
    assert str(event["UID"]) == f"1-s1e8-u{fan}@airdate"
    assert event["DTSTART"].dt == first
    assert event["DTEND"].dt == first + timedelta(minutes=50)
    assert str(event["SUMMARY"]) == "Show 1 S01E08 · Chapter 8"
    assert str(event["DESCRIPTION"]) == "Series finale"

    later = first + timedelta(days=7, hours=2)
    airs(database, 8, later)  # Sonarr moved it; its next import webhook records the new list
    (moved,) = Calendar.from_ical((await app.get(path)).content).walk("VEVENT")
    assert str(moved["UID"]) == str(event["UID"]), "the same event, moved: not a second one"
    assert (moved["DTSTART"].dt, moved["DTEND"].dt) == (later, later + timedelta(minutes=50))


async def test_a_changed_or_revoked_link_gets_no_calendar(
    console: Console, airdate: Airdate, database: Database
) -> None:
    (fan,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    airs(database, 1, datetime.now(UTC) + timedelta(days=1))
    app = console.http_client(ELSEWHERE)
    path = feed_path(airdate, fan)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    changed = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for refused_path in (f"/calendar/{changed}.ics", "/calendar/MQ.c2lnbmVkLWVsc2V3aGVyZQ.ics"):
        refused = await app.get(refused_path)
        assert (refused.status_code, refused.json()["detail"]) == (403, INVALID), refused_path
        assert b"VCALENDAR" not in refused.content

    database.write(preferences.rotate_link_key, fan)  # an admin's *Replace the links*
    revoked = await app.get(path)
    assert (revoked.status_code, revoked.json()["detail"]) == (403, INVALID)
    assert b"VCALENDAR" not in revoked.content
    renewed = await app.get(feed_path(airdate, fan, key=1))  # what the next message carries
    assert renewed.status_code == 200
    assert len(Calendar.from_ical(renewed.content).walk("VEVENT")) == 1


async def test_a_valid_link_of_a_user_who_is_gone_is_404(console: Console, airdate: Airdate) -> None:
    gone = await console.http_client(ELSEWHERE).get(feed_path(airdate, 999_999))
    assert (gone.status_code, gone.json()["detail"]) == (404, "this link's user no longer exists")


async def test_the_api_description_says_the_link_is_its_own_credential(console: Console) -> None:
    paths = (await console.http_client().get("/openapi.json")).json()["paths"]
    feed = paths["/calendar/{token}.ics"]["get"]
    assert feed["security"] == []
    assert feed["x-airdate-access"] == "a link Airdate signed for one user (no account)"
