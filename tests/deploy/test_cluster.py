"""Issue 13: several replicas behind nginx on one PostgreSQL, and every viewer sees every change.

The cluster as deployed (conftest.py: PostgreSQL, airdate1..3, nginx running the shipped config), 50
programs following ``/sse/stats`` through nginx the way a browser's EventSource does (nginx spreads
``/sse/`` over the replicas; ``X-Airdate-Replica`` says which one streams), and an admin's dashboard in
Chromium. Notifications are created two ways at once: Sonarr's webhook through replica 1 (nginx routes
it there by the ``airdate_replica`` cookie) and raw SQL from another program. Then:

1. every follower gets every new notification once, all in the change log's order and with its ids;
   the dashboard's tiles reach the final counts; the write → event latency on replicas 2 and 3 is printed;
2. one replica is killed (SIGKILL) while writes go on: its followers reconnect through nginx to the others
   with ``Last-Event-ID`` and miss nothing; the dashboard, whose page was on it, reloads onto another;
3. all three are restarted one at a time (SIGTERM, start on the same port, healthy) while writes go on:
   nothing is lost, and nginx answers no 5xx except for the replica being restarted, while it restarts.

The id contract: a ``notification`` event's id is its change-log id (``notification_changes.id``), the
same on every replica; resuming with ``Last-Event-ID`` on any replica yields every notification event
after it exactly once, in order, then the current stats (``event: reset`` only if the log was pruned).
"""

import asyncio
import contextlib
import itertools
import math
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field

import httpx
import psycopg
import pytest
import pytest_asyncio
from playwright.async_api import Locator, Page, async_playwright, expect

from standins.nginx import Access

from ..browser.conftest import ARGS, CHROMIUM
from ..utils.sse import EventSource
from ..utils.waiting import eventually
from .conftest import JOB_LEASE, NAMES, PASSWORD, WEBHOOK_SECRET, Cluster

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),  # the followers and the browser live across tests
    pytest.mark.slow,
]

FOLLOWERS = 50
WRITER = "airdate1"  # the webhook goes to this replica (by the cookie nginx routes on)
PINNED = "airdate2"  # the dashboard's replica (its browser's cookie names it): the one test 2 kills
SHOW = {
    "id": 1,
    "title": "Cluster Show",
    "tmdbId": 4242,
    "tvdbId": 84242,
    "path": "/tv/c",
    "type": "standard",
}
RATE = 12  # writes a second of each kind while replicas go away: a steady trickle, not a flood
SETTLE = 15  # seconds everyone gets to catch up once the writes stopped
INSERT = (
    "INSERT INTO notifications (user_id, subject, body, status, attempts, created_at) "
    "VALUES (%s, %s, 'written by another program', 'pending', 0, CURRENT_TIMESTAMP)"
)


# --- who watches -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    id: int | None
    subject: str
    status: str
    at: float  # time.monotonic() when this follower parsed it
    replica: str | None  # the replica whose stream carried it


@dataclass
class Follower:
    """A program following the live stream through nginx, resuming like a browser."""

    number: int
    source: EventSource
    notifications: list[Received] = field(default_factory=list)
    resets: list[str] = field(default_factory=list)
    stats: int = 0
    seen: Counter[str] = field(default_factory=Counter)
    error: BaseException | None = None

    async def follow(self) -> None:
        try:
            async for message in self.source.messages():
                if message.event == "notification":
                    body = message.json()
                    got = Received(
                        message.id, body["subject"], body["status"], time.monotonic(), self.replica
                    )
                    self.notifications.append(got)
                    self.seen[got.subject] += 1
                elif message.event == "reset":
                    self.resets.append(message.data)
                elif message.event == "message" and message.data:
                    self.stats += 1
        except Exception as error:  # a refused reconnection: a browser would have given up too
            self.error = error

    @property
    def replica(self) -> str | None:
        return self.source.replica

    def has_all(self, subjects: Iterable[str]) -> bool:
        return all(subject in self.seen for subject in subjects)

    def got(self, subjects: set[str]) -> list[Received]:
        return [received for received in self.notifications if received.subject in subjects]

    def describe(self) -> str:
        hops = " → ".join(f"{c.replica}({c.ended or 'open'})" for c in self.source.connections)
        return f"follower {self.number} [{hops}]"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def audience(cluster: Cluster) -> AsyncIterator[list[Follower]]:
    bearer = {"Authorization": f"Bearer {cluster.token}"}
    followers = [
        Follower(n, EventSource(f"{cluster.nginx.url}/sse/stats", headers=bearer)) for n in range(FOLLOWERS)
    ]
    tasks = [asyncio.create_task(follower.follow()) for follower in followers]
    try:
        await eventually(
            lambda: all(f.stats or f.error for f in followers), within=20, what="every follower's first stats"
        )
        assert [f.describe() for f in followers if f.error] == []
        assert {f.replica for f in followers} == set(NAMES), "nginx spreads the streams over every replica"
        yield followers
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


