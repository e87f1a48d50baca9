"""Which replica answers: its name in /metrics, and the sticky cookie that pages (and only pages) set
so that a proxy in front of several replicas keeps a browser on the one that holds its pages."""

import pytest

from application import replica_name
from settings import Settings

from ..utils.console import Console

PROXY = "10.1.2.3"
PAGE = {"Accept": "text/html"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    settings.replica.name = "airdate2"
    settings.auth.trusted_proxies = "10.0.0.0/8"
    return settings


def replica_cookies(response: object) -> list[str]:
    cookies = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    return [cookie for cookie in cookies if cookie.startswith("airdate_replica=")]


async def test_a_page_names_its_replica_in_a_cookie(console: Console) -> None:
    page = await console.http_client().get("/", headers=PAGE)
    assert page.status_code == 200
    assert replica_cookies(page) == ["airdate_replica=airdate2; Path=/; HttpOnly; SameSite=Lax"]


async def test_no_cookie_when_the_browser_already_names_this_replica(console: Console) -> None:
    browser = console.http_client()
    same = await browser.get("/", headers={**PAGE, "Cookie": "airdate_replica=airdate2"})
    assert same.status_code == 200 and replica_cookies(same) == []
    other = await browser.get("/", headers={**PAGE, "Cookie": "airdate_replica=airdate1"})
    assert replica_cookies(other) == ["airdate_replica=airdate2; Path=/; HttpOnly; SameSite=Lax"]


async def test_over_https_the_cookie_is_secure(console: Console) -> None:
    https = {**PAGE, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}
    page = await console.http_client(PROXY).get("/login", headers=https)  # the page for one from afar
    assert page.status_code == 200
    assert replica_cookies(page) == ["airdate_replica=airdate2; Path=/; HttpOnly; SameSite=Lax; Secure"]


async def test_streams_and_programs_get_no_replica_cookie(console: Console) -> None:
    """A stream may come from any replica: its answer must not move the browser's pages elsewhere."""
    client = console.http_client()
    for path in ("/api/stats", "/healthz", "/metrics"):
        answer = await client.get(path)
        assert answer.status_code == 200, path
        assert replica_cookies(answer) == [], path
    stream = await client.head("/sse/stats")
    assert stream.status_code == 200
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert replica_cookies(stream) == []


async def test_metrics_name_the_replica(console: Console) -> None:
    metrics = await console.http_client().get("/metrics")
    assert 'airdate_replica_info{name="airdate2"} 1.0' in metrics.text.splitlines()


def test_without_a_name_the_replica_is_the_host_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("socket.gethostname", lambda: "web 1/example")
    assert replica_name(Settings()) == "web-1-example"
    assert replica_name(Settings.from_flat(replica_name="blue")) == "blue"


def test_a_name_a_cookie_cannot_carry_is_refused() -> None:
    with pytest.raises(ValueError, match="replica_name"):
        Settings.from_flat(replica_name="a b;c")


async def test_every_answer_names_its_replica_in_a_header(console: Console) -> None:
    """Behind a proxy that spreads requests, a client can tell which replica served it: pages, the API,
    refusals and event streams alike."""
    client = console.http_client()
    answers = {
        "page": await client.get("/", headers=PAGE),
        "stats": await client.get("/api/stats"),
        "health": await client.get("/healthz"),
        "stream": await client.head("/sse/stats"),
        "refused": await console.http_client(PROXY).get(
            "/api/stats", headers={"X-Forwarded-For": "203.0.113.5"}
        ),
    }
    assert answers["refused"].status_code == 401
    assert {
        what: answer.headers.get("x-airdate-replica") for what, answer in answers.items()
    } == dict.fromkeys(answers, "airdate2")
