"""Redraw a viewer's widget at most once per interval, whatever the rate of the changes behind it."""

import asyncio
from collections.abc import Callable


class Pacer:
    """Calls at once when the last call is ``every`` seconds past, else once at the end of the interval.

    Each redraw of a live widget is a websocket message and a browser frame (layout, paint, raster): a
    job's progress drew a frame per step in every open dashboard, as many as the screen's 60 a second.
    Paced, a burst of changes is one redraw now and one with the latest state when the interval ends;
    nothing is lost, only what nobody could have read in between.
    """

    def __init__(self, every: float) -> None:
        self.every = every
        self._last = float("-inf")
        self._pending: Callable[[], None] | None = None
        self._timer: asyncio.TimerHandle | None = None

    def call(self, draw: Callable[[], None]) -> None:
        loop = asyncio.get_running_loop()
        wait = self._last + self.every - loop.time()
        if wait <= 0 and self._timer is None:
            self._last = loop.time()
            draw()
            return
        self._pending = draw  # the latest state wins
        if self._timer is None:
            self._timer = loop.call_later(max(wait, 0.0), self._run)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._pending = None, None

    def _run(self) -> None:
        draw, self._timer, self._pending = self._pending, None, None
        self._last = asyncio.get_running_loop().time()
        if draw is not None:
            draw()