@dataclass
class Dashboard:
    page: Page
    said: list[str]  # the page's console (NiceGUI says why it reloads)
    loads: list[float]  # time.monotonic() of each load of the page

    def tile(self, title: str) -> Locator:
        return self.page.get_by_role("group", name=title).locator(".text-3xl")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def dashboard(cluster: Cluster) -> AsyncIterator[Dashboard]:
    """The admin alice's dashboard in Chromium, through nginx, on PINNED (her browser was there before)."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium)")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = await chromium.new_context(locale="en-US")
        await context.add_cookies([{"name": "airdate_replica", "value": PINNED, "url": cluster.nginx.url}])
        page = await context.new_page()
        shown = Dashboard(page, [], [])
        page.on("console", lambda message: shown.said.append(message.text))
        page.on("load", lambda _: shown.loads.append(time.monotonic()))
        await page.goto(f"{cluster.nginx.url}/login?next=/")
        await page.get_by_role("textbox", name="User name").fill("alice")
        await page.get_by_role("textbox", name="Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_text("signed in as alice (admin)")).to_be_visible(timeout=10_000)
        await expect(page.get_by_text(f"served by {PINNED}")).to_be_visible()
        try:
            yield shown
        finally:
            await context.close()
            await chromium.close()


# --- who writes --------------------------------------------------------------------------------------


class Pace:
    """A load's shape, not a wait for a result: at most ``per_second`` turns a second, on a fixed
    schedule, shared by every loop that takes turns from it."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1 / per_second
        self.turns = 0
        self.started: float | None = None

    async def turn(self) -> None:
        loop = asyncio.get_running_loop()
        if self.started is None:
            self.started = loop.time()
        slot = self.started + self.turns * self.interval
        self.turns += 1
        await asyncio.sleep(max(0.0, slot - loop.time()))


