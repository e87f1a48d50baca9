"""PostgreSQL: what the counter triggers and the ordered change log cost writers, and the stats read
at 1 M notifications, on a throwaway cluster (``standins.postgres``, fsync off: CPU and locks, not disk).
"""

import importlib.util
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import psycopg
from sqlalchemy import Connection, text
from sqlmodel import Session

from data import Database, schema, triggers
from data.announcements import CHANNEL
from data.counters import READ_STATS, read_stats, recount
from standins.postgres import Postgres

from .report import Section, median, ms, percentile, progress
from .stats_read import check, measure, nine_counts

WRITERS = (1, 4, 16)
SECONDS = 5.0
ROUNDS = 3
MIGRATIONS = Path(schema.MIGRATIONS) / "versions"
AIRDATE = "Airdate (counter triggers in 8 slots + change log in commit order)"
ANNOUNCED = ("users", "media_requests", "episodes", "notifications")  # the tables migration 0005 announces
ADA = "INSERT INTO users (username, email, created_at) VALUES ('ada', 'ada@example.org', CURRENT_TIMESTAMP)"


def run(folder: Path) -> list[Section]:
    cluster = Postgres(timezone="UTC").start()
    try:
        return [_writers(cluster), _stats_read(cluster)]
    finally:
        cluster.stop()


def _writers(cluster: Postgres) -> Section:
    baseline = _migration("0001_baseline.py")
    slotted = _migration("0003_counter_slots.py")
    variants = {
        AIRDATE: lambda c: None,
        "the same without the change announcements (migration 0005's NOTIFY)": lambda c: _execute(
            c, (f"DROP TRIGGER announce_{table} ON {table}" for table in ANNOUNCED)
        ),
        "the same with every counter in one row (before migration 0003)": lambda c: _execute(
            c, triggers.create("postgresql", slotted.counting_triggers(slotted.COUNTERS, "0"))
        ),
        "change log without the ordering lock (the bug it fixes)": lambda c: _execute(
            c, triggers.create("postgresql", baseline.CHANGE_LOG)
        ),
        "counter triggers only, no change log": lambda c: _execute(
            c, triggers.drop("postgresql", baseline.CHANGE_LOG)
        ),
        "change log in commit order only, no counter triggers": lambda c: _execute(
            c, triggers.drop("postgresql", tuple(baseline.counting_triggers(baseline.COUNTERS)))
        ),
        "no triggers at all (reference)": lambda c: _execute(
            c,
            triggers.drop(
                "postgresql", (*baseline.counting_triggers(baseline.COUNTERS), *baseline.CHANGE_LOG)
            ),
        ),
    }
    section = Section(
        "PostgreSQL: notification inserts per second with concurrent writers",
        f"Writer processes, each committing one notification per transaction for {SECONDS:g} s (a webhook's "
        f"insert), all started together; {ROUNDS} rounds per cell, median of the totals. PostgreSQL 15, "
        "fsync off (so this is CPU and lock waits, not the disk).",
        ["schema", *(f"{n} writer{'s' * (n > 1)}" for n in WRITERS), f"vs. no triggers at {WRITERS[-1]}"],
    )
    samples: dict[tuple[str, int], list[float]] = {(name, n): [] for name in variants for n in WRITERS}
    for round_ in range(ROUNDS):  # variants interleaved, so that drift in the machine hits all alike
        for writers in WRITERS:
            for number, (name, prepare) in enumerate(variants.items()):
                progress(f"postgres: round {round_ + 1}/{ROUNDS}, {writers} writers, {name}")
                database = Database(cluster.create_database(f"w{round_}_{writers}_{number}"))
                schema.upgrade(database)
                with database.engine.begin() as connection:
                    connection.execute(text(ADA))
                    prepare(connection)
                url = database.url.render_as_string(hide_password=False)
                with _listening(url):  # three replicas' listeners, as in production
                    samples[name, writers].append(_insert_rate(url, writers))
                if name == AIRDATE:
                    _check_counted(database)
                database.dispose()
    rates = {name: [median(samples[name, n]) for n in WRITERS] for name in variants}
    reference = rates["no triggers at all (reference)"][-1]
    for name, row in rates.items():
        section.rows.append([name, *(f"{rate:,.0f}/s" for rate in row), f"{row[-1] / reference:.2f}x"])
    section.notes.append(
        "Every notification insert updates a few `stats_counters` rows, locked until it commits; the rows "
        "are spread over 8 slots per counter (migration 0003: a session updates slot `pg_backend_pid() % 8`)"
        " so that concurrent writers seldom queue there. The change log's ordering lock serialises them, "
        "from the insert to the commit. The rows without one or the other show what each costs; the "
        "lock is what makes every reader see every change, in commit order "
        "(tests/live/test_concurrent_writers.py loses 52-64 of ~1,400 changes without it, none with it)."
    )
    return section


