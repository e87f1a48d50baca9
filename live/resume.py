"""What a new SSE stream starts with: the current snapshot, or exactly what a resuming reader missed.

Ids are the database's change-log ids (see :mod:`live.feed`), the same on every replica, so a reader
may resume on any replica with the last id it got elsewhere:

- an id this replica's window covers: the notification events after it, from memory, and the current
  stats snapshot in its place in the order of ids;
- an older id: the notification changes after it read from the database's change log, encoded exactly
  as they were when new, then the rest from memory;
- an id the log no longer reaches (pruned), more than :data:`MAX_FROM_DATABASE` changes back, ahead of
  everything this replica and the database have (from another database), or no number at all; or a
  database that cannot be read just now: ``event: reset`` (carrying the id to continue from), then a
  fresh start, so the reader knows to reload what it keeps.

Stats are state: a resuming reader gets the newest snapshot, not every one it missed. Log lines carry
no id and are not replayed.

The stream's queue is opened *before* :func:`opening` is awaited: everything published from then on
reaches the queue, and the opening takes what was published before (the window and the fresh start,
before its first await), so nothing is sent twice or lost while the database is read. The database's
part is read and encoded in a worker thread.
"""

import asyncio
import json
from collections.abc import Callable

from data import NotificationRow
from data.changes import KEEP_ROWS
from data.errors import first_line

from .feed import LiveFeed, dumps, notification_json
from .hub import NOTIFICATION, STATS, Event, Hub, encode

RESET = "reset"
MAX_FROM_DATABASE = KEEP_ROWS  # changes a resume may read from the log (it keeps at least this many)

History = Callable[
    [int, int], list[tuple[int, NotificationRow]] | None
]  # data.changes.changes_between, in a session


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
    fresh = _fresh(hub, current, kinds)  # taken now, like the window: the queue has what comes later
    if last_event_id is None:
        return fresh
    newest = hub.last_id
    after = as_id(last_event_id)
    if after is None or after > newest:
        return [_reset(last_event_id, "no such event here", newest), *fresh]
    covered, remembered = hub.window()
    window = _window(remembered, current, max(after, covered), kinds)
    if after >= covered or NOTIFICATION not in kinds:
        return window
    if covered - after > MAX_FROM_DATABASE:
        return [_reset(last_event_id, f"more than {MAX_FROM_DATABASE:,} changes ago", newest), *fresh]
    try:
        older = await asyncio.to_thread(_encoded, history, after, covered)
    except Exception as error:  # the database is down: the reader reloads later rather than waits
        why = f"the database cannot be read now: {first_line(error)}"
        return [_reset(last_event_id, why, newest), *fresh]
    if older is None:
        return [_reset(last_event_id, "the database no longer keeps the events after it", newest), *fresh]
    return older + window


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


def _window(remembered: list[Event], current: Event | None, after: int, kinds: frozenset[str]) -> list[bytes]:
    """The remembered notification events after id ``after`` and the current snapshot, in id order (the
    snapshot after the changes it includes)."""
    events = [e for e in remembered if e.kind == NOTIFICATION and e.id is not None and e.id > after]
    if current is not None and current.id is not None and current.id >= after:
        events.append(current)  # (an older one, mid-burst, would move the reader's last id back)
    events.sort(key=lambda event: (event.id, event.kind == STATS))
    return [event.wire for event in events if event.kind in kinds]


def _encoded(history: History, after: int, until: int) -> list[bytes] | None:
    """The changes in (after, until] as the events they made when new (in a worker thread)."""
    changes = history(after, until)
    if changes is None:
        return None
    return [encode(change, NOTIFICATION, dumps(notification_json(row))) for change, row in changes]


def _reset(last_event_id: str, why: str, newest: int) -> bytes:
    """``event: reset``, with the id to continue from: a reader of notifications only, which gets no
    snapshot after it, would otherwise send the same unusable id again at its next reconnect."""
    reason = f"cannot resume after event {last_event_id[:40]!r} ({why}); reload and continue from here"
    return encode(newest, RESET, json.dumps({"reason": reason, "last_event_id": newest}))
