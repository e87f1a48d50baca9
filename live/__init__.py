"""Live delivery: the shared feed, the event hub, the SSE stream and the log relay.

Imports data, never ui or api.
"""

from .feed import LiveFeed, Snapshot
from .hub import KINDS, Event, Hub
from .logs import LogRelay
from .readers import ReaderQueue
from .sources import LiveSources
from .sse import EventStream, hide_slow_reader_tracebacks, opening
from .trends import Trends

__all__ = [
    "KINDS",
    "Event",
    "EventStream",
    "Hub",
    "LiveFeed",
    "LiveSources",
    "LogRelay",
    "ReaderQueue",
    "Snapshot",
    "Trends",
    "hide_slow_reader_tracebacks",
    "opening",
]
