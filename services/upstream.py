"""Calling Jellyseerr and Sonarr: one async httpx client each, API key, timeouts, retries, clear errors."""

import asyncio
import logging
from typing import Any

import httpx

log = logging.getLogger("airdate.upstream")


class UpstreamError(Exception):
    """A call to Jellyseerr or Sonarr failed; the message says what to fix."""


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

    async def get(self, path: str, **params: Any) -> Any:
        """GET a JSON document; retries transport errors and 5xx answers with exponential backoff."""
        for attempt in range(self.retries + 1):
            try:
                response = await self.client.get(path, params=params or None)
            except httpx.TransportError as error:
                problem = f"cannot reach {self.name} at {self.url}{path}: {_describe(error)}"
            else:
                if response.status_code in (401, 403):
                    raise UpstreamError(
                        f"{self.name} rejected the API key ({response.status_code} from {self.url})"
                    )
                if response.status_code < 500:
                    if response.is_error:
                        detail = response.text[:200]
                        raise UpstreamError(
                            f"{self.name} answered {response.status_code} for {self.url}{path}: {detail}"
                        )
                    try:
                        return response.json()
                    except ValueError:
                        raise UpstreamError(f"{self.name} at {self.url}{path} did not answer JSON") from None
                problem = f"{self.name} at {self.url}{path} answered {response.status_code}"
            if attempt < self.retries:
                delay = 0.5 * 2**attempt
                log.warning("%s; retrying in %.1f s", problem, delay)
                await asyncio.sleep(delay)
        raise UpstreamError(problem)

    async def close(self) -> None:
        await self.client.aclose()

    async def __aenter__(self) -> "Upstream":
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()


def _describe(error: httpx.TransportError) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "timed out"
    return str(error) or type(error).__name__
