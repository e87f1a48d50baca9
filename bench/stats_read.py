"""Stats read cost versus table size: Airdate's counter read against the seed's nine COUNT queries.

One SQLite file grows from 10 k to 100 k to 1 M notifications (rows inserted with raw ``sqlite3`` in
one transaction per step, with the counter triggers on, so the counters stay exact). At each size,
on one open connection, the two reads are timed interleaved and compared by their medians.
"""

import random
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, text
from sqlmodel import Session

from data import Database, schema
from data.counters import Stats, read_stats

from . import charts
from .report import Section, median, ms, progress

SIZES = (10_000, 100_000, 1_000_000)
USERS = 1_000
REQUESTS = 2_000
SHOWS = 500  # tv tmdb ids 1000..1499; episodes cycle through them
START = datetime(2024, 1, 1)

# The seed computed each number with its own COUNT query; the field each one fills in Stats.
NINE_COUNTS: tuple[tuple[str, str], ...] = (
    ("users", "SELECT COUNT(*) FROM users"),
    ("requests_total", "SELECT COUNT(*) FROM media_requests"),
    (
        "requests_tracking",
        "SELECT COUNT(*) FROM media_requests WHERE media_type = 'tv' AND status = 'approved'",
    ),
    ("requests_movies", "SELECT COUNT(*) FROM media_requests WHERE media_type = 'movie'"),
    ("requests_tv", "SELECT COUNT(*) FROM media_requests WHERE media_type = 'tv'"),
    ("episodes_tracked", "SELECT COUNT(*) FROM episodes"),
    ("notifications_sent", "SELECT COUNT(*) FROM notifications WHERE status = 'sent'"),
    ("notifications_pending", "SELECT COUNT(*) FROM notifications WHERE status = 'pending'"),
    ("notifications_failed", "SELECT COUNT(*) FROM notifications WHERE status = 'failed'"),
)
_NINE = tuple((name, text(sql)) for name, sql in NINE_COUNTS)


def nine_counts(connection: Connection) -> dict[str, int]:
    """The seed's read: nine ``SELECT COUNT(*)`` statements, one per number."""
    return {name: int(connection.execute(statement).scalar_one()) for name, statement in _NINE}


def _stamp(seconds: int) -> str:
    return (START + timedelta(seconds=seconds)).isoformat(" ", "microseconds")


def fill_base(path: Path, rng: random.Random) -> None:
    """Users and media requests (mixed movie/tv; pending/approved/available), once."""
    users = ((f"user{i}", f"user{i}@example.org", _stamp(i)) for i in range(USERS))
    requests = (
        (
            i,
            media := rng.choices(("movie", "tv"), (2, 3))[0],
            f"Title {i}",
            1000 + rng.randrange(SHOWS) if media == "tv" else 5000 + i,
            rng.choices(("pending", "approved", "available"), (2, 5, 3))[0],
            rng.randint(1, USERS),
            _stamp(i),
        )
        for i in range(REQUESTS)
    )
    with _transaction(path) as db:
        db.executemany("INSERT INTO users (username, email, created_at) VALUES (?, ?, ?)", users)
        db.executemany(
            "INSERT INTO media_requests (jellyseerr_id, media_type, title, tmdb_id, status, requester_id, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            requests,
        )


def grow(path: Path, notifications: int, rng: random.Random) -> None:
    """Add episodes and notifications until there are ``notifications`` of them (episodes: a tenth)."""
    with _transaction(path) as db:
        have_episodes = db.execute("SELECT COUNT(*) FROM episodes").fetchone()[0]
        have = db.execute("SELECT COUNT(*) FROM notifications").fetchone()[0]
        episodes = notifications // 10
        db.executemany(
            "INSERT INTO episodes (tmdb_id, show_title, season, number, title, air_date, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (_episode(i) for i in range(have_episodes, episodes)),
        )
        db.executemany(
            "INSERT INTO notifications (user_id, episode_id, subject, body, status, attempts, last_error, "
            "created_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (_notification(i, episodes, rng) for i in range(have, notifications)),
        )
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _episode(i: int) -> tuple:
    tmdb_id, rest = 1000 + i % SHOWS, i // SHOWS
    season, number = rest // 50 + 1, rest % 50 + 1
    return (tmdb_id, f"Show {tmdb_id}", season, number, f"Episode {number}", "2024-01-01", _stamp(i))


def _notification(i: int, episodes: int, rng: random.Random) -> tuple:
    episode_id = rng.randint(1, episodes)
    status = rng.choices(("sent", "pending", "failed", "sending"), (80, 10, 7, 3))[0]
    created = _stamp(30 * i)
    return (
        rng.randint(1, USERS),
        episode_id,
        f"New episode: episode {episode_id}",
        f"Episode {episode_id} \u201ca title\u201d is now available.",
        status,
        0 if status == "pending" else 1,
        "smtp: connection timed out" if status == "failed" else None,
        created,
        created if status == "sent" else None,
    )


