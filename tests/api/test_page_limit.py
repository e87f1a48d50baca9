"""Pages are built a few at a time; when too many wait, a browser gets a quick 503 that retries."""

import asyncio

import httpx

from api.page_limit import PageLimit

from ..utils.waiting import eventually


async def test_too_many_waiting_pages_get_a_503_and_the_api_is_not_held_up() -> None:
    release = asyncio.Event()
    building = 0

    async def slow_page(scope, receive, send) -> None:  # an ASGI app: a page being built
        nonlocal building
        building += 1
        if scope["path"] != "/api/stats":
            await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    gate = PageLimit(slow_page, at_once=2, waiting=3)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(gate), base_url="http://test") as client:
        html = {"Accept": "text/html"}
        pages = [asyncio.create_task(client.get("/", headers=html)) for _ in range(5)]
        await eventually(lambda: building == 2, what="two pages being built")
        busy = await client.get("/users", headers=html)
        api = await client.get("/api/stats", headers=html)
        release.set()
        answered = await asyncio.gather(*pages)
    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "2"
    assert b"http-equiv=refresh" in busy.content
    assert api.status_code == 200, "the API is not gated"
    assert [r.status_code for r in answered] == [200] * 5, "two built at once, three waited their turn"
