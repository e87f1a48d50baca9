"""Fixtures every test package shares: a database of its own per test, the app built through its
factory (in-process, with NiceGUI's simulated users) and a real server process."""

import itertools
import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from nicegui.testing import User

from application import Airdate
from command_line import load_settings
from data import Database, schema
from settings import Settings
from standins.net import use_block, worker_block
from standins.postgres import Postgres

from .utils.console import Console, simulated
from .utils.server import Server
from .utils.zygote import cheap_password_hashing, close_zygote

ALONE = ("cluster", "native", "alone")  # what cannot share the machine with one another


def pytest_configure(config: pytest.Config) -> None:
    """A parallel worker (pytest-xdist) picks ports from a block of its own: two workers never hand
    the same free port to two servers. Passwords are hashed with argon2's cheapest parameters (its
    profile for tests), here and in the servers forked from the zygote: the product's 64 MiB and ~0.1 s
    per hash, paid a few thousand times, were minutes of the suite (tests/test_commands.py checks the
    product's own, through a fresh interpreter)."""
    cheap_password_hashing()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        use_block(this_workers_block())


LANES = 4  # AIRDATE_TEST_LANE=0…3: that many suites may run side by side (worktrees), each on its own ports
_LANE: dict[str, str | None] = {}


def this_workers_block() -> range | None:
    """This parallel worker's ports: its share of its suite's lane (the whole range without a lane)."""
    index = int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw"))
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    lane = _LANE.setdefault("lane", os.environ.get("AIRDATE_TEST_LANE"))  # as given: tests unset AIRDATE_*
    if lane is None:
        return worker_block(index, workers)
    return worker_block(int(lane) % LANES * workers + index, LANES * workers)


_BUSY: dict[str, list[float]] = {}  # worker: [seconds in tests, tests]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """(In the controller of a parallel run) how long each worker spent in tests."""
    node = getattr(report, "node", None)
    if node is not None:
        busy = _BUSY.setdefault(node.gateway.id, [0.0, 0])
        busy[0] += report.duration
        busy[1] += report.when == "call"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for worker, (seconds, tests) in sorted(_BUSY.items()):
        terminalreporter.write_line(f"worker {worker}: {tests} tests, {seconds:.0f} s in them")


