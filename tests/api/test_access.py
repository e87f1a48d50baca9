"""Who may see and do what, through the app in-process: every route, roles, tokens, lockout, CSRF."""

import asyncio
import logging
import re
from collections import Counter
from datetime import timedelta

import httpx
import pytest
from sqlmodel import select
from starlette.routing import Mount

from application import Airdate
from data import Database
from data.models import LoginSession
from server import RedactAccessToken
from services.access import Access
from services.sign_in import FREE_TRIES
from settings import Settings

from ..utils.console import Console
from ..utils.factories import make_users
from ..utils.waiting import eventually

OPEN = {  # the routes anyone may call; a new route must not join this list by accident
    "/login",
    "/logout",
    "/healthz",
    "/webhooks/sonarr",
    "/_nicegui/",
    "/_nicegui_ws/",
}
PASSWORDS = {"alice": "alice-password", "vic": "viewer-password"}
ELSEWHERE = "198.51.100.23"  # not this machine: no "anyone local" mode


@pytest.fixture
def tokens(database: Database) -> dict[str, str]:
    """Alice (admin), Vic (viewer) and two tokens, made before the app starts."""
    access = Access(database)
    access.add_account("alice", PASSWORDS["alice"], "admin", by="test")
    access.add_account("vic", PASSWORDS["vic"], "viewer", by="test")
    make_users(database, 2, prefix="lena")
    return {scope: access.mint_token(f"{scope}-token", scope, by="test") for scope in ("read", "admin")}


@pytest.fixture
def settings(settings: Settings, tokens: dict[str, str]) -> Settings:
    return settings


def client(console: Console, address: str = ELSEWHERE) -> httpx.AsyncClient:
    return console.http_client(address)


async def signed_in(console: Console, name: str, address: str = ELSEWHERE) -> httpx.AsyncClient:
    browser = client(console, address)
    response = await browser.post("/login", data={"username": name, "password": PASSWORDS[name], "next": "/"})
    assert response.status_code == 303, response.text
    return browser


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


def every_route(airdate: Airdate) -> list[tuple[str, str]]:
    """(method, path) of every route the app has, mounts included."""
    from nicegui import app

    found = []
    routes = list(app.routes)
    while routes:
        route = routes.pop(0)
        if hasattr(route, "original_router"):  # FastAPI keeps an included router as one lazy route
            routes.extend(route.original_router.routes)
            continue
        if isinstance(route, Mount):
            found.append(("GET", route.path.rstrip("/") + "/anything"))
            continue
        for method in sorted(getattr(route, "methods", None) or {"GET"}):
            if method != "HEAD":
                found.append((method, concrete(route.path)))
    return found


def is_open(path: str) -> bool:
    return path in OPEN or any(path.startswith(prefix) for prefix in OPEN if prefix.endswith("/"))


async def test_every_route_outside_the_open_list_is_closed_without_credentials(
    console: Console, airdate: Airdate
) -> None:
    anonymous = client(console)
    routes = every_route(airdate)
    assert len(routes) > 15
    for method, path in routes:
        if is_open(path):
            continue
        for accept in ("application/json", "text/html"):
            response = await anonymous.request(method, path, headers={"Accept": accept})
            assert response.status_code in (401, 403, 303), (method, path, accept, response.status_code)
            if response.status_code == 303:
                assert response.headers["location"].startswith("/login?next="), (method, path)
            else:
                assert "detail" in response.json(), (method, path)


VIEWER_MAY = {"/", "/users", "/requests", "/episodes", "/sse/stats", "/api/stats", "/api/jobs/x", "/metrics"}
VIEWER_MAY |= {"/openapi.json", "/shows", "/shows/x", "/upcoming", "/api/shows", "/api/shows/x"}


async def test_a_viewer_reaches_only_the_viewer_routes(console: Console, airdate: Airdate) -> None:
    vic = await signed_in(console, "vic")
    for method, path in every_route(airdate):
        if is_open(path) or path == "/sse/stats":  # (a stream does not end: tested with a real server)
            continue
        response = await vic.request(
            method, path, headers={"Accept": "application/json", "Origin": "http://localhost"}
        )
        if path in VIEWER_MAY:  # let in (a 422: past the guard, "x" is no id)
            assert response.status_code in (200, 404, 422), (method, path, response.status_code)
        else:
            assert response.status_code == 403, (method, path, response.status_code)


async def test_programs_get_401_with_a_reason_and_browsers_the_sign_in_page(console: Console) -> None:
    anonymous = client(console)
    api = await anonymous.get("/api/stats")
    assert api.status_code == 401
    assert api.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer" in api.json()["detail"]
    page = await anonymous.get("/users", headers={"Accept": "text/html"})
    assert (page.status_code, page.headers["location"]) == (303, "/login?next=/users")
    for garbage in ("", "Bearer", "Bearer ", "Bearer nonsense", "Bearer adt_forged", "Basic YWxpY2U6eA=="):
        refused = await anonymous.get("/api/stats", headers={"Authorization": garbage})
        assert refused.status_code == 401, garbage


