"""Times are the same instants whatever time zone the database session runs in."""

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from data import Database, samples, schema
from data.changes import recent_notifications
from data.counters import read_stats

from ..utils.factories import land_episode, make_tracked_show, send_all_pending


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_tokyo_session_and_a_utc_session_read_the_same_instants(airdate_env: str) -> None:
    def session_in(zone: str) -> Database:
        return Database(f"{airdate_env}?options={quote(f'-c timezone={zone}')}")

    tokyo, utc = session_in("Asia/Tokyo"), session_in("UTC")
    schema.upgrade(tokyo)
    before = datetime.now(UTC)
    make_tracked_show(tokyo, tmdb_id=1, requesters=1)
    land_episode(tokyo, 1)
    send_all_pending(utc)
    with tokyo.engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW timezone").scalar_one() == "Asia/Tokyo"

    seen = [database.read(recent_notifications)[0] for database in (tokyo, utc)]
    assert seen[0] == seen[1]
    for row in seen:
        assert row.created_at.utcoffset() == timedelta(0) and row.sent_at.utcoffset() == timedelta(0)
        assert before - timedelta(seconds=5) < row.created_at <= row.sent_at < before + timedelta(minutes=1)
    tokyo.write_quietly(samples.record, before, tokyo.read(read_stats))
    assert tokyo.read(samples.series, before - timedelta(hours=1), before, ("users",), 10) == utc.read(
        samples.series, before - timedelta(hours=1), before, ("users",), 10
    )
    for database in (tokyo, utc):
        database.dispose()