@dataclass
class Writer:
    """Creates notifications through Sonarr's webhook (one requester: one notification per new
    episode) and by raw SQL, and remembers when each write returned (time.monotonic())."""

    api: httpx.AsyncClient
    sql: list[psycopg.AsyncConnection]  # one per lane: a connection runs one statement at a time
    raw_user: int
    written: dict[str, float] = field(default_factory=dict)
    retried: list[str] = field(default_factory=list)  # 5xx answers to the webhook (Sonarr would retry)

    async def by_webhook(self, season: int, number: int) -> None:
        body = {
            "eventType": "Download",
            "series": SHOW,
            "episodes": [{"seasonNumber": season, "episodeNumber": number, "title": f"Episode {number}"}],
        }
        for _ in range(5):
            answer = await self.api.post("/webhooks/sonarr", params={"secret": WEBHOOK_SECRET}, json=body)
            if answer.status_code < 500:
                break
            self.retried.append(f"{answer.status_code} from {answer.headers.get('x-airdate-replica')}")
        assert answer.status_code == 200, answer.text
        result = answer.json()  # "known": a retry after nginx gave the request to a second replica
        assert (result["new"] + result["known"], result["untracked"]) == (1, 0), result
        self.written[f"New episode: {SHOW['title']} S{season:02d}E{number:02d}"] = time.monotonic()

    async def by_sql(self, lane: int, season: int, number: int) -> None:
        subject = f"Raw S{season:02d} #{number}"
        await self.sql[lane].execute(INSERT, (self.raw_user, subject))  # autocommit: committed on return
        self.written[subject] = time.monotonic()

    async def run(
        self, season: int, *, each: int | None = None, stop: asyncio.Event | None = None, rate: float = 0
    ) -> set[str]:
        """Both kinds at once, two lanes each: ``each`` of both, or until ``stop`` is set; at most ``rate``
        of each kind a second if given. Returns the subjects written."""
        before = set(self.written)
        numbers = {"webhook": iter(range(1, 10**6)), "sql": iter(range(1, 10**6))}
        paces = {kind: Pace(rate) if rate else None for kind in numbers}

        async def lane(kind: str, lane: int) -> None:
            for number in numbers[kind]:
                if (each is not None and number > each) or (stop is not None and stop.is_set()):
                    return
                if (pace := paces[kind]) is not None:
                    await pace.turn()
                if kind == "webhook":
                    await self.by_webhook(season, number)
                else:
                    await self.by_sql(lane, season, number)

        await asyncio.gather(*(lane(kind, n) for kind in numbers for n in range(2)))
        return set(self.written) - before


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def writer(cluster: Cluster) -> AsyncIterator[Writer]:
    """A requester of the show (for the webhook) and a user for raw rows, seeded by raw SQL."""
    database = cluster.replicas[WRITER]
    database.sql(
        "INSERT INTO users (username, email, created_at) VALUES "
        "('fan', 'fan@example.org', CURRENT_TIMESTAMP), ('raw', 'raw@example.org', CURRENT_TIMESTAMP)",
        "INSERT INTO media_requests (media_type, title, tmdb_id, tvdb_id, status, requester_id, created_at) "
        f"SELECT 'tv', '{SHOW['title']}', {SHOW['tmdbId']}, {SHOW['tvdbId']}, 'approved', id, "
        "CURRENT_TIMESTAMP FROM users WHERE username = 'fan'",
    )
    [(raw_user,)] = database.query("SELECT id FROM users WHERE username = 'raw'")
    address = cluster.database_url.replace("+psycopg", "")
    connections = [await psycopg.AsyncConnection.connect(address, autocommit=True) for _ in range(2)]
    cookie = {"airdate_replica": WRITER}
    async with httpx.AsyncClient(base_url=cluster.nginx.url, cookies=cookie, timeout=10) as api:
        try:
            yield Writer(api, connections, raw_user)
        finally:
            for connection in connections:
                await connection.close()


# --- what everyone must have seen --------------------------------------------------------------------


def change_log(cluster: Cluster, subjects: set[str]) -> list[tuple[int, str]]:
    """(change id, subject) of each notification's creation among ``subjects``, in the log's order."""
    rows = cluster.replicas[WRITER].query(
        "SELECT c.id, n.subject FROM notification_changes c JOIN notifications n ON n.id = c.notification_id "
        "WHERE c.status = 'pending' ORDER BY c.id"
    )
    return [(change, subject) for change, subject in rows if subject in subjects]


async def caught_up(followers: list[Follower], subjects: set[str]) -> None:
    """Wait until every follower has every one of ``subjects``, or SETTLE seconds; the assertions after
    this say who lacks what."""
    with contextlib.suppress(AssertionError):
        await eventually(lambda: all(f.has_all(subjects) for f in followers), within=SETTLE)


def assert_each_once_in_the_logs_order(
    followers: list[Follower], subjects: set[str], log: list[tuple[int, str]]
) -> None:
    assert len(log) == len(subjects), "each write created one notification"
    problems = []
    for follower in followers:
        got = follower.got(subjects)
        counts = Counter(received.subject for received in got)
        missing = sorted(subjects - set(counts))
        twice = sorted(subject for subject, count in counts.items() if count > 1)
        if follower.error or follower.resets or missing or twice:
            problems.append(
                f"{follower.describe()}: {len(missing)} missing {missing[:3]}, {len(twice)} more than once "
                f"{twice[:3]}, resets {follower.resets[:1]}, error {follower.error!r}"
            )
    assert problems == [], f"{len(problems)} of {len(followers)} followers:\n" + "\n".join(problems[:10])
    assert {r.status for f in followers for r in f.got(subjects)} == {"pending"}, "each event is a creation"
    orders = Counter(tuple(received.subject for received in f.got(subjects)) for f in followers)
    assert len(orders) == 1, f"{len(orders)} different orders among the followers"
    assert list(next(iter(orders))) == [subject for _, subject in log], "the change log's order"


