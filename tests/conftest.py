import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from data import Database

from .utils.server import Server

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def airdate_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test gets its own database file and fast, quiet settings (main.py reads them)."""
    for name in [k for k in os.environ if k.startswith("AIRDATE_")]:
        monkeypatch.delenv(name)
    url = f"sqlite:///{tmp_path / 'airdate.sqlite3'}"
    monkeypatch.setenv("AIRDATE_DATABASE_URL", url)
    monkeypatch.setenv("AIRDATE_DEMO_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    monkeypatch.setenv("AIRDATE_STATS_INTERVAL", "3600")  # tests drive the feed themselves
    monkeypatch.chdir(tmp_path)
    return url


@pytest.fixture
def database(airdate_env: str) -> Iterator[Database]:
    db = Database(airdate_env)
    db.create_schema()
    yield db
    db.dispose()


@pytest.fixture
def server(airdate_env: str) -> Iterator[Server]:
    """A real Airdate process on a free port, reading stats every 0.2 s."""
    running = Server(airdate_env, {"stats_interval": "0.2", "sse_keepalive": "0.5"}).start()
    yield running
    running.stop()
