"""Live delivery: the shared feed, the event hub, the SSE stream and the log relay.

Imports data, never ui or api.
"""

from .feed import LiveFeed, Snapshot, tiles
from .hub import KINDS, Event, Hub
from .log_relay import LogRelay
from .readers import ReaderQueue
from .resume import History, opening, reach
from .sources import LiveSources
from .sse import EventStream, hide_slow_reader_tracebacks
from .trends import Trends

__all__ = [
    "KINDS",
    "Event",
    "EventStream",
    "History",
    "Hub",
    "LiveFeed",
    "LiveSources",
    "LogRelay",
    "ReaderQueue",
    "Snapshot",
    "Trends",
    "hide_slow_reader_tracebacks",
    "opening",
    "reach",
    "tiles",
]