def assert_ids_are_the_change_logs(
    followers: list[Follower], subjects: set[str], log: list[tuple[int, str]]
) -> None:
    """The id contract: the same change has the same id on every replica, and that id is its change-log id."""
    for follower in followers:
        ids = [received.id for received in follower.notifications]  # everything it ever got
        assert None not in ids, f"{follower.describe()}: a notification event without an id"
        assert all(a < b for a, b in itertools.pairwise(ids)), f"{follower.describe()}: ids not increasing"
    lists = Counter(tuple(received.id for received in f.got(subjects)) for f in followers)
    by_replica = {
        replica: sorted({f.got(subjects)[0].id for f in followers if f.got(subjects)[0].replica == replica})
        for replica in NAMES
    }
    assert len(lists) == 1, (
        f"{len(lists)} different id lists among the followers; the first event's id, by replica: {by_replica}"
    )
    assert list(next(iter(lists))) == [change for change, _ in log], "the ids are the change log's"


async def assert_the_tiles_show(cluster: Cluster, dashboard: Dashboard, written: int) -> None:
    [(pending, episodes)] = cluster.replicas[WRITER].query(
        "SELECT (SELECT COUNT(*) FROM notifications WHERE status = 'pending'), "
        "(SELECT COUNT(*) FROM episodes)"
    )
    assert pending == written, "every write is one pending notification (nothing is sent for 5 minutes)"
    await expect(dashboard.tile("Notifications pending")).to_have_text(f"{pending:,}", timeout=15_000)
    await expect(dashboard.tile("Episodes tracked")).to_have_text(f"{episodes:,}")


async def start_a_sync_on(cluster: Cluster, replica: str) -> str:
    """Start the (slow) user sync on ``replica``; once another replica reports it running, its id."""
    admin = {"Authorization": f"Bearer {cluster.admin_token}"}
    async with httpx.AsyncClient(base_url=cluster.replicas[replica].url, headers=admin, timeout=10) as client:
        started = await client.post("/api/actions/sync-users")
    assert started.status_code == 202, started.text
    job = started.json()["job_id"]
    elsewhere = next(name for name in NAMES if name != replica)
    bearer = {"Authorization": f"Bearer {cluster.token}"}
    async with httpx.AsyncClient(
        base_url=cluster.replicas[elsewhere].url, headers=bearer, timeout=10
    ) as client:

        async def under_way() -> bool:
            seen = (await client.get(f"/api/jobs/{job}")).json()
            return seen["status"] == "running" and seen["replica"] == replica and seen["progress"]["done"] > 0

        await eventually(under_way, within=15, what=f"the sync on {replica}, seen running on {elsewhere}")
    return job


async def reported_failed(cluster: Cluster, job: str) -> dict:
    """The job as any replica reports it (through nginx), once it is no longer running."""
    bearer = {"Authorization": f"Bearer {cluster.token}"}
    async with httpx.AsyncClient(base_url=cluster.nginx.url, headers=bearer, timeout=10) as client:
        seen: dict = {}

        async def finished() -> bool:
            seen.update((await client.get(f"/api/jobs/{job}")).json())
            return seen["status"] != "running"

        await eventually(finished, within=JOB_LEASE + 15, what="the dead replica's job reported")
    assert seen["status"] == "failed", seen
    return seen


def moved_since(follower: Follower, moment: float, away_from: str) -> bool:
    last = follower.source.connections[-1]
    return last.opened > moment and last.replica not in (None, away_from)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def print_latency(
    capsys: pytest.CaptureFixture, followers: list[Follower], writer: Writer, subjects: set[str], what: str
) -> None:
    delays = [
        (received.at - writer.written[received.subject]) * 1000
        for follower in followers
        for received in follower.got(subjects)
        if received.replica in ("airdate2", "airdate3")
    ]
    with capsys.disabled():
        print(
            f"\n[cluster] {what}: write → event on replicas 2 and 3, {len(delays)} deliveries: "
            f"p50 {percentile(delays, 0.5):.0f} ms, p99 {percentile(delays, 0.99):.0f} ms"
        )


