"""Jellyseerr as it is (answers written from its source: tests/fixtures/upstream/): the right people are
told about the right episodes. Each test here failed before Airdate read Jellyseerr this way."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from data import Database, preferences
from data.counters import read_stats
from data.models import MediaRequest, Notification, RequestStatus, User
from services import jellyseerr as sync
from services.jellyseerr import NO_ADDRESS, sync_requests, sync_users
from services.progress import Progress
from services.sonarr import WebhookEpisode, WebhookSeries, record_import
from services.upstream import Upstream, UpstreamError
from standins.jellyseerr import JellyseerrWorld, create_app

from ..utils.standins import serve

pytestmark = pytest.mark.both_databases

KEY = "right-key"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "upstream"
SEVERANCE = WebhookSeries(title="Severance", tvdbId=371980, tmdbId=95396)


@pytest.fixture
def world() -> JellyseerrWorld:
    """Jellyseerr's answers as its source writes them: Plex, Jellyfin, Emby and local users (two of them
    Jellyfin or Emby users whose ``email`` is their user name), four requests on two pages."""
    return JellyseerrWorld.recorded(FIXTURES / "jellyseerr")


@pytest.fixture
def jellyseerr(world: JellyseerrWorld, monkeypatch: pytest.MonkeyPatch) -> Iterator[Upstream]:
    monkeypatch.setattr(sync, "PAGE", 2)  # the listings come in pages of two, as the fixtures do
    with serve(create_app(world, KEY)) as url:
        yield Upstream("Jellyseerr", url, KEY, timeout=5, retries=0)


def user(database: Database, jellyseerr_id: int) -> User:
    with database.reading() as session:
        found = session.exec(select(User).where(User.jellyseerr_id == jellyseerr_id)).one()
        session.expunge(found)
        return found


def told(database: Database) -> list[tuple[str, str, str | None]]:
    """(user, subject, status) of every notification, with why it was skipped where it was."""
    with database.reading() as session:
        rows = session.exec(select(User.username, Notification).join(Notification)).all()
        return sorted(
            (name, n.subject, n.last_error if n.status == "skipped" else n.status) for name, n in rows
        )


def land(database: Database, season: int, number: int, series: WebhookSeries = SEVERANCE) -> None:
    record_import(database, series, [WebhookEpisode(seasonNumber=season, episodeNumber=number, title="x")])


# --- 1. Jellyfin and Emby users have no e-mail address ------------------------------------------------


async def test_a_jellyfin_name_in_the_email_field_is_no_address(
    database: Database, jellyseerr: Upstream
) -> None:
    done = await sync_users(database, jellyseerr, Progress())
    assert done.counts[NO_ADDRESS] == 2
    assert "2 users have no e-mail address" in done.summary()
    mark, helly, dana = user(database, 3), user(database, 4), user(database, 1)
    assert (mark.username, mark.email, mark.upstream_email) == ("Mark", "", "mark")
    assert (helly.username, helly.email) == ("HellyR", "")
    assert dana.email == "dana@example.com"  # a Jellyfin user with an address keeps it
    note = database.read(preferences.read, mark.id).email_note  # type: ignore[arg-type]
    assert note == "no e-mail address (Jellyseerr has 'mark', which is not one)"


async def test_a_user_without_an_address_gets_no_e_mail_items_but_their_other_channels_do(
    database: Database, jellyseerr: Upstream
) -> None:
    await sync_users(database, jellyseerr, Progress())
    await sync_requests(database, jellyseerr, Progress())  # Mark asked for season 2 of Severance
    mark = user(database, 3)
    database.write(preferences.add_channel, mark.id, "json://localhost/mark", "json://localhost/mark")  # type: ignore[arg-type]
    land(database, 2, 1)
    with database.reading() as session:
        items = session.exec(select(Notification).where(Notification.user_id == mark.id)).all()
    assert [item.channel_id is None for item in items] == [False], "the json channel only, no e-mail"


async def test_an_address_an_admin_gives_is_kept_until_jellyseerr_has_one(
    database: Database, world: JellyseerrWorld, jellyseerr: Upstream
) -> None:
    await sync_users(database, jellyseerr, Progress())
    mark_id = user(database, 3).id
    with pytest.raises(preferences.InvalidPreference, match="'mark' is not an e-mail address"):
        database.write(preferences.update, mark_id, email="mark")  # type: ignore[arg-type]
    database.write(preferences.update, mark_id, email="Mark.S@Lumon.example")  # type: ignore[arg-type]
    await sync_users(database, jellyseerr, Progress())
    kept = user(database, 3)
    assert (kept.email, kept.email_set_by_admin) == ("Mark.S@lumon.example", True), "a sync keeps it"
    next(u for u in world.users if u["id"] == 3)["email"] = "mark.scout@example.com"
    await sync_users(database, jellyseerr, Progress())
    theirs = user(database, 3)
    assert (theirs.email, theirs.email_set_by_admin) == ("mark.scout@example.com", False)


async def test_queued_e_mails_of_a_user_who_turns_out_to_have_no_address_are_skipped_with_the_reason(
    database: Database, world: JellyseerrWorld, jellyseerr: Upstream
) -> None:
    next(u for u in world.users if u["id"] == 1)["email"] = "dana@example.com"
    await sync_users(database, jellyseerr, Progress())
    await sync_requests(database, jellyseerr, Progress())
    world.add_request(next(u for u in world.users if u["id"] == 1), "tv", 95396, "Severance", seasons=(2,))
    await sync_requests(database, jellyseerr, Progress())
    land(database, 2, 1)
    assert ("Dana", "New episode: Severance S02E01", "pending") in told(database)
    next(u for u in world.users if u["id"] == 1)["email"] = "dana"  # her address is gone from Jellyfin
    await sync_users(database, jellyseerr, Progress())
    assert ("Dana", "New episode: Severance S02E01", "the user has no e-mail address") in told(database)


# --- 2. Only the seasons a person asked for --------------------------------------------------------------


async def test_a_requester_is_told_only_of_the_seasons_they_asked_for(
    database: Database, world: JellyseerrWorld, jellyseerr: Upstream
) -> None:
    irving = next(u for u in world.users if u["id"] == 5)
    world.add_request(irving, "tv", 95396, "Severance", seasons=(0, 1, 2))  # with the specials
    next(u for u in world.users if u["id"] == 3)["email"] = "mark@example.com"  # Mark: season 2 only
    await sync_users(database, jellyseerr, Progress())
    await sync_requests(database, jellyseerr, Progress())
    for season, number in ((1, 1), (0, 1), (2, 1)):  # a season 1 re-import, a special, the new season
        land(database, season, number)
    assert [(name, subject) for name, subject, _ in told(database)] == [
        ("Irving", "New episode: Severance S00E01"),
        ("Irving", "New episode: Severance S01E01"),
        ("Irving", "New episode: Severance S02E01"),
        ("Mark", "New episode: Severance S02E01"),
    ]


async def test_a_request_for_every_season_of_a_show_still_airing_covers_the_next_ones_too(
    database: Database, world: JellyseerrWorld, jellyseerr: Upstream
) -> None:
    """Jellyseerr turns "all seasons" into the seasons the show had (Severance: 1 and 2 by March 2025),
    and Sonarr then monitors the new ones: such a requester hears of season 3 too, not of specials."""
    irving = next(u for u in world.users if u["id"] == 5)
    world.add_request(irving, "tv", 95396, "Severance", seasons=(1, 2))
    next(u for u in world.users if u["id"] == 3)["email"] = "mark@example.com"  # season 2 only
    await sync_users(database, jellyseerr, Progress())
    await sync_requests(database, jellyseerr, Progress())
    land(database, 3, 1)
    land(database, 0, 4)
    assert [(name, subject) for name, subject, _ in told(database)] == [
        ("Irving", "New episode: Severance S03E01")
    ]


async def test_a_season_added_in_jellyseerr_is_picked_up_by_the_next_sync(
    database: Database, world: JellyseerrWorld, jellyseerr: Upstream
) -> None:
    next(u for u in world.users if u["id"] == 3)["email"] = "mark@example.com"
    await sync_users(database, jellyseerr, Progress())
    await sync_requests(database, jellyseerr, Progress())
    land(database, 3, 1)
    assert told(database) == [], "Mark asked for season 2 only"
    world.add_request(next(u for u in world.users if u["id"] == 3), "tv", 95396, "Severance", seasons=(3,))
    await sync_requests(database, jellyseerr, Progress())
    land(database, 3, 2)
    assert [subject for _, subject, _ in told(database)] == ["New episode: Severance S03E02"]


# --- 4. Deletions are noticed ----------------------------------------------------------------------------


async def test_a_request_deleted_in_jellyseerr_is_removed_and_its_queued_items_skipped(
    database: Database, world: JellyseerrWorld, jellyseerr: Upstream
) -> None:
    next(u for u in world.users if u["id"] == 3)["email"] = "mark@example.com"
    irving = next(u for u in world.users if u["id"] == 5)
    world.add_request(irving, "tv", 95396, "Severance", seasons=(2,))  # another requester of the show
    await sync_users(database, jellyseerr, Progress())
    await sync_requests(database, jellyseerr, Progress())
    land(database, 2, 1)
    before = database.read(read_stats)
    world.delete_request(next(r for r in world.requests if r["id"] == 41))  # Mark's
    done = await sync_requests(database, jellyseerr, Progress())
    assert done.counts["removed"] == 1
    with database.reading() as session:
        removed = session.exec(select(MediaRequest).where(MediaRequest.jellyseerr_id == 41)).one()
    assert removed.status == RequestStatus.REMOVED
    assert told(database) == [
        ("Irving", "New episode: Severance S02E01", "pending"),
        ("Mark", "New episode: Severance S02E01", "the request was removed from Jellyseerr"),
    ]
    land(database, 2, 2)
    assert [name for name, *_ in told(database)] == ["Irving", "Irving", "Mark"], "Mark no longer tracks it"
    after = database.read(read_stats)
    assert (after.requests_total, after.requests_tracking) == (
        before.requests_total - 1,
        before.requests_tracking - 1,
    )


async def test_a_user_deleted_in_jellyseerr_is_removed_kept_in_history_and_not_told(
    database: Database, world: JellyseerrWorld, jellyseerr: Upstream
) -> None:
    irving = next(u for u in world.users if u["id"] == 5)
    world.add_request(irving, "tv", 95396, "Severance", seasons=(2,))
    await sync_users(database, jellyseerr, Progress())
    await sync_requests(database, jellyseerr, Progress())
    land(database, 2, 1)
    world.delete_user(irving)
    done = await sync_users(database, jellyseerr, Progress())
    assert done.counts["removed"] == 1
    gone = user(database, 5)
    assert gone.removed_at is not None and gone.email == "irving@example.net", "history kept"
    assert told(database) == [
        ("Irving", "New episode: Severance S02E01", "the user was removed from Jellyseerr")
    ]
    land(database, 2, 2)
    assert len(told(database)) == 1
    assert database.read(read_stats).users == 4


async def test_a_listing_that_fails_midway_removes_nothing(
    database: Database, world: JellyseerrWorld, jellyseerr: Upstream
) -> None:
    await sync_users(database, jellyseerr, Progress())
    await sync_requests(database, jellyseerr, Progress())
    world.delete_user(next(u for u in world.users if u["id"] == 1))
    world.delete_request(next(r for r in world.requests if r["id"] == 43))
    world.broken_after = 2  # the second page fails
    with pytest.raises(UpstreamError, match="answered 503"):
        await sync_users(database, jellyseerr, Progress())
    with pytest.raises(UpstreamError, match="answered 503"):
        await sync_requests(database, jellyseerr, Progress())
    assert user(database, 1).removed_at is None
    stats = database.read(read_stats)
    assert (stats.users, stats.requests_total) == (5, 4)


# --- 5. One bad title must not stop a sync ------------------------------------------------------------


async def test_a_title_jellyseerr_cannot_describe_is_noted_and_the_sync_goes_on(
    database: Database, world: JellyseerrWorld, jellyseerr: Upstream
) -> None:
    world.failing_titles.add(("tv", 95396))  # TMDB fails for Severance: Jellyseerr answers 500
    done = await sync_requests(database, jellyseerr, Progress())
    assert done.problems == [
        "request 41 (tv 95396): Jellyseerr answered 500 for /api/v1/tv/95396: Unable to retrieve series."
    ]
    assert done.counts["created"] == 3 and not done.all_failed
    world.failing_titles.clear()
    again = await sync_requests(database, jellyseerr, Progress())
    assert again.counts["created"] == 1 and again.problems == [], "tried again at the next sync"


async def test_every_title_failing_is_jellyseerr_failing(
    database: Database, world: JellyseerrWorld, jellyseerr: Upstream
) -> None:
    world.failing_titles |= set(world.titles) | {("tv", 260042), ("tv", 250777)}
    done = await sync_requests(database, jellyseerr, Progress())
    assert done.all_failed and len(done.problems) == 4


# --- 7. Upstream's status codes ------------------------------------------------------------------------


async def test_each_request_and_media_status_becomes_a_deliberate_one_of_ours(
    database: Database, jellyseerr: Upstream
) -> None:
    await sync_requests(database, jellyseerr, Progress())
    with database.reading() as session:
        statuses = {r.jellyseerr_id: r.status for r in session.exec(select(MediaRequest)).all()}
    assert statuses == {
        44: RequestStatus.APPROVED,  # 4 failed (not handed to Sonarr): still tracked
        43: RequestStatus.AVAILABLE,  # a movie, available
        42: RequestStatus.PENDING,  # waiting for approval
        41: RequestStatus.APPROVED,  # partly available: more to come
    }
