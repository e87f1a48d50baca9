"""An upstream that says when to come back (``Retry-After``: seconds or an HTTP date) is asked again no
sooner; one that asks for too long a wait is an error at once. Measured where it shows: the times at
which the stand-in received the requests."""

import math
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from email.utils import formatdate

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from services.upstream import MAX_RETRY_AFTER, Upstream, UpstreamAnswer, retry_after

from ..utils.standins import serve


class Busy:
    """A stand-in that answers ``first`` (status, headers) once, then 200, and notes when each request
    arrived (wall-clock seconds)."""

    def __init__(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.headers = headers or {}
        self.arrivals: list[float] = []
        self.app = FastAPI()
        self.app.get("/api/v1/status")(self.answer)

    def answer(self) -> JSONResponse:
        self.arrivals.append(time.time())
        if len(self.arrivals) == 1:
            headers = {name: value() if callable(value) else value for name, value in self.headers.items()}
            return JSONResponse({"message": "busy"}, self.status, headers=headers)
        return JSONResponse({"version": "2.0"})


@pytest.fixture
def serving() -> Iterator[Callable[[Busy], str]]:
    """Serves stand-ins until the test ends; returns the URL of each."""
    with ExitStack() as stack:
        yield lambda busy: stack.enter_context(serve(busy.app))


async def test_a_503_with_retry_after_seconds_is_asked_again_no_sooner(
    serving: Callable[[Busy], str],
) -> None:
    busy = Busy(503, {"Retry-After": "1"})
    async with Upstream("Jellyseerr", serving(busy), "key", retries=2) as jellyseerr:
        assert await jellyseerr.get("/api/v1/status") == {"version": "2.0"}
    first, second = busy.arrivals
    assert second - first >= 1.0, "it waited the second the upstream asked for"


async def test_a_429_with_retry_after_as_a_date_is_asked_again_no_sooner(
    serving: Callable[[Busy], str],
) -> None:
    due: list[float] = []

    def next_second_but_one() -> str:  # an HTTP date has whole seconds: the start of a second ahead
        due.append(math.floor(time.time()) + 2)
        return formatdate(due[-1], usegmt=True)

    busy = Busy(429, {"Retry-After": next_second_but_one})
    async with Upstream("Sonarr", serving(busy), "key", retries=1) as sonarr:
        assert await sonarr.get("/api/v1/status") == {"version": "2.0"}
    assert busy.arrivals[1] >= due[0], "not before the date the upstream named"


async def test_a_wait_longer_than_airdate_waits_is_an_error_at_once(serving: Callable[[Busy], str]) -> None:
    asked = int(MAX_RETRY_AFTER) + 60
    busy = Busy(503, {"Retry-After": str(asked)})
    async with Upstream("Jellyseerr", serving(busy), "key", retries=3) as jellyseerr:
        with pytest.raises(
            UpstreamAnswer, match=f"answered 503 .* asks to be asked again in {asked} s"
        ) as raised:
            await jellyseerr.get("/api/v1/status")
    assert raised.value.status == 503
    assert len(busy.arrivals) == 1, "not asked again"


def test_retry_after_reads_seconds_and_dates_and_ignores_the_rest() -> None:
    def asked(value: str) -> float | None:
        return retry_after(httpx.Response(503, headers={"Retry-After": value}))

    assert asked("7") == 7.0
    assert 9 < asked(formatdate(time.time() + 10, usegmt=True)) <= 10
    assert asked(formatdate(time.time() - 60, usegmt=True)) == 0.0, "a date past: at once"
    assert asked("soon") is None
    assert retry_after(httpx.Response(503)) is None
