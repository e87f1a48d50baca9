"""The demo's database: a file of its own, marked as the demo's, so the demo never touches real data."""

from data import Database, DatabaseError, counters, meta

DEMO_MARK = "demo"


def claim_demo_database(database: Database) -> None:
    """Mark a new, empty database as the demo's; refuse any database that holds real data."""
    with database.transaction(notify=False) as session:
        if meta.get(session, DEMO_MARK) == "1":
            return
        if counters.read_stats(session).users:
            raise DatabaseError(
                f"{database.describe()} holds data and is not a demo database; "
                "the demo only runs on its own file (AIRDATE_DEMO_DATABASE_URL)"
            )
        meta.put(session, DEMO_MARK, "1")
