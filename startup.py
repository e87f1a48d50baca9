"""Start-up checks that end the process with a one-line message instead of a stack trace."""

import importlib.util
import logging
import sys

from data import Database, DatabaseError
from data.demo import Simulator
from settings import Settings

log = logging.getLogger("airdate")


def open_database(settings: Settings) -> Database:
    """Open (and if needed create) the configured database; handle ``--recount``."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        database = Database(settings.effective_database_url)
        database.create_schema()
    except DatabaseError as error:
        sys.exit(f"airdate: {error}")
    if settings.recount:
        stats = database.recount()
        print(f"airdate: counters rebuilt for {database.describe()}: {stats}")
        sys.exit(0)
    log.info("database: %s", database.describe())
    return database


def start_demo(database: Database) -> Simulator:
    simulator = Simulator(database)
    try:
        simulator.populate()
    except DatabaseError as error:
        sys.exit(f"airdate: {error}")
    return simulator


def require_native_backend() -> None:
    if importlib.util.find_spec("webview") is None:
        sys.exit(
            "airdate: --native needs pywebview and a GUI toolkit: "
            "pip install '.[native]' (see README, 'Native window'), or run without --native"
        )