def pytest_unconfigure(config: pytest.Config) -> None:
    close_zygote()


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slices from what a test uses: ``browser`` (Chromium), ``postgres`` (the throwaway cluster), ``cluster``
    (replicas behind nginx); and the
    tests that cannot share the machine run one after another, on one worker (``--dist loadgroup``)."""
    for item in items:
        needs = getattr(item, "fixturenames", ())
        if "browser" in needs:
            item.add_marker(pytest.mark.browser)
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("backend") == "postgresql"
        if on_postgres or "postgres_cluster" in needs:
            item.add_marker(pytest.mark.postgres)
        if "cluster" in needs:  # a cluster, followers and browsers start within the first test
            item.add_marker(pytest.mark.cluster)
            if item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(300))
        if any(item.get_closest_marker(name) for name in ALONE):
            item.add_marker(pytest.mark.xdist_group("alone"))
    if "image" not in (config.option.markexpr or ""):  # the image's tests run when asked for by name only
        kept = [item for item in items if item.get_closest_marker("image") is None]
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


def pytest_collection_finish(session: pytest.Session) -> None:
    """Refuse to run the machine-sharing tests side by side when the grouping silently stopped working
    (pytest-xdist marks a group in the test's id, which pytest 9.2 ignores: pytest-xdist#1386)."""
    if getattr(session.config.option, "loadgroup", False):
        lost = [item.nodeid for item in session.items if item.get_closest_marker("xdist_group")]
        lost = [nodeid for nodeid in lost if "@" not in nodeid]
        if lost:
            raise pytest.UsageError(f"--dist loadgroup does not group {lost[0]} (and {len(lost) - 1} more)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("both_databases"):
        metafunc.parametrize("backend", ["sqlite", "postgresql"])


@pytest.fixture
def backend() -> str:
    """The database a test runs on: SQLite unless it is marked ``both_databases``."""
    return "sqlite"


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Postgres]:
    """One PostgreSQL server for the whole run (its sessions in Asia/Tokyo); each test gets a database."""
    cluster = Postgres().start()
    yield cluster
    cluster.stop()


_DATABASES = itertools.count(1)
MIGRATED = "migrated"  # the PostgreSQL template every test that starts Airdate copies
USES_AIRDATE = {"database", "console", "server"}  # fixtures that migrate the test's database first


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database at the newest revision, made once per worker; see :func:`airdate_env`."""
    path = tmp_path_factory.mktemp("migrated") / "airdate.sqlite3"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def migrated_postgres(postgres_cluster: Postgres) -> str:
    """The PostgreSQL template at the newest revision (no connection left open: a template must be idle)."""
    _migrate(postgres_cluster.create_database(MIGRATED))
    return MIGRATED


def _migrate(url: str) -> None:
    database = Database(url)
    try:
        schema.upgrade(database)
    finally:
        database.dispose()


@pytest.fixture(autouse=True)
def airdate_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str, request: pytest.FixtureRequest
) -> str:
    """Every test gets its own database and fast, quiet settings (child servers read them).

    The database is empty, or — for a test that starts Airdate through the shared fixtures, which
    migrate it first anyway — a copy of one migrated once per worker: the same schema and rows, without
    running every migration again for each of a few hundred tests."""
    for name in [k for k in os.environ if k.startswith("AIRDATE_")]:
        monkeypatch.delenv(name)
    path = tmp_path / "airdate.sqlite3"
    url = f"sqlite:///{path}"
    migrated = not USES_AIRDATE.isdisjoint(request.fixturenames)
    if backend == "postgresql":
        cluster: Postgres = request.getfixturevalue("postgres_cluster")
        template = request.getfixturevalue("migrated_postgres") if migrated else None
        url = cluster.create_database(f"t{next(_DATABASES)}", template=template)
    elif migrated:
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
    monkeypatch.setenv("AIRDATE_DATABASE_URL", url)
    monkeypatch.setenv("AIRDATE_DEMO_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    monkeypatch.setenv("AIRDATE_STATS_INTERVAL", "3600")  # tests drive the feed themselves
    monkeypatch.chdir(tmp_path)
    return url


@pytest.fixture
def database(airdate_env: str) -> Iterator[Database]:
    """A second handle on the test's database, as another process would have."""
    db = Database(airdate_env)
    schema.upgrade(db)
    yield db
    db.dispose()


@pytest.fixture
def settings(airdate_env: str) -> Settings:
    """The in-process app's settings; a test module overrides this fixture to change them."""
    return load_settings()


@pytest.fixture
async def console(settings: Settings, caplog: pytest.LogCaptureFixture) -> AsyncIterator[Console]:
    async with simulated(settings) as running:
        yield running
        errors = [record for record in caplog.get_records("call") if record.levelname == "ERROR"]
        if errors:
            pytest.fail(f"unexpected ERROR logs: {[r.getMessage() for r in errors]}", pytrace=False)


@pytest.fixture
def airdate(console: Console) -> Airdate:
    """The app the simulated users see, built by ``create_app``."""
    return console.app


@pytest.fixture
def user(console: Console) -> User:
    return console.new_user()


@pytest.fixture
def create_user(console: Console) -> Callable[[], User]:
    return console.new_user


@pytest.fixture
def server(airdate_env: str) -> Iterator[Server]:
    """A real Airdate process on a free port, reading stats every 0.2 s."""
    running = Server(airdate_env, {"stats_interval": "0.2", "sse_keepalive": "0.5"}).start()
    yield running
    running.stop()