def _stats_read(cluster: Postgres, notifications: int = 1_000_000) -> Section:
    progress(f"postgres: stats read at {notifications:,} notifications")
    database = Database(cluster.create_database("stats"))
    schema.upgrade(database)
    with database.transaction(notify=False) as session:
        _fill(session, notifications)
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    with database.reading() as session:
        check(read_stats(session), nine_counts(session.connection()), notifications)
        a, b = measure(session, 200, 20)
    database.dispose()
    section = Section(
        "PostgreSQL: stats read at 1 M notifications",
        f"{notifications:,} notifications, 2,000 users, 1,000 requests, 10,000 episodes, filled with "
        "`generate_series` and analysed; both reads interleaved on one connection after warm-up.",
        ["read", "median", "p95", "runs"],
    )
    section.rows += [
        [
            f"Airdate: `{READ_STATS.text}`",
            f"{ms(median(a))} ms",
            f"{ms(percentile(a, 0.95))} ms",
            f"{len(a)}",
        ],
        [
            "nine `SELECT COUNT(*)` (the seed's read)",
            f"{ms(median(b))} ms",
            f"{ms(percentile(b, 0.95))} ms",
            f"{len(b)}",
        ],
    ]
    section.notes.append(
        f"The counters' read is {median(b) / median(a):,.0f} times faster; both gave the same numbers "
        "(checked)."
    )
    return section


def _fill(session: Session, notifications: int) -> None:
    statements = (
        # Triggers off while filling: one transaction updating the same counter row a million times
        # keeps a million row versions it cannot prune (quadratic); the counters are recounted after.
        "SET LOCAL session_replication_role = replica",
        "INSERT INTO users (username, email, created_at) SELECT 'u' || i, 'u' || i || '@x', now() "
        "FROM generate_series(1, 2000) i",
        "INSERT INTO media_requests (media_type, title, tmdb_id, status, requester_id, created_at) "
        "SELECT CASE WHEN i % 4 = 0 THEN 'movie' ELSE 'tv' END, 't' || i, i % 500, "
        "CASE WHEN i % 3 = 0 THEN 'available' ELSE 'approved' END, 1 + i % 2000, now() "
        "FROM generate_series(1, 1000) i",
        "INSERT INTO episodes (tmdb_id, show_title, season, number, title, created_at) "
        "SELECT i % 500, 's', 1 + i / 500, i, 'e', now() FROM generate_series(1, 10000) i",
        "INSERT INTO notifications (user_id, episode_id, subject, body, status, attempts, created_at) "
        "SELECT 1 + i % 2000, 1 + i % 10000, 'New episode', 'b', "
        "CASE WHEN i % 10 < 7 THEN 'sent' WHEN i % 10 < 9 THEN 'pending' ELSE 'failed' END, 1, now() "
        f"FROM generate_series(1, {notifications}) i",
        "SET LOCAL session_replication_role = origin",
    )
    for statement in statements:
        session.connection().execute(text(statement))
    recount(session)


def _insert_rate(url: str, writers: int) -> float:
    command = [sys.executable, "-m", "bench.pg_writer", url, str(SECONDS)]
    processes = [
        subprocess.Popen([*command, "1"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(writers)
    ]
    for process in processes:
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError("a writer did not start")
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    started = time.monotonic()
    total = sum(int(process.communicate(timeout=SECONDS + 60)[0]) for process in processes)
    return total / (time.monotonic() - started)


@contextmanager
def _listening(url: str, listeners: int = 3) -> Iterator[None]:
    """Connections LISTENing to the change announcements meanwhile (a notification with nobody
    listening may cost less than one that must be queued for them)."""
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    connections = [psycopg.connect(conninfo, autocommit=True) for _ in range(listeners)]
    try:
        for connection in connections:
            connection.execute(f"LISTEN {CHANNEL}")
        yield
    finally:
        for connection in connections:
            connection.close()


def _check_counted(database: Database) -> None:
    stats = database.read(read_stats)
    with database.engine.connect() as connection:
        count = connection.execute(text("SELECT COUNT(*) FROM notifications")).scalar_one()
        logged = connection.execute(text("SELECT COUNT(*) FROM notification_changes")).scalar_one()
    if not stats.notifications_total == count == logged:
        raise AssertionError(f"counted {stats.notifications_total}, rows {count}, change log {logged}")


def _migration(filename: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"migration_{filename[:4]}", MIGRATIONS / filename)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _execute(connection: Connection, statements) -> None:
    for statement in statements:
        connection.execute(text(statement))
