"""Credentials on /sse/stats against a real server: tokens (header or query), a signed-in browser's
cookie, revocation ending open streams, and tokens never written to any log."""

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from ..utils.accounts import add_account, add_token
from ..utils.server import Server, run_cli
from ..utils.sse import next_data, open_stream

PASSWORD = "alice-password"


@pytest.fixture
def guarded(airdate_env: str) -> Iterator[tuple[Server, str]]:
    """A server with an admin account and a read token."""
    add_account("alice", PASSWORD, "admin")
    token = add_token("dashboard", "read")
    server = Server(airdate_env, {"stats_interval": "0.2", "sse_keepalive": "0.5"}).start()
    yield server, token
    server.stop()


async def stream_ends(events: object, within: float) -> bool:
    """True if the stream finishes (the server closed it) within ``within`` seconds."""
    try:
        async with asyncio.timeout(within):
            async for _ in events:  # type: ignore[attr-defined]
                pass
    except TimeoutError:
        return False
    return True


async def test_no_credentials_is_a_401(guarded: tuple[Server, str]) -> None:
    server, _ = guarded
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{server.url}/sse/stats")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_revoking_a_token_ends_its_open_streams(guarded: tuple[Server, str]) -> None:
    server, token = guarded
    async with (
        open_stream(server.url, headers={"Authorization": f"Bearer {token}"}) as (header_response, by_header),
        open_stream(server.url, params={"access_token": token}) as (query_response, by_query),
    ):
        assert header_response.status_code == query_response.status_code == 200
        await next_data(by_header)
        await next_data(by_query)
        revoked = await asyncio.to_thread(run_cli, "tokens", "revoke", "dashboard")  # another process
        assert revoked.returncode == 0, revoked.stderr
        assert await stream_ends(by_header, within=10), "the header stream ended"
        assert await stream_ends(by_query, within=10), "the query stream ended"
    async with httpx.AsyncClient() as client:
        again = await client.get(f"{server.url}/api/stats", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 401
    printed = server.stop()
    assert token not in printed
    assert token[4:20] not in printed


async def test_a_signed_in_browser_streams_with_its_cookie_until_it_signs_out(
    guarded: tuple[Server, str],
) -> None:
    server, _ = guarded
    async with httpx.AsyncClient(base_url=server.url) as browser:
        signed_in = await browser.post("/login", data={"username": "alice", "password": PASSWORD})
        assert signed_in.status_code == 303
        async with browser.stream("GET", "/sse/stats") as response:
            assert response.status_code == 200
            lines = response.aiter_lines()
            assert any([line async for line in _first_data(lines)])
            out = await browser.post("/logout", headers={"Origin": server.url})
            assert out.status_code == 303
            async with asyncio.timeout(3):  # the session is gone: the stream ends within a second
                async for _ in lines:
                    pass


async def _first_data(lines: object) -> object:
    async for line in lines:  # type: ignore[attr-defined]
        yield line
        if line.startswith("data:"):
            return


async def test_sign_ins_and_actions_are_audited_as_log_events(guarded: tuple[Server, str]) -> None:
    server, token = guarded
    admin = add_token("ops", "admin")
    seen: list[str] = []
    async with (
        open_stream(server.url, params={"events": "log"}, headers={"Authorization": f"Bearer {token}"}) as (
            _,
            logs,
        ),
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        await client.post("/login", data={"username": "alice", "password": "wrong-password"})
        await client.post("/login", data={"username": "alice", "password": PASSWORD})
        await client.post("/api/actions/sync-users", headers={"Authorization": f"Bearer {admin}"})
        async with asyncio.timeout(10):
            while not any("sync-users started by token ops" in line for line in seen):
                seen.append((await next_data(logs)).json()["message"])
    assert "sign-in for 'alice' from 127.0.0.1 refused: wrong name or password" in seen
    assert "alice signed in from 127.0.0.1" in seen
    assert not any(PASSWORD in line or "wrong-password" in line or admin in line for line in seen)


async def test_a_proxy_vouched_stream_ends_when_its_account_goes_or_loses_admin(airdate_env: str) -> None:
    """The proxy vouches once, when the stream opens; Airdate re-checks the account it named every second."""
    for name in ("alice", "carol", "dora"):
        add_account(name, PASSWORD, "admin")
    settings = {"trusted_proxies": "127.0.0.1", "auth_header": "Remote-User", "sse_keepalive": "0.5"}
    server = Server(airdate_env, settings).start()
    try:
        async with (
            open_stream(server.url, headers={"Remote-User": "alice"}) as (alice_response, alice),
            open_stream(server.url, headers={"Remote-User": "carol"}) as (carol_response, carol),
            open_stream(server.url, headers={"Remote-User": "dora"}) as (dora_response, dora),
        ):
            assert (
                alice_response.status_code == carol_response.status_code == dora_response.status_code == 200
            )
            for events in (alice, carol, dora):
                await next_data(events)
            assert (await asyncio.to_thread(run_cli, "accounts", "remove", "alice")).returncode == 0
            assert (await asyncio.to_thread(run_cli, "accounts", "role", "carol", "viewer")).returncode == 0
            assert await stream_ends(alice, within=10), "alice's account is gone"
            assert await stream_ends(carol, within=10), "carol is no longer an admin"
            assert not await stream_ends(dora, within=1.5), "dora's still holds"
    finally:
        server.stop()
