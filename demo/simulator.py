"""The demo's simulator: one believable event per step, delivered the way the real services would.

It adds users and requests to the stand-in Jellyseerr and asks Airdate to sync (through Airdate's REST
API), imports episodes into the stand-in Sonarr and sends Airdate Sonarr's webhook, all over real
HTTP. Airdate's own mailer then sends the e-mails to the sink.
"""

import asyncio
import logging
from datetime import UTC, datetime

import httpx

from data.models import JobStatus

from .world import FIRST_NAMES, SEASON_LENGTH, SHOWS, WEBHOOK_SECRET, DemoWorld, following

log = logging.getLogger("airdate.demo")


class Simulator:
    """One believable event per step, delivered to Airdate over HTTP as the real services would."""

    def __init__(self, world: DemoWorld, airdate_url: str, token: str) -> None:
        self.world = world
        self.client = httpx.AsyncClient(
            base_url=airdate_url, timeout=10, headers={"Authorization": f"Bearer {token}"}
        )

    async def start(self) -> None:
        """What an admin does first: sync users and requests, then import what Sonarr already has and read
        what its calendar lists to air."""
        for action in ("sync-users", "sync-requests", "import-episodes", "read-calendar"):
            await self.run(action)

    async def run(self, action: str) -> dict:
        """Start an action through Airdate's REST API and wait for its job to finish."""
        job = (await self.client.post(f"/api/actions/{action}")).json()
        while job["status"] == JobStatus.RUNNING:
            await asyncio.sleep(0.1)
            job = (await self.client.get(f"/api/jobs/{job['id']}")).json()
        return job

    async def step(self) -> None:
        chance = self.world.rng.random()
        if chance < 0.05:
            await self._delete_a_request()
        elif chance < 0.08:
            await self._tmdb_hiccup()
        elif chance < 0.3:
            await self._new_request()
        else:
            await self._new_episode()

    async def _delete_a_request(self) -> None:
        """Someone deletes a request in Jellyseerr: the next sync marks it removed."""
        jellyseerr = self.world.jellyseerr
        if len(jellyseerr.requests) > 8:
            request = self.world.rng.choice(jellyseerr.requests)
            jellyseerr.delete_request(request)
            log.info("request %d was deleted in Jellyseerr", request["id"])
            await self.run("sync-requests")

    async def _tmdb_hiccup(self) -> None:
        """TMDB fails for one title for a while (Jellyseerr answers 500): a sync notes it and goes on."""
        jellyseerr = self.world.jellyseerr
        if jellyseerr.failing_titles:
            jellyseerr.failing_titles.clear()
        else:
            jellyseerr.failing_titles.add(("tv", self.world.rng.choice(SHOWS)[0]))
        await self.run("sync-requests")

    async def _new_request(self) -> None:
        users = self.world.jellyseerr.users
        if len(users) < len(FIRST_NAMES) and self.world.rng.random() < 0.3:
            user = self.world.add_user(FIRST_NAMES[len(users)])
        else:
            user = self.world.rng.choice(users)
        title = self.world.request(user)
        log.info("%s requested %s in Jellyseerr", user["displayName"], title)
        await self.run("sync-users")
        await self.run("sync-requests")

    async def _new_episode(self) -> None:
        """The show's next episode lands: the one Sonarr listed to air soon airs now (time runs fast
        here), and the next one is listed."""
        sonarr = self.world.sonarr
        series = self.world.rng.choice(sonarr.series)
        season, number = following(*self.world.newest_landed(series))
        finale = "season" if number == SEASON_LENGTH else None
        title = self.world.episode_title()
        if sonarr.find(series, season, number) is not None:
            sonarr.move(series, season, number, datetime.now(UTC))
        payload = sonarr.add_episode(series, season, number, title, finale=finale)
        self.world.plan_upcoming(series)
        response = await self.client.post("/webhooks/sonarr", params={"secret": WEBHOOK_SECRET}, json=payload)
        response.raise_for_status()

    async def close(self) -> None:
        await self.client.aclose()
