"""What can stop Airdate before it serves: :class:`StartupError`, and opening (migrating) its database.

Kept apart from the app factory so that the command line (``accounts``, ``tokens``, ``db``) opens the
database without importing NiceGUI and the web stack: a command then starts in a fraction of a second.
"""

import logging

from data import Database, DatabaseError, schema

log = logging.getLogger("airdate")


class StartupError(Exception):
    """Airdate cannot start as configured; the message is the one line the user reads."""


def open_database(url: str) -> Database:
    """Open the database and migrate it to this code's schema, or raise StartupError saying why not."""
    try:
        database = Database(url)
        before, after = schema.upgrade(database)
    except DatabaseError as error:
        raise StartupError(str(error)) from None
    if before != after:
        log.info("database migrated from %s to %s", before or "nothing", after)
    log.info("database: %s", database.describe())
    return database
