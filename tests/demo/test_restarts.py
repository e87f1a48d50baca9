"""The demo restarted on its own database, twice: new episodes keep coming, and every channel keeps
getting them (its json:// channels follow the webhook sink to its new port)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from ..utils.server import Server
from ..utils.sql import query
from ..utils.waiting import eventually

pytestmark = pytest.mark.slow

SENT = "SELECT count(*) FROM notifications WHERE status = 'sent' AND id > {after} AND channel_id IS {which}"


@pytest.fixture
def demo(airdate_env: str, tmp_path: Path) -> Iterator[tuple[Server, str]]:
    url = f"sqlite:///{tmp_path}/demo.sqlite3"
    settings = {"demo": "true", "demo_interval": "0.2", "stats_interval": "0.5", "grouping_delay": "0"}
    running = Server(airdate_env, {**settings, "demo_database_url": url})
    yield running, url
    running.stop()


def newest_notification(url: str) -> int:
    return query(url, "SELECT coalesce(max(id), 0) FROM notifications")[0][0]


async def sent_after(url: str, after: int) -> None:
    """New notifications (ids above ``after``) are sent, by e-mail and on a json:// channel."""
    for which, what in (("NULL", "by e-mail"), ("NOT NULL", "on a json:// channel")):
        statement = SENT.format(after=after, which=which)
        await eventually(lambda s=statement: query(url, s)[0][0] > 0, within=60, what=f"new ones sent {what}")


async def test_a_demo_restarted_twice_keeps_notifying_on_every_channel(demo: tuple[Server, str]) -> None:
    server, url = demo
    server.start()
    await sent_after(url, 0)
    to_come = "SELECT count(*) FROM scheduled_episodes WHERE air_at > CURRENT_TIMESTAMP"
    await eventually(lambda: query(url, to_come)[0][0] >= 2, what="episodes listed to air (Upcoming)")
    ruled = "SELECT username, episode_rule FROM users WHERE episode_rule <> 'each' ORDER BY username"
    expected = [("elif", "season_complete"), ("farah", "premieres")]
    await eventually(
        lambda: query(url, ruled) == expected, what="a premieres-only and a season-complete user"
    )
    following = "SELECT u.username FROM follows f JOIN users u ON u.id = f.user_id"
    await eventually(lambda: query(url, following) == [("gustav",)], what="a follower of a show")
    for _ in range(2):
        server.stop()
        before = newest_notification(url)
        server.start()
        await sent_after(url, before)
    failed = query(url, "SELECT count(*) FROM notifications WHERE status = 'failed'")[0][0]
    assert failed == 0, query(
        url, "SELECT last_error FROM notifications WHERE last_error IS NOT NULL LIMIT 3"
    )
