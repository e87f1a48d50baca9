"""Prometheus metrics: the stats as gauges, and the counters that show the feed's cost.

The feed reads the database once per tick of the app-wide timer (``airdate_feed_ticks_total``) and
once per burst of Airdate's own writes (``airdate_feed_write_wakeups_total``; commits that arrive
while a wake-up is queued join it). So ``airdate_stats_reads_total`` is at most ticks + wake-ups
(plus a re-read when more than 1,000 notification changes wait), however many viewers are connected.
"""

import asyncio
from collections.abc import Callable

from prometheus_client import Counter, Gauge, Info

from data import Stats

STATS_READS = Counter("airdate_stats_reads", "Reads of the stats counters from the database")
FEED_TICKS = Counter("airdate_feed_ticks", "Ticks of the app-wide stats timer")
EVENTS_PUBLISHED = Counter("airdate_events_published", "Events published to every viewer and stream")
ANNOUNCEMENTS = Counter(
    "airdate_feed_announcements", "Change announcements from PostgreSQL (LISTEN/NOTIFY) that woke the feed"
)
WRITE_WAKEUPS = Counter("airdate_feed_write_wakeups", "Reads asked for by Airdate's own commits (coalesced)")
SSE_SUBSCRIBERS = Gauge("airdate_sse_subscribers", "Open /sse/stats streams")
DASHBOARD_CLIENTS = Gauge("airdate_dashboard_clients", "Browser or native pages subscribed to the feed")
PAGES_HELD = Gauge(
    "airdate_pages_held", "Console pages the server holds (connected, or built and not yet let go)"
)
EVENT_LOOP_TASKS = Gauge("airdate_event_loop_tasks", "Tasks alive on the server's event loop")
PAGES_TURNED_AWAY = Counter("airdate_pages_turned_away", "Page requests answered 503 because too many waited")

REPLICA = Info("airdate_replica", "The Airdate process that answers (AIRDATE_REPLICA_NAME or its host name)")

USERS = Gauge("airdate_users", "Users")
REQUESTS = Gauge("airdate_requests", "Media requests", ["kind"])
EPISODES = Gauge("airdate_episodes_tracked", "Episodes tracked")
NOTIFICATIONS = Gauge("airdate_notifications", "Notifications", ["status"])


def observe(stats: Stats) -> None:
    USERS.set(stats.users)
    for kind in ("total", "movies", "tv", "tracking"):
        REQUESTS.labels(kind).set(getattr(stats, f"requests_{kind}"))
    EPISODES.set(stats.episodes_tracked)
    for status in ("total", "pending", "sending", "sent", "failed", "skipped"):
        NOTIFICATIONS.labels(status).set(getattr(stats, f"notifications_{status}"))


def name_replica(name: str) -> None:
    """``airdate_replica_info{name="<name>"} 1``: which replica a scrape reached."""
    REPLICA.info({"name": name})


def watch_viewers(sse_subscribers: Callable[[], int], dashboard_clients: Callable[[], int]) -> None:
    SSE_SUBSCRIBERS.set_function(sse_subscribers)
    DASHBOARD_CLIENTS.set_function(dashboard_clients)
    EVENT_LOOP_TASKS.set_function(_tasks_alive)


def _tasks_alive() -> int:
    try:
        return len(asyncio.all_tasks())
    except RuntimeError:  # scraped outside the event loop
        return 0
