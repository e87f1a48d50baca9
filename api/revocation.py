"""Streams end when the credentials that opened them stop holding: a revoked token, a session that was
signed out or expired, an account that was removed, a proxy-vouched account removed or made viewer,
the open console once an account exists — also when another process (the command line) did it. One
check a second for all streams (a query per kind of credential), and only while streams are open."""

from collections.abc import Callable

from live import Hub
from services.async_access import AsyncAccess


class RevokedStreams:
    def __init__(self, hub: Hub, access: AsyncAccess, forget: Callable[[], None] = lambda: None) -> None:
        self.hub = hub
        self.access = access
        self.forget = forget  # the credentials' cached answers: once a stream ended, a request is refused too

    async def check(self) -> int:
        """End the streams whose credentials are gone; how many were ended."""
        owned = [(queue, queue.owner) for queue in self.hub.readers.owned()]
        if not owned:
            return 0
        holding = await self.access.still_holding({owner for _, owner in owned})
        ended = 0
        for queue, owner in owned:
            if owner not in holding:
                self.hub.close_reader(queue, "credentials revoked")
                ended += 1
        if ended:
            self.forget()
        return ended
