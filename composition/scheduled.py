"""Scheduled work that one replica at a time does (the holder of its lease; see
:class:`services.one_replica.OneReplica`): pruning the change log and the sign-ins, the chart samples,
and the scheduled sync with Jellyseerr and Sonarr."""

from functools import partial

from nicegui import app, run

from data import changes
from services.actions import scheduled_sync
from services.jobs import SCHEDULE
from services.one_replica import OneReplica, Work

from .airdate import Airdate


def schedule_on_one_replica(airdate: Airdate) -> None:
    """Scheduled work that one replica at a time does (the holder of its lease; see OneReplica)."""
    settings, database = airdate.settings, airdate.database
    one = OneReplica(database, airdate.runtime.replica_name)
    scheduled: list[tuple[str, float, Work, bool]] = [
        ("prune-change-log", 3600, lambda: run.io_bound(database.write_quietly, changes.prune), True),
        ("chart-samples", 60, airdate.live.samples.write, False),
        ("thin-chart-samples", 3600, airdate.live.samples.thin, True),
        ("prune-sign-ins", 3600, airdate.identities.access.prune, True),
    ]
    in_turn = scheduled_sync(bool(settings.jellyseerr.url), bool(settings.sonarr.url))
    if in_turn and settings.upstream.sync_interval > 0:
        sync = partial(airdate.jobs.run_in_turn, in_turn, started_by=SCHEDULE)
        scheduled.append(("scheduled-sync", settings.upstream.sync_interval, sync, False))
    for name, every, work, immediate in scheduled:
        app.timer(every, one.alone(name, every, work), immediate=immediate)
    app.on_shutdown(one.release_all)