async def test_open_routes_answer_without_credentials(console: Console) -> None:
    anonymous = client(console)
    assert (await anonymous.get("/healthz")).json() == {"status": "ok"}
    assert (await anonymous.get("/login")).status_code == 200


async def test_a_viewer_sees_but_cannot_act_and_sees_addresses_masked(console: Console) -> None:
    vic = await signed_in(console, "vic")
    assert (await vic.get("/")).status_code == 200
    assert (await vic.get("/api/stats")).status_code == 200
    acting = await vic.post("/api/actions/sync-users", headers={"Origin": "http://localhost"})
    assert acting.status_code == 403
    assert "vic (viewer) may not do this" in acting.json()["detail"]
    assert (await vic.get("/accounts", headers={"Accept": "text/html"})).status_code == 403
    users = await vic.get("/users")
    assert "l***@example.org" in users.text
    assert "lena0@example.org" not in users.text


async def test_an_admin_sees_addresses_and_acts(console: Console) -> None:
    alice = await signed_in(console, "alice")
    assert "lena0@example.org" in (await alice.get("/users")).text
    started = await alice.post("/api/actions/sync-users", headers={"Origin": "http://localhost"})
    assert started.status_code == 202
    assert started.json()["started_by"] == "alice"
    assert (await alice.get(f"/api/jobs/{started.json()['job_id']}")).json()["started_by"] == "alice"
    assert (await alice.get("/accounts")).status_code == 200


async def test_a_read_token_reads_and_an_admin_token_also_acts(
    console: Console, tokens: dict[str, str]
) -> None:
    program = client(console)
    read = {"Authorization": f"Bearer {tokens['read']}"}
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    for path in ("/api/stats", "/metrics", "/openapi.json"):
        assert (await program.get(path, headers=read)).status_code == 200, path
    assert (await program.post("/api/actions/sync-users", headers=read)).status_code == 403
    started = await program.post("/api/actions/sync-users", headers=admin)  # no Origin needed: not a cookie
    assert started.status_code == 202
    assert started.json()["started_by"] == "token admin-token"
    pages = await program.get("/", headers=read)
    assert pages.status_code == 403
    assert "tokens are for the API" in pages.json()["detail"]


