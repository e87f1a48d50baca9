"""A user's notification preferences and channels: the admin's /users/<id> page and the requester's signed
/manage and /unsubscribe pages, in-process."""

from nicegui import ui
from nicegui.testing import User

from application import Airdate
from data import preferences
from data.models import NotifyMode

from ..utils.factories import land_episode, make_tracked_show, make_users
from ..utils.waiting import eventually

WORKER = 50  # should_see's tries, 0.1 s apart: the handlers read and write in a worker thread


def element(user: User, marker: str) -> ui.element:
    (found,) = user.find(marker=marker).elements
    return found


async def test_a_refused_value_is_a_warning_and_the_form_keeps_it(user: User, airdate: Airdate) -> None:
    (ada,) = make_users(airdate.database, 1)
    await user.open(f"/users/{ada}")
    await user.should_see("Notifications for user0", retries=WORKER)
    element(user, "mode").value = NotifyMode.DIGEST.value
    element(user, "digest-at").value = "25:99"
    user.find(marker="save").click()
    await user.should_see("digest time must be HH:MM", retries=WORKER)
    assert element(user, "digest-at").value == "25:99", "what was typed is kept"
    assert airdate.database.read(preferences.read, ada).mode == NotifyMode.AS_THEY_LAND

    element(user, "digest-at").value = "07:30"
    element(user, "time-zone").value = "Asia/Tokyo"
    element(user, "email-enabled").value = False
    user.find(marker="save").click()
    await user.should_see("Preferences saved", retries=WORKER)
    kept = airdate.database.read(preferences.read, ada)
    assert (kept.mode, kept.digest_at, kept.time_zone, kept.email_enabled) == (
        "digest",
        "07:30",
        "Asia/Tokyo",
        False,
    )


async def test_an_unknown_user_is_a_message(user: User) -> None:
    await user.open("/users/999")
    await user.should_see("There is no user 999.", retries=WORKER)
    await user.open("/users/abc")
    await user.should_see("There is no user abc.", retries=WORKER)


async def test_channels_are_added_masked_refused_with_a_reason_and_removed(
    user: User, airdate: Airdate
) -> None:
    (ada,) = make_users(airdate.database, 1)
    await user.open(f"/users/{ada}")
    await user.should_see("None yet: only e-mail.", retries=WORKER)
    element(user, "channel-url").value = "not a url"
    user.find(marker="add-channel").click()
    await user.should_see("not a notification URL", retries=WORKER)
    assert element(user, "channel-url").value == "not a url", "the input is kept"

    element(user, "channel-url").value = "json://bob:hunter2@127.0.0.1:9/hook"
    user.find(marker="add-channel").click()
    await user.should_see("json://bob:****@127.0.0.1:9/hook", retries=WORKER)
    await user.should_not_see("hunter2", retries=WORKER)
    assert [c.label for c in airdate.database.read(preferences.read, ada).channels] == [
        "json://bob:****@127.0.0.1:9/hook"
    ]
    user.find("Remove").click()
    await user.should_see("None yet: only e-mail.", retries=WORKER)
    assert airdate.database.read(preferences.read, ada).channels == []


async def test_a_test_message_without_a_mail_server_says_why(user: User, airdate: Airdate) -> None:
    (ada,) = make_users(airdate.database, 1)
    await user.open(f"/users/{ada}")
    user.find(marker="send-test").click()
    await user.should_see(marker="test-result", retries=WORKER)
    await user.should_see("failed: ValueError", retries=WORKER)


async def test_the_users_listing_links_each_user_to_their_page(user: User, airdate: Airdate) -> None:
    make_users(airdate.database, 2)
    await user.open("/users")
    table = element(user, "users-table")
    assert "notifications" in [column["name"] for column in table.columns]
    user.find(marker="users-table").trigger("notifications", 2)
    await user.should_see("Notifications for user1", retries=WORKER)


async def test_the_manage_link_mutes_a_show_and_unsubscribes(user: User, airdate: Airdate) -> None:
    fan, _ = make_tracked_show(airdate.database, tmdb_id=42, requesters=2)
    land_episode(airdate.database, 42, 1, 1)  # queued for both fans
    links = airdate.notifier.links
    assert links is not None
    await user.open(f"/manage/{links.token(fan)}")
    await user.should_see("Hi fan42_0", retries=WORKER)
    await user.should_not_see(marker="menu")
    await user.should_not_see(marker="channels")
    element(user, "mute-42").value = True
    user.find(marker="save").click()
    await user.should_see(
        "Preferences saved; 1 queued notification will not be sent (skipped)", retries=WORKER
    )
    assert [s.muted for s in airdate.database.read(preferences.read, fan).shows] == [True]

    user.find(marker="unsubscribe-all").click()
    await user.should_see("Unsubscribed", retries=WORKER)
    await eventually(lambda: airdate.database.read(preferences.read, fan).mode == NotifyMode.OFF)
    assert element(user, "mode").value == NotifyMode.OFF.value


async def test_the_unsubscribe_page_asks_first(user: User, airdate: Airdate) -> None:
    fan, _ = make_tracked_show(airdate.database, tmdb_id=7, requesters=2)
    token = airdate.notifier.links.token(fan)
    await user.open(f"/unsubscribe/{token}")
    await user.should_see("Stop every notification", retries=WORKER)
    assert airdate.database.read(preferences.read, fan).mode == NotifyMode.AS_THEY_LAND, (
        "a GET changes nothing"
    )
    user.find(marker="confirm-unsubscribe").click()
    await user.should_see("no more notifications", retries=WORKER)
    assert airdate.database.read(preferences.read, fan).mode == NotifyMode.OFF
    await user.should_see("Manage your notifications", retries=WORKER)


async def test_a_changed_link_is_refused(user: User, airdate: Airdate) -> None:
    (fan,) = make_users(airdate.database, 1)
    token = airdate.notifier.links.token(fan)
    for path in (f"/manage/{token}x", f"/unsubscribe/{token[:-1]}", "/manage/1"):
        response = await user.http_client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 403, path
