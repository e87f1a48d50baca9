"""Prometheus metrics: the stats as gauges, and the counters that show the feed's cost.

The feed reads the database once per tick of the app-wide timer (``airdate_feed_ticks_total``) and
once per burst of Airdate's own writes (``airdate_feed_write_wakeups_total``; commits that arrive
while a wake-up is queued join it). So ``airdate_stats_reads_total`` is at most ticks + wake-ups
(plus a re-read when more than 1,000 notification changes wait), however many viewers are connected.
"""

import asyncio
from collections.abc import Callable

from prometheus_client import Counter, Gauge, Info

from data import Stats, counters
from data.counters import Metric

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

_STAT_GAUGES: dict[str, Gauge] = {}  # by name: a gauge per name in the counters' definitions


def _gauge(metric: Metric) -> Gauge:
    """The gauge of a counter's ``metric`` (made at the first use of its name)."""
    gauge = _STAT_GAUGES.get(metric.name)
    if gauge is None:
        labels = [metric.label[0]] if metric.label else []
        gauge = _STAT_GAUGES[metric.name] = Gauge(metric.name, metric.help, labels)
    return gauge


def observe(stats: Stats) -> None:
    """Every counter that has a ``metric``, as its gauge (with its label)."""
    for counter in counters.COUNTERS:
        if counter.metric is not None:
            gauge = _gauge(counter.metric)
            if counter.metric.label:
                gauge = gauge.labels(counter.metric.label[1])
            gauge.set(getattr(stats, counter.name))


for _counter in counters.COUNTERS:  # listed in /metrics from the start, as before their first values
    if _counter.metric is not None:
        _gauge(_counter.metric)


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
