"""Actions whose pace a test sets, and running one through the REST API."""

import asyncio
from dataclasses import dataclass, field

import httpx

from services.progress import Progress

from .waiting import eventually


async def run_action(client: httpx.AsyncClient, action: str, within: float = 20) -> dict:
    """Start ``action`` through the REST API and poll its job until it ends, as a program would."""
    job = (await client.post(f"/api/actions/{action}")).json()

    async def ended() -> bool:
        job.update((await client.get(f"/api/jobs/{job['id']}")).json())
        return job["status"] != "running"

    await eventually(ended, within=within, what=f"{action} ends")
    return job


@dataclass
class HeldAction:
    """An action that does one of its three items, then waits for the test to let it finish."""

    release: asyncio.Event = field(default_factory=asyncio.Event)
    runs: int = 0

    async def __call__(self, progress: Progress) -> Progress:
        self.runs += 1
        progress.total = 3
        progress.step("created")
        await self.release.wait()
        progress.step("created", 2)
        return progress
