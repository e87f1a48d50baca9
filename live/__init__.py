"""Live delivery: the shared feed, the event hub, the SSE stream and the log relay.

Imports data, never ui or api.
"""

from .feed import Snapshot, StatsFeed
from .hub import KINDS, Event, Hub, Mailbox
from .logs import LogRelay
from .sse import EventStream, hide_slow_reader_tracebacks, opening

__all__ = [
    "KINDS",
    "Event",
    "EventStream",
    "Hub",
    "LogRelay",
    "Mailbox",
    "Snapshot",
    "StatsFeed",
    "hide_slow_reader_tracebacks",
    "opening",
]
