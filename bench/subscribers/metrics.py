"""A server's ``/metrics`` as the subscriber benchmarks read it: several values from one scrape, and
waiting until one of them reaches a value."""

import asyncio
import time

import httpx

GAUGE = "airdate_sse_subscribers"


async def scrape(client: httpx.AsyncClient, *names: str) -> list[float]:
    """Several metrics from ONE scrape of ``/metrics``, so that they are taken together."""
    values = {}
    for line in (await client.get("/metrics")).text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return [values[name] for name in names]


async def wait_for(client: httpx.AsyncClient, name: str, value: float, within: float = 60) -> float:
    """Poll a metric until it equals ``value``; the seconds it took."""
    started = time.monotonic()
    while (await scrape(client, name))[0] != value:
        if time.monotonic() - started > within:
            raise TimeoutError(f"{name} did not reach {value} within {within} s")
        await asyncio.sleep(0.05)
    return time.monotonic() - started
