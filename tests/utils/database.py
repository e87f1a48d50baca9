"""Making the test database misbehave for real."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from data import Database


@contextmanager
def unplugged(database: Database) -> Iterator[None]:
    """Make the SQLite file unreachable for real: a folder stands where the file was."""
    path = Path(database.url.database)
    database.engine.dispose()
    moved = [(p, p.with_name(p.name + ".away")) for p in path.parent.glob(path.name + "*")]
    for old, new in moved:
        os.rename(old, new)
    path.mkdir()
    try:
        yield
    finally:
        path.rmdir()
        for old, new in moved:
            os.rename(new, old)
        database.engine.dispose()