async def test_a_cross_site_write_with_a_session_is_refused(console: Console) -> None:
    alice = await signed_in(console, "alice")
    forged = await alice.post("/api/actions/sync-users", headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403
    assert "cross-site" in forged.json()["detail"]
    other_site = await alice.post("/api/actions/sync-users", headers={"Sec-Fetch-Site": "cross-site"})
    assert other_site.status_code == 403
    assert (
        await alice.post("/api/actions/sync-users", headers={"Origin": "http://localhost"})
    ).status_code == 202


async def test_five_wrong_passwords_lock_that_name_from_that_address_the_same_for_unknown_names(
    console: Console,
) -> None:
    answers = {}
    for name in ("alice", "nobody"):
        browser = client(console, f"203.0.113.{len(answers) + 1}")
        for _ in range(5):
            wrong = await browser.post("/login", data={"username": name, "password": "not it!"})
            assert wrong.status_code == 401
            assert "wrong user name or password" in wrong.text
        locked = await browser.post("/login", data={"username": name, "password": PASSWORDS.get(name, "x")})
        answers[name] = (locked.status_code, re.findall(r"too many attempts, wait \d+ minutes?", locked.text))
    assert answers["alice"] == answers["nobody"] == (429, ["too many attempts, wait 15 minutes"])
    from_elsewhere = await client(console, "203.0.113.99").post(
        "/login", data={"username": "alice", "password": PASSWORDS["alice"]}
    )
    assert from_elsewhere.status_code == 303, "guessing from one address never locks the owner out elsewhere"


@pytest.mark.both_databases
async def test_forty_tries_at_once_get_five_passwords_checked(console: Console) -> None:
    """Regression: the tries were counted after the check, so 40 at once got 10 passwords checked."""
    browser = client(console, "203.0.113.60")
    tries = [browser.post("/login", data={"username": "alice", "password": f"guess-{n}"}) for n in range(40)]
    answers = Counter(answer.status_code for answer in await asyncio.gather(*tries))
    assert answers == {401: 5, 429: 35}


@pytest.mark.both_databases
@pytest.mark.slow  # it waits the product's real 2 s turns
async def test_a_name_tried_from_everywhere_is_slowed_down_and_its_owner_still_gets_in(
    console: Console,
) -> None:
    tries = [
        client(console, f"198.18.0.{n}").post("/login", data={"username": "vic", "password": "guess-guess"})
        for n in range(1, 31)
    ]
    answers = Counter(answer.status_code for answer in await asyncio.gather(*tries))
    assert answers[429] > 0, "beyond the free tries, the name's next turn was too far away for some"
    assert answers[401] <= FREE_TRIES + 6, "the others waited their turn, one every two seconds"
    owner = client(console, "198.18.1.1")

    async def signed_in_at_last() -> bool:
        form = {"username": "vic", "password": PASSWORDS["vic"]}
        return (await owner.post("/login", data=form)).status_code == 303

    await eventually(signed_in_at_last, within=30, what="the owner, from an address of their own")


async def test_twenty_failures_from_one_address_lock_that_address(console: Console) -> None:
    prober = client(console, "203.0.113.50")
    for number in range(20):
        answer = await prober.post("/login", data={"username": f"name{number}", "password": "guess-guess"})
        assert answer.status_code == 401
    blocked = await prober.post("/login", data={"username": "vic", "password": PASSWORDS["vic"]})
    assert blocked.status_code == 429
    assert (await signed_in(console, "vic", "203.0.113.51")).cookies.get("airdate_session")


async def test_signing_out_ends_the_session(console: Console) -> None:
    alice = await signed_in(console, "alice")
    assert (await alice.get("/api/stats")).status_code == 200
    out = await alice.post("/logout", headers={"Origin": "http://localhost"})
    assert (out.status_code, out.headers["location"]) == (303, "/login")
    assert (await alice.get("/api/stats")).status_code == 401


async def test_a_page_asked_for_with_a_session_that_ended_says_so_at_sign_in(
    console: Console, airdate: Airdate
) -> None:
    """A cookie whose session ended elsewhere (here: every session of the account, as a removal or a
    password change does) goes to the sign-in page with "your session ended"; a browser without one
    is simply asked to sign in."""
    alice = await signed_in(console, "alice")
    with airdate.database.transaction() as session:
        for signed in session.exec(select(LoginSession)).all():
            session.delete(signed)
    html = {"Accept": "text/html"}

    async def ended() -> bool:
        page = await alice.get("/users", headers=html)
        return page.headers.get("location") == "/login?next=/users&ended=1"

    await eventually(ended, within=5, what="the session's end noticed")
    page = await client(console).get("/users", headers=html)
    assert page.headers["location"] == "/login?next=/users"


async def test_every_answer_carries_the_security_headers(console: Console, tokens: dict[str, str]) -> None:
    alice = await signed_in(console, "alice")
    for response in (
        await alice.get("/"),
        await alice.get("/api/stats"),
        await client(console).get("/api/stats"),
        await client(console).get("/healthz"),
    ):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"


async def test_cookies_are_http_only_lax_and_secure_behind_a_trusted_https_proxy(
    console: Console, airdate: Airdate
) -> None:
    plain = await client(console).post("/login", data={"username": "alice", "password": PASSWORDS["alice"]})
    cookie = plain.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Secure" not in cookie
    spoofed = await client(console).post(  # not a trusted proxy: its X-Forwarded-Proto is ignored
        "/login",
        data={"username": "alice", "password": PASSWORDS["alice"]},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert "Secure" not in spoofed.headers["set-cookie"]


async def test_bodies_too_large_and_unknown_actions_are_clear_4xx(
    console: Console, tokens: dict[str, str]
) -> None:
    program = client(console)
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    huge = await program.post("/api/actions/sync-users", headers=admin, content=b"x" * (2 * 1024 * 1024))
    assert huge.status_code == 413
    assert "larger than 1024 KiB" in huge.json()["detail"]
    unknown = await program.post("/api/actions/make-coffee", headers=admin)
    assert unknown.status_code == 404
    assert (
        "choose from sync-users, sync-requests, import-episodes, read-calendar, send-pending"
        in unknown.json()["detail"]
    )
    form = await client(console, "127.0.0.1").post(  # a Sonarr on this machine may post without a secret
        "/webhooks/sonarr",
        content=b"eventType=Test",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 415
    assert "send JSON" in form.json()["detail"]


async def test_a_sign_in_expires_after_its_hours(console: Console, airdate: Airdate) -> None:
    """A session lasts AIRDATE_SESSION_HOURS (here 90 s, so that the machine's pace does not matter); once
    that time has passed — moved forward in the database — it is refused."""
    airdate.access.session_length = timedelta(seconds=90)
    alice = await signed_in(console, "alice")
    assert (await alice.get("/api/stats")).status_code == 200
    with airdate.database.transaction() as session:
        (signed,) = session.exec(select(LoginSession)).all()
        assert signed.expires_at - signed.created_at == pytest.approx(
            timedelta(seconds=90), abs=timedelta(seconds=1)
        )
        signed.expires_at = signed.created_at
        session.add(signed)

    async def refused() -> bool:
        return (await alice.get("/api/stats")).status_code == 401

    await eventually(refused, within=5, what="the session expired")


def test_an_access_token_in_a_query_never_reaches_the_access_log() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/sse/stats?events=log&access_token=adt_secret123&x=1", "1.1", 200), None,
    )  # fmt: skip
    RedactAccessToken().filter(record)
    assert "adt_secret123" not in record.getMessage()
    assert "access_token=***&x=1" in record.getMessage()
