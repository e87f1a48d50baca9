"""Calling Jellyseerr and Sonarr: one async httpx client each, API key, timeouts, retries, clear errors."""

import asyncio
import logging
from typing import Any

import httpx

log = logging.getLogger("airdate.upstream")


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
        """GET a JSON document; retries transport errors and 5xx answers with exponential backoff.

        UpstreamError when the upstream cannot be reached or refuses the key; UpstreamAnswer when it
        answered an error for this path."""
        retries = self.retries if retries is None else min(retries, self.retries)
        status, problem, timed_out = 0, "", False
        for attempt in range(retries + 1):
            try:
                response = await self.client.get(path, params=params or None)
            except httpx.TransportError as error:
                timed_out = isinstance(error, httpx.TimeoutException)
                problem = f"cannot reach {self.name} at {self.url}{path}: {_describe(error)}"
            else:
                if response.status_code in (401, 403):
                    raise UpstreamError(
                        f"{self.name} rejected the API key ({response.status_code} from {self.url})"
                    )
                if response.status_code < 500:
                    if response.is_error:
                        raise UpstreamAnswer(
                            f"{self.name} answered {response.status_code} for {path}: {_said(response)}",
                            response.status_code,
                        )
                    try:
                        return response.json()
                    except ValueError:
                        raise UpstreamError(f"{self.name} at {self.url}{path} did not answer JSON") from None
                status, timed_out = response.status_code, False
                problem = f"{self.name} answered {status} for {path}: {_said(response)}"
            if attempt < retries:
                delay = 0.5 * 2**attempt
                log.warning("%s; retrying in %.1f s", problem, delay)
                await asyncio.sleep(delay)
        if timed_out:
            raise UpstreamTimeout(problem)
        raise UpstreamAnswer(problem, status) if status else UpstreamError(problem)

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
