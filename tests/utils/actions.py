"""Actions whose pace a test sets."""

import asyncio
from dataclasses import dataclass, field

from services.progress import Progress


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
