"""What "Live" delivers: every event, at most one delivery a second."""

import asyncio

from nicegui.testing import User

from live import Event, Hub
from live.hub import NOTIFICATION
from ui.live_view import LIVE_PACE, LiveView

from ..utils.pages import open_dashboard
from ..utils.waiting import eventually


class Deliveries:
    """A live widget that notes which events each delivery brought, and when."""

    def __init__(self) -> None:
        self.batches: list[tuple[float, list[int]]] = []
        self.open = False  # events taken in one go (one callback of the loop) are one delivery

    def take(self, event: Event) -> None:
        loop = asyncio.get_running_loop()
        if not self.open:
            self.open = True
            self.batches.append((loop.time(), []))
            loop.call_soon(setattr, self, "open", False)
        self.batches[-1][1].append(event.seq)

    async def reload(self) -> None:
        raise AssertionError("nothing was missed: no reload")

    @property
    def seqs(self) -> list[int]:
        return [seq for _, batch in self.batches for seq in batch]


async def test_live_draws_a_burst_in_one_delivery_and_loses_no_event(user: User) -> None:
    await open_dashboard(user)
    hub, widget = Hub(), Deliveries()
    with user.client:
        view = LiveView(hub, "live")
        view.add(widget)
        view.start()  # the page was drawn (delivered) just now
    started = asyncio.get_running_loop().time()
    for _ in range(5):
        hub.publish(NOTIFICATION, "{}")
    assert widget.seqs == [], "a burst within a second of the last delivery waits for that second's end"
    await eventually(lambda: widget.seqs == [1, 2, 3, 4, 5], within=LIVE_PACE + 3)
    ((delivered, _),) = widget.batches  # one delivery: one websocket message, one browser frame
    assert delivered - started >= LIVE_PACE * 0.9

    hub.publish(NOTIFICATION, "{}")
    assert widget.seqs == [1, 2, 3, 4, 5], "paced from the last delivery too"
    await eventually(lambda: widget.seqs == [1, 2, 3, 4, 5, 6], within=LIVE_PACE + 3)