# --- the tests ---------------------------------------------------------------------------------------


async def test_every_follower_gets_every_change_once_in_the_same_order(
    cluster: Cluster,
    audience: list[Follower],
    dashboard: Dashboard,
    writer: Writer,
    capsys: pytest.CaptureFixture,
) -> None:
    started = time.monotonic()
    subjects = await writer.run(season=1, each=200)  # 200 through replica 1's webhook, 200 by raw SQL
    wrote = time.monotonic() - started
    assert len(subjects) == 400
    await caught_up(audience, subjects)
    log = change_log(cluster, subjects)
    assert_each_once_in_the_logs_order(audience, subjects, log)
    await assert_the_tiles_show(cluster, dashboard, len(writer.written))
    print_latency(capsys, audience, writer, subjects, f"400 writes in {wrote:.1f} s")
    assert_ids_are_the_change_logs(audience, subjects, log)


async def test_a_killed_replicas_followers_resume_elsewhere_and_miss_nothing(
    cluster: Cluster,
    audience: list[Follower],
    dashboard: Dashboard,
    writer: Writer,
    capsys: pytest.CaptureFixture,
) -> None:
    victim = cluster.replicas[PINNED]
    on_victim = [follower for follower in audience if follower.replica == PINNED]
    assert on_victim, "some streams are on the replica that dies"
    await expect(dashboard.page.get_by_text(f"served by {PINNED}")).to_be_visible()
    stop = asyncio.Event()
    before = len(writer.written)
    writes = asyncio.create_task(writer.run(season=2, stop=stop, rate=RATE))
    try:
        await eventually(lambda: len(writer.written) >= before + 2 * RATE, within=10, what="writes under way")
        job = await start_a_sync_on(cluster, PINNED)
        killed = time.monotonic()
        await asyncio.to_thread(victim.kill)  # mid-stream, mid-writes, mid-job: no goodbye to anyone
        failed = await reported_failed(cluster, job)
        assert (
            failed["error"] == f"replica {PINNED} stopped renewing its lease (no heartbeat for {JOB_LEASE} s)"
        )
        await eventually(
            lambda: all(moved_since(f, killed, PINNED) or f.error for f in on_victim),
            within=20,
            what="the killed replica's followers reconnected to another",
        )
        resumed = len(writer.written)
        await eventually(lambda: len(writer.written) >= resumed + 2 * RATE, within=10, what="writes go on")
    finally:
        stop.set()
        subjects = await writes
    back = asyncio.create_task(asyncio.to_thread(victim.start))  # on its port again, while we look
    try:
        served = dashboard.page.get_by_text(re.compile(r"served by airdate[13]"))
        await expect(served).to_be_visible(timeout=20_000)
        reloaded = [said for said in dashboard.said if said.startswith("reloading because")]
        loads = [at - killed for at in dashboard.loads if at > killed]
        assert loads, "the page reloaded by itself (no page.reload())"
        await assert_the_tiles_show(cluster, dashboard, len(writer.written))
        await expect(dashboard.page.get_by_text("stopped renewing its lease").first).to_be_visible()
        with capsys.disabled():
            print(
                f"\n[cluster] the dashboard on the killed {PINNED} loaded again {loads[0]:.1f} s after the "
                f"kill: {reloaded or dashboard.said[-3:]}"
            )

        await caught_up(audience, subjects)
        for follower in on_victim:
            resumed_with = [c.resumed_from for c in follower.source.connections if c.opened > killed]
            assert resumed_with and resumed_with[0] is not None, f"{follower.describe()}: sent Last-Event-ID"
        log = change_log(cluster, subjects)
        assert_each_once_in_the_logs_order(audience, subjects, log)
        assert_ids_are_the_change_logs(audience, subjects, log)
    finally:
        await back  # the rolling restart needs all three


