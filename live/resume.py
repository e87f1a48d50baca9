"""What a new SSE stream starts with: the current snapshot, or exactly what a resuming reader missed.

Ids are the database's change-log ids (see :mod:`live.feed`), the same on every replica, so a reader
may resume on any replica with the last id it got elsewhere:

- an id this replica's window covers: the notification events after it, from memory, and the current
  stats snapshot in its place in the order of ids;
- an older id: the notification changes after it read from the database's change log, encoded exactly
  as they were when new, then the rest from memory;
- an id the log no longer reaches (pruned), an id ahead of everything this replica and the database have
  (from another database), or no number at all: ``event: reset``, then a fresh start, so the reader
  knows to reload what it keeps.

Stats are state: a resuming reader gets the newest snapshot, not every one it missed. Log lines carry
no id and are not replayed.

The stream's queue is opened *before* :func:`opening` is awaited: everything published from then on
reaches the queue, and the opening stops at what was published before, so nothing is sent twice or
lost while the database is read.
"""

import asyncio
import json
from collections.abc import Callable

from data import NotificationRow

from .feed import LiveFeed, dumps, notification_json
from .hub import NOTIFICATION, STATS, Event, Hub, encode

RESET = "reset"

History = Callable[[int, int], list[tuple[int, NotificationRow]] | None]  # Database.changes_between


async def reach(feed: LiveFeed, last_event_id: str | None) -> None:
    """Before opening a stream: read the database once if the reader saw a change this replica has not
    published yet (a write elsewhere that the announcement has not brought here)."""
    after = as_id(last_event_id)
    if after is not None and after > feed.hub.last_id:
        await feed.refresh()


async def opening(
    feed: LiveFeed, history: History, last_event_id: str | None, kinds: frozenset[str]
) -> list[bytes]:
    """The bytes a stream sends before live events (see the module's docstring)."""
    hub, current = feed.hub, feed.current
    if last_event_id is None:
        return _fresh(hub, current, kinds)
    after = as_id(last_event_id)
    if after is not None and after <= hub.last_id:
        covered = hub.complete_after
        window = _window(hub, current, max(after, covered), kinds)  # taken now: the queue has the rest
        if after >= covered or NOTIFICATION not in kinds:
            return window
        older = await asyncio.to_thread(history, after, covered)
        if older is not None:
            return [_encode(change, row) for change, row in older] + window
        why = "the database no longer keeps the events after it"
    else:
        why = "no such event here"
    reason = f"cannot resume after event {last_event_id[:40]!r} ({why}); reload and continue from here"
    reset = encode(None, RESET, json.dumps({"reason": reason, "last_event_id": hub.last_id}))
    return [reset, *_fresh(hub, feed.current, kinds)]


def as_id(text: str | None) -> int | None:
    if text is None or not text.strip().isdigit():
        return None
    try:
        return int(text)
    except ValueError:  # more digits than Python converts
        return None


def _fresh(hub: Hub, current: Event | None, kinds: frozenset[str]) -> list[bytes]:
    """The current snapshot and everything published after it."""
    if current is None:
        return []
    after = hub.events_since(current.seq) or []
    return [event.wire for event in [current, *after] if event.kind in kinds]


def _window(hub: Hub, current: Event | None, after: int, kinds: frozenset[str]) -> list[bytes]:
    """The remembered notification events after id ``after`` and the current snapshot, in id order (the
    snapshot after the changes it includes)."""
    events = [e for e in hub.remembered() if e.kind == NOTIFICATION and e.id is not None and e.id > after]
    if current is not None and current.id is not None and current.id >= after:
        events.append(current)  # (an older one, mid-burst, would move the reader's last id back)
    events.sort(key=lambda event: (event.id, event.kind == STATS))
    return [event.wire for event in events if event.kind in kinds]


def _encode(change: int, row: NotificationRow) -> bytes:
    return encode(change, NOTIFICATION, dumps(notification_json(row)))
