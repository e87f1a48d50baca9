"""Log events say which replica logged them (several Airdate processes may share one database)."""

import logging

from live import Hub, LogRelay
from live.hub import LOG


async def test_a_log_event_names_its_replica() -> None:
    hub = Hub()
    relay = LogRelay(hub, logging.INFO, replica="airdate2")
    relay.attach()
    try:
        logging.getLogger("airdate.test").warning("disk almost full")
    finally:
        relay.detach()
    (event,) = hub.recent(LOG, 1)
    assert event.payload["message"] == "disk almost full"
    assert event.payload["replica"] == "airdate2"
    assert '"replica":"airdate2"' in event.wire.decode().replace(" ", "")
