"""Calling Jellyseerr and Sonarr: one async httpx client each, API key, timeouts, retries, clear errors."""

import logging
import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

log = logging.getLogger("airdate.upstream")

MAX_RETRY_AFTER = 60.0  # seconds: an upstream that asks for a longer wait gets its error now
JITTER = 0.5  # seconds at most, added to every wait so that callers do not come back all at once
BACKOFF = wait_exponential_jitter(multiplier=0.5, max=30.0, jitter=JITTER)  # 0.5 s, 1 s, 2 s… + jitter


class UpstreamError(Exception):
    """A call to Jellyseerr or Sonarr failed; the message says what to fix."""


class UpstreamTimeout(UpstreamError):
    """The upstream took longer than the timeout for this one thing (Jellyseerr waiting on TMDB for a
    title, say): like an error answer, a sync notes the item and goes on."""


class UpstreamAnswer(UpstreamError):
    """The upstream answered, with an error about this one thing (a 404, or a 5xx that retries did not
    cure, e.g. Jellyseerr's 500 "Unable to retrieve series." when TMDB fails for one title): the upstream
    as a whole works, so a sync notes the item and goes on."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class _Failed(Exception):
    """An attempt that may go better later: the upstream could not be reached, or answered 5xx or 429."""

    def __init__(
        self, problem: str, *, status: int = 0, timed_out: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(problem)
        self.status = status
        self.timed_out = timed_out
        self.retry_after = retry_after  # seconds the answer asked us to wait (Retry-After), if it did

    def error(self) -> UpstreamError:
        """What the caller gets when no retry is left."""
        if self.timed_out:
            return UpstreamTimeout(str(self))
        return UpstreamAnswer(str(self), self.status) if self.status else UpstreamError(str(self))


class Upstream:
    """A JSON API behind an ``X-Api-Key`` header (Jellyseerr, Overseerr and Sonarr all use one)."""

    def __init__(self, name: str, url: str, api_key: str, *, timeout: float = 10.0, retries: int = 3) -> None:
        if not url:
            raise UpstreamError(f"{name} is not configured: set AIRDATE_{name.upper()}_URL")
        if not url.startswith(("http://", "https://")):
            raise UpstreamError(
                f"AIRDATE_{name.upper()}_URL must start with http:// or https:// (got {url!r})"
            )
        self.name = name
        self.url = url.rstrip("/")
        self.retries = retries
        self.client = httpx.AsyncClient(
            base_url=self.url, headers={"X-Api-Key": api_key, "Accept": "application/json"}, timeout=timeout
        )

    async def get(self, path: str, *, retries: int | None = None, **params: Any) -> Any:
        """GET a JSON document; retries transport errors, 5xx and 429 answers, backing off exponentially
        with jitter, or as long as the answer's ``Retry-After`` asks (up to ``MAX_RETRY_AFTER``).

        UpstreamError when the upstream cannot be reached or refuses the key; UpstreamAnswer when it
        answered an error for this path."""
        retries = self.retries if retries is None else min(retries, self.retries)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(retries + 1) | _asks_too_long,
            wait=_wait,
            retry=retry_if_exception_type(_Failed),
            before_sleep=_say_retrying,
            reraise=True,
        )
        try:
            return await retrying(self._get_once, path, params)
        except _Failed as failure:
            raise failure.error() from None

    async def _get_once(self, path: str, params: dict[str, Any]) -> Any:
        try:
            response = await self.client.get(path, params=params or None)
        except httpx.TransportError as error:
            problem = f"cannot reach {self.name} at {self.url}{path}: {_describe(error)}"
            raise _Failed(problem, timed_out=isinstance(error, httpx.TimeoutException)) from None
        status = response.status_code
        if status in (401, 403):
            raise UpstreamError(f"{self.name} rejected the API key ({status} from {self.url})")
        if status >= 500 or status == 429:
            problem = f"{self.name} answered {status} for {path}: {_said(response)}"
            wait = retry_after(response)
            if wait is not None and wait > MAX_RETRY_AFTER:
                problem += f" (it asks to be asked again in {wait:.0f} s: longer than Airdate waits)"
            raise _Failed(problem, status=status, retry_after=wait)
        if response.is_error:
            raise UpstreamAnswer(f"{self.name} answered {status} for {path}: {_said(response)}", status)
        try:
            return response.json()
        except ValueError:
            raise UpstreamError(f"{self.name} at {self.url}{path} did not answer JSON") from None

    async def close(self) -> None:
        await self.client.aclose()

    async def __aenter__(self) -> "Upstream":
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()


def _said(response: httpx.Response) -> str:
    """What an error answer says: Jellyseerr's and Sonarr's JSON ``message``, else the start of the text."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip() or response.reason_phrase
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return body["message"][:200]
    return response.text[:200]


def _describe(error: httpx.TransportError) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "timed out"
    return str(error) or type(error).__name__


def retry_after(response: httpx.Response) -> float | None:
    """The seconds an answer's ``Retry-After`` asks for (a number, or an HTTP date); None without one."""
    value = response.headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # absent or malformed: the usual backoff
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _failure(state: RetryCallState) -> _Failed | None:
    error = state.outcome.exception() if state.outcome is not None else None
    return error if isinstance(error, _Failed) else None


def _asks_too_long(state: RetryCallState) -> bool:
    failure = _failure(state)
    return failure is not None and failure.retry_after is not None and failure.retry_after > MAX_RETRY_AFTER


def _wait(state: RetryCallState) -> float:
    """As long as the upstream asked (plus jitter), else the exponential backoff."""
    failure = _failure(state)
    if failure is not None and failure.retry_after is not None:
        return failure.retry_after + random.uniform(0, JITTER)
    return BACKOFF(state)


def _say_retrying(state: RetryCallState) -> None:
    delay = state.next_action.sleep if state.next_action is not None else 0.0
    log.warning("%s; retrying in %.1f s", state.outcome.exception() if state.outcome else "?", delay)