async def test_a_rolling_restart_loses_nothing_and_nginx_fails_only_the_restarting_replica(
    cluster: Cluster,
    audience: list[Follower],
    dashboard: Dashboard,
    writer: Writer,
    capsys: pytest.CaptureFixture,
) -> None:
    began, loads_before = time.time(), len(dashboard.loads)
    windows: dict[str, tuple[float, float]] = {}  # replica -> (SIGTERM sent, healthy again), time.time()
    stopping: dict[str, float] = {}  # replica -> seconds from SIGTERM to its exit
    stop = asyncio.Event()
    writes = asyncio.create_task(writer.run(season=3, stop=stop, rate=RATE))
    polled: Counter[int] = Counter()  # status -> how many
    polling = asyncio.create_task(poll_stats(cluster, stop, polled))
    try:
        for name in NAMES:  # one at a time, as an operator (or compose) would
            server = cluster.replicas[name]
            sent = time.time()
            await asyncio.to_thread(server.stop)  # SIGTERM; returns once it exited
            stopping[name] = time.time() - sent
            await asyncio.to_thread(server.start)  # the same port; returns once /healthz says ok
            windows[name] = (sent, time.time())
        settled = time.monotonic()

        def live_again(follower: Follower) -> bool:
            return follower.error is not None or any(
                writer.written.get(received.subject, math.inf) > settled
                for received in follower.notifications[-5:]
            )

        await eventually(lambda: all(map(live_again, audience)), within=20, what="every follower live again")
    finally:
        stop.set()
        subjects = await writes
        await polling

    await caught_up(audience, subjects)
    failures = server_errors(cluster, began)
    outside = [line for line in failures if restarting(cluster, line, windows) is None]
    with capsys.disabled():
        spans = ", ".join(
            f"{name} {start - began:.1f} to {end - began:.1f} s (exit after {stopping[name]:.1f} s)"
            for name, (start, end) in windows.items()
        )
        print(f"\n[cluster] rolling restart ({spans}): {len(subjects)} writes; nginx 5xx: {len(failures)}")
        print(f"[cluster]   /api/stats polled through nginx's pool: {dict(polled)}")
        for line in failures:
            print(
                f"[cluster]   {line.at - began:.1f} s: {line.status} {line.request} via "
                f"{[cluster.named(a) or a for a in line.upstreams]} {line.upstream_statuses} "
                f"during the restart of {restarting(cluster, line, windows)}"
            )
        if writer.retried:
            print(f"[cluster]   webhook answers retried: {writer.retried}")
    assert outside == [], "nginx answered 5xx outside the failing replica's own restart"
    assert len(dashboard.loads) > loads_before, "its replica restarted: the page reloaded by itself"
    await expect(dashboard.page.get_by_text(re.compile(r"served by airdate\d"))).to_be_visible()
    await assert_the_tiles_show(cluster, dashboard, len(writer.written))
    log = change_log(cluster, subjects)
    assert_each_once_in_the_logs_order(audience, subjects, log)
    assert_ids_are_the_change_logs(audience, subjects, log)


async def poll_stats(cluster: Cluster, stop: asyncio.Event, answers: Counter[int]) -> None:
    """A monitoring program reading ``/api/stats`` through nginx, 20 times a second, until ``stop``. It
    sends no replica cookie, so nginx gives each request to its pool (like a browser's first page)."""
    bearer = {"Authorization": f"Bearer {cluster.token}"}
    async with httpx.AsyncClient(base_url=cluster.nginx.url, headers=bearer, timeout=10) as client:
        pace = Pace(20)
        while not stop.is_set():
            await pace.turn()
            answers[(await client.get("/api/stats")).status_code] += 1


def server_errors(cluster: Cluster, since: float) -> list[Access]:
    return [line for line in cluster.nginx.access_log() if line.at >= since and line.status >= 500]


def restarting(cluster: Cluster, line: Access, windows: dict[str, tuple[float, float]]) -> str | None:
    """The replica whose restart explains a 5xx: the last server nginx tried was that replica, and it
    failed while restarting (a request it had taken when it stopped). A 5xx whose last try was the pool
    itself ("no live upstreams": nginx tried no server) is nginx's doing, not the restart's."""
    name = cluster.named(line.upstreams[-1])
    if name is None or not line.upstream_statuses[-1].startswith("5"):
        return None
    start, end = windows.get(name, (0.0, 0.0))
    return name if start <= line.at <= end else None
