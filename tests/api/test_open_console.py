"""Before the first account exists: only direct requests from this machine get in, and are told so."""

from ..utils.console import Console


async def test_this_machine_uses_the_console_and_is_told_so(console: Console) -> None:
    local = await console.http_client("127.0.0.1").get("/", headers={"Accept": "text/html"})
    assert local.status_code == 200
    assert "No accounts — anyone on this machine can use the console" in local.text


async def test_a_request_forwarded_by_a_proxy_on_this_machine_needs_an_account(console: Console) -> None:
    forwarded = await console.http_client("127.0.0.1").get(
        "/api/stats", headers={"X-Forwarded-For": "8.8.8.8"}
    )
    assert forwarded.status_code == 401
    assert (await console.http_client("192.0.2.9").get("/api/stats")).status_code == 401


async def test_the_first_account_closes_the_open_console(console: Console) -> None:
    local = console.http_client("127.0.0.1")
    assert (await local.get("/api/stats")).status_code == 200
    console.app.access.add_account("alice", "alice-password", "admin", by="test")
    console.app.identities.forget()  # (otherwise within a second)
    assert (await local.get("/api/stats")).status_code == 401
