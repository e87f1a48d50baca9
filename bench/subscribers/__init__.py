"""Memory per idle SSE subscriber, and the cost of resuming a stream that missed 1,000 notifications.

* Memory: a real server (``main.py`` as a subprocess, stats interval 1 s, keepalive 15 s), warmed up
  with 20 connect/disconnect cycles, then holding 100 and then 1,000 idle ``/sse/stats`` streams
  opened from this process on raw asyncio sockets (request sent, headers and first event read, then
  nothing). Resident memory (``process_resident_memory_bytes``) and ``airdate_event_loop_tasks``
  come from its ``/metrics``; per subscriber is the delta from the warm baseline divided by N.
* Replay: two servers, each on its own SQLite database, after the same 1,050 notifications were
  inserted with raw SQL (so the same change ids). One keeps 1,050 events in memory, the other none
  (``AIRDATE_REPLAY_EVENTS=0``), so it serves a resume from its database's change log. Time from
  connecting to the last replayed event parsed, for streams resuming with ``Last-Event-ID`` after the
  newest 1,000 notifications (from memory, with and without ``?events=notification``; from the
  database), next to a fresh stream's time to its first event; plus the in-process cost of
  ``live.resume.opening`` for 1,000 missed notifications, from memory and from the change log.

The package: :mod:`.idle_memory`; the replay in :mod:`.resume_http` (two servers),
:mod:`.resume_in_process` (``opening()``) and :mod:`.replay_report` (their sections), on the
notifications of :mod:`.missed`; the servers' ``/metrics`` read by :mod:`.metrics`.
"""

from pathlib import Path

from ..report import Section
from .idle_memory import memory
from .replay_report import replay

__all__ = ["memory", "replay", "run"]


def run(folder: Path) -> list[Section]:
    """Both measurements, in a fresh sub-folder of ``folder`` each."""
    for name in ("memory", "replay"):
        (folder / name).mkdir()
    return [memory(folder / "memory"), *replay(folder / "replay")]
