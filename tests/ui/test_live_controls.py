"""The viewer's refresh choice, a hidden tab, and the stale-database banner."""

from collections.abc import Callable

from nicegui import ElementFilter, storage, ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from application import Airdate
from tests.utils.pages import open_dashboard

from ..utils.database import unplugged
from ..utils.factories import make_users
from ..utils.pages import refresh_choice, stat
from ..utils.waiting import eventually


def pick(user: User, mode: str) -> None:
    (select,) = user.find(marker="refresh").elements
    storage.request_contextvar.set(user.client.request)  # as NiceGUI does for an event from this browser
    with user.client:
        select.set_value(mode)


def element(user: User, marker: str) -> ui.element:
    (found,) = user.find(marker=marker).elements
    return found


async def test_an_interval_throttles_one_viewer_only_and_is_remembered(
    create_user: Callable[[], User],
    airdate: Airdate,
) -> None:
    slow, fast = create_user(), create_user()
    await airdate.feed.tick()
    await open_dashboard(slow)
    await open_dashboard(fast)
    pick(slow, "5")
    assert refresh_choice(slow) == "5"

    make_users(airdate.database, 1)
    await eventually(lambda: stat(fast, "users") == 1)
    make_users(airdate.database, 1, prefix="second")
    await eventually(lambda: stat(fast, "users") == 2)  # both events reached every viewer...
    assert stat(slow, "users") == 0, "...but this one is sent updates every 5 s"
    await eventually(lambda: stat(slow, "users") == 2, within=6)

    await open_dashboard(slow)  # the same browser, later
    assert element(slow, "refresh").value == "5"
    await open_dashboard(fast)
    assert element(fast, "refresh").value == "live"


async def test_off_is_pause_and_resume_returns_to_the_chosen_interval(user: User) -> None:
    await open_dashboard(user)
    pick(user, "10")
    pick(user, "off")
    await user.should_see("Resume live updates")
    assert refresh_choice(user) == "off"
    user.find(marker="pause").click()
    await user.should_see("Pause live updates")
    assert element(user, "refresh").value == "10"
    user.find(marker="pause").click()
    assert element(user, "refresh").value == "off"


async def test_a_hidden_tab_gets_nothing_and_catches_up_when_shown(
    create_user: Callable[[], User], airdate: Airdate
) -> None:
    hidden, visible = create_user(), create_user()
    for viewer in (hidden, visible):
        await open_dashboard(viewer)
        await eventually(lambda viewer=viewer: stat(viewer, "users") == 0)
    tab = UserInteraction(hidden, {hidden.client.layout}, None)
    tab.trigger("airdate_visibility", "hidden")  # what the page's script sends when the tab is hidden
    make_users(airdate.database, 4)
    await eventually(lambda: stat(visible, "users") == 4)  # the feed delivered the write...
    assert stat(hidden, "users") == 0  # ...but not to the hidden tab
    tab.trigger("airdate_visibility", "visible")
    await eventually(lambda: stat(hidden, "users") == 4)


async def test_an_unreachable_database_shows_a_banner_and_keeps_the_last_values(
    user: User, airdate: Airdate
) -> None:
    database = airdate.database
    make_users(database, 2)
    await airdate.feed.tick()
    await open_dashboard(user)
    with user.client:  # the banner is hidden, so user.find would not see it
        (banner,) = ElementFilter(marker="stale-banner")
    assert not banner.visible
    with unplugged(database):
        await airdate.feed.tick()
        assert banner.visible
        assert "The database is not answering" in banner.text
        assert "opacity-50" in element(user, "stat-cards").classes
        assert stat(user, "users") == 2, "the last good values stay"
    await airdate.feed.tick()
    assert not banner.visible
    assert "opacity-50" not in element(user, "stat-cards").classes
    assert airdate.feed.error is None
