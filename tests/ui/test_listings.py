"""Users, Requests and Episodes pages: server-side paging, sorting and search."""

from nicegui import ui
from nicegui.testing import User

from application import Airdate
from tests.utils.pages import open_dashboard

from ..utils.factories import land_episode, make_tracked_show, make_users
from ..utils.waiting import eventually


def table(user: User, marker: str) -> ui.table:
    (element,) = user.find(marker=marker).elements
    return element


async def test_users_are_paged_by_the_database(user: User, airdate: Airdate) -> None:
    make_users(airdate.database, 60)
    await user.open("/users")
    users = table(user, "users-table")
    assert len(users.rows) == 25
    assert users.pagination["rowsNumber"] == 60
    assert users.rows[0]["username"] == "user59", "newest first"

    user.find(marker="users-table").trigger(
        "request", {"pagination": {"page": 3, "rowsPerPage": 25, "sortBy": "username", "descending": False}}
    )
    await eventually(lambda: users.pagination["page"] == 3)
    assert [row["username"] for row in users.rows] == sorted(f"user{i}" for i in range(60))[50:]


async def test_search_narrows_the_rows_and_starts_at_page_one(user: User, airdate: Airdate) -> None:
    make_users(airdate.database, 30)
    await user.open("/users")
    users = table(user, "users-table")
    user.find(marker="users-table").trigger(
        "request", {"pagination": {"page": 2, "rowsPerPage": 10, "sortBy": "id", "descending": True}}
    )
    await eventually(lambda: users.pagination["page"] == 2)
    user.find(marker="search").type("user2")
    await eventually(lambda: users.pagination["rowsNumber"] == 11)  # user2, user20..user29
    assert users.pagination["page"] == 1
    assert len(users.rows) == 10, "the page size the user chose is kept"
    assert {row["username"] for row in users.rows} <= {"user2", *(f"user2{i}" for i in range(10))}


async def test_requests_and_episodes_pages_show_their_rows(user: User, airdate: Airdate) -> None:
    database = airdate.database
    make_tracked_show(database, tmdb_id=12, requesters=2)
    land_episode(database, 12, 1, 1)
    await user.open("/requests")
    requests = table(user, "requests-table")
    assert {row["requester"] for row in requests.rows} == {"fan12_0", "fan12_1"}
    assert {row["status"] for row in requests.rows} == {"approved"}
    await user.open("/episodes")
    episodes = table(user, "episodes-table")
    assert [(r["show_title"], r["season"], r["number"]) for r in episodes.rows] == [("Show 12", 1, 1)]


async def test_the_menu_reaches_every_page(user: User) -> None:
    await open_dashboard(user)
    for title in ("Users", "Requests", "Episodes", "Dashboard"):
        user.find(marker=f"nav-{title.lower()}").click()
        await user.should_see(f"· {title}")


async def test_an_unknown_page_has_the_console_around_it_and_a_way_back(user: User) -> None:
    response = await user.http_client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "There is no page here." in response.text
    assert "Back to the dashboard" in response.text
    api = await user.http_client.get("/api/no-such-thing", headers={"Accept": "text/html"})
    assert api.status_code == 404
    assert api.json() == {"detail": "Not Found"}
    program = await user.http_client.get("/no-such-page", headers={"Accept": "application/json"})
    assert program.json() == {"detail": "Not Found"}