class _transaction:
    """A raw ``sqlite3`` connection inside one explicit transaction (committed on success)."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA cache_size = -262144")  # 256 MiB: index inserts stay in memory

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN")
        return self.db

    def __exit__(self, kind: object, *_: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")
        self.db.close()


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def measure(session: Session, runs_a: int, runs_b: int) -> tuple[list[float], list[float]]:
    """Interleaved timings (seconds) of ``read_stats`` (a) and the nine COUNT queries (b), after warm-up,
    on the session's one connection."""
    connection = session.connection()
    for _ in range(3):
        read_stats(session)
        nine_counts(connection)
    a: list[float] = []
    b: list[float] = []
    for round_ in range(runs_b):
        b.append(_timed(lambda: nine_counts(connection)))
        share = runs_a * (round_ + 1) // runs_b - runs_a * round_ // runs_b  # runs_a in all
        a.extend(_timed(lambda: read_stats(session)) for _ in range(share))
    return a, b


def check(stats: Stats, counts: dict[str, int], notifications: int) -> None:
    """Both reads must give the same numbers, and the counters must match what was inserted."""
    different = {k: (getattr(stats, k), v) for k, v in counts.items() if getattr(stats, k) != v}
    if different:
        raise AssertionError(f"counters disagree with COUNT(*): {different}")
    if stats.notifications_total != notifications:
        raise AssertionError(f"{stats.notifications_total} notifications counted, {notifications} inserted")


def run(folder: Path, sizes: tuple[int, ...] = SIZES, runs_a: int = 100) -> list[Section]:
    """Grow one database through ``sizes`` and time both reads at each size (and the chart ranges and
    the start-up: :mod:`bench.charts`)."""
    path = folder / "stats.sqlite3"
    database = Database(f"sqlite:///{path}")
    schema.upgrade(database)
    rng = random.Random(2024)
    fill_base(path, rng)
    section = Section(
        "Stats read cost vs table size",
        "Milliseconds per read of all stats on one open SQLite connection: (a) Airdate's "
        "`counters.read_stats` (one statement over `stats_counters`, kept by triggers) against (b) the "
        "seed's nine `SELECT COUNT(*)` queries. Medians of interleaved runs at each size.",
        ["notifications", "episodes", "fill s", "db MB", "(a) ms/read", "(b) ms/read", "b / a", "runs a/b"],
    )
    ranges = Section(
        "Chart ranges vs table size",
        charts.__doc__.split("\n\n", 1)[1].split("* Start-up")[0].replace("* Ranges: ", "").strip(),
        ["notifications", "range", "(a) now ms", "(b) before ms", "b / a", "points (a)"],
    )
    start = Section(
        "Start-up vs table size",
        "`main.py` on the benchmark's database, from the process starting to `/api/stats` answering (the "
        "first snapshot), and its resident memory then. The first start finds no chart samples and "
        "rebuilds a week of them in the background (it does not hold up the snapshot); the second start "
        "finds them.",
        ["notifications", "first start s", "RSS MiB", "second start s", "RSS MiB"],
    )
    for size in sizes:
        progress(f"stats read: filling to {size:,} notifications")
        started = time.perf_counter()
        grow(path, size, rng)
        fill = time.perf_counter() - started
        runs_b = 10 if size < 1_000_000 else 7
        progress(f"stats read: timing at {size:,} (filled in {fill:.1f} s)")
        with database.reading() as session:
            a, b = measure(session, runs_a, runs_b)
            check(read_stats(session), nine_counts(session.connection()), size)
        ratio = median(b) / median(a)
        megabytes = path.stat().st_size / 1e6
        section.rows.append(
            [
                f"{size:,}",
                f"{size // 10:,}",
                f"{fill:.1f}",
                f"{megabytes:.0f}",
                ms(median(a)),
                ms(median(b)),
                f"{ratio:,.0f}x",
                f"{len(a)}/{len(b)}",
            ]
        )
        progress(f"stats read: start-up and chart ranges at {size:,}")
        with database.engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM stats_samples")
        first = charts.time_start(f"sqlite:///{path}")
        second = charts.time_start(f"sqlite:///{path}")
        start.rows.append(
            [f"{size:,}", f"{first[0]:.2f}", f"{first[1]:.0f}", f"{second[0]:.2f}", f"{second[1]:.0f}"]
        )
        charts.fill_samples(database, datetime.now(UTC))
        for name, (a, b, points) in charts.time_ranges(database, 100).items():
            ranges.rows.append([f"{size:,}", name, ms(a), ms(b), f"{b / a:,.0f}x", str(points)])
    database.dispose()
    ranges.notes.append(
        "Target: ≤ 10 ms at 1 M notifications; the read is shared by every viewer asking in "
        "the same minute (`live.samples`, tested)."
    )
    section.notes.append(
        f"{USERS:,} users and {REQUESTS:,} media requests at every size; each size grows the same file. "
        "Both reads returned the same numbers at every size (checked)."
    )
    return [section, ranges, start]
