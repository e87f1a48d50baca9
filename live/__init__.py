"""Live delivery: the shared stats feed, the event hub and the SSE stream. Imports data, never ui/api."""

from .feed import Snapshot, StatsFeed
from .hub import Event, Hub, Mailbox
from .sse import EventStream

__all__ = ["Event", "EventStream", "Hub", "Mailbox", "Snapshot", "StatsFeed"]
