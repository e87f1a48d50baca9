"""`python main.py` as a user runs it: flags, configuration errors, --recount and --demo."""

import hashlib
import socket
import subprocess
from pathlib import Path

import pytest

from data import Database
from data.counters import read_stats

from .utils.factories import make_users
from .utils.server import Server, run_cli
from .utils.waiting import eventually


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The error a user reads: the last line, with no stack trace before it."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_help_documents_the_flags() -> None:
    result = run_cli("--help", fresh=True)  # as a user runs it: a new interpreter, main.py as __main__
    assert result.returncode == 0
    for text in ("--host", "127.0.0.1", "--port", "8080", "--demo", "--native", "--recount"):
        assert text in result.stdout


def test_a_bad_database_url_exits_with_one_line(tmp_path: Path) -> None:
    error = one_line_error(run_cli(database_url="postgresql//oops"))
    assert error.startswith("airdate: AIRDATE_DATABASE_URL 'postgresql//oops' is not a database URL")


def test_an_unopenable_database_exits_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("a file where a folder should be")
    error = one_line_error(run_cli(database_url=f"sqlite:///{tmp_path}/blocker/db.sqlite3"))
    assert error.startswith("airdate: ")


def test_a_bad_setting_names_the_variable() -> None:
    error = one_line_error(run_cli(stats_interval="soon"))
    assert error.startswith("airdate: AIRDATE_STATS_INTERVAL (--stats-interval):")
    assert "soon" in error
    flag = one_line_error(run_cli("--stats-interval", "soon"))
    assert flag == error


def test_recount_rebuilds_and_prints_the_counters(database: Database, airdate_env: str) -> None:
    make_users(database, 3)
    with database.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE stats_counters SET value = 0")
    result = run_cli("--recount", database_url=airdate_env)
    assert result.returncode == 0, result.stderr
    assert "users=3" in result.stdout
    assert database.read(read_stats).users == 3


def test_recount_can_be_asked_for_in_the_environment(database: Database, airdate_env: str) -> None:
    make_users(database, 2)
    with database.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE stats_counters SET value = 0")
    result = run_cli(database_url=airdate_env, recount="true")
    assert result.returncode == 0, result.stderr
    assert "users=2" in result.stdout


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_demo_moves_numbers_on_its_own_file_and_leaves_the_real_database_alone(
    database: Database, airdate_env: str, tmp_path: Path
) -> None:
    make_users(database, 2)
    database.dispose()
    real = Path(database.url.database)
    before = digest(real)
    settings = {"demo": "true", "demo_interval": "0.1", "stats_interval": "0.2"}
    demo = Server(
        airdate_env, {**settings, "demo_database_url": f"sqlite:///{tmp_path}/demo.sqlite3"}
    ).start()
    try:  # the simulator's first sync from the stand-in Jellyseerr, then its own events
        await eventually(lambda: demo.stats()["users"] >= 10, within=20, what="a believable population")
        first = demo.stats()
        values = lambda stats: {k: v for k, v in stats.items() if k != "timestamp"}  # noqa: E731
        await eventually(lambda: values(demo.stats()) != values(first), within=20, what="numbers move")
    finally:
        demo.stop()
    assert digest(real) == before
    assert (tmp_path / "demo.sqlite3").exists()


def test_demo_refuses_a_database_with_real_data(database: Database, airdate_env: str) -> None:
    make_users(database, 1)
    error = one_line_error(run_cli("--demo", demo_database_url=airdate_env))
    assert "is not a demo database" in error


def test_a_setting_outside_its_choices_lists_them() -> None:
    error = one_line_error(run_cli(smtp_tls="ssl"))
    assert error == (
        "airdate: AIRDATE_SMTP_TLS (--smtp-tls): Input should be 'none', 'starttls' or 'tls' (got 'ssl')"
    )


def test_a_port_in_use_is_refused_before_anything_is_created(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(port=str(port), database_url=f"sqlite:///{tmp_path}/fresh.sqlite3")
    error = one_line_error(result)
    assert error == f"airdate: cannot listen on 127.0.0.1:{port}: Address already in use"
    assert "ready to go" not in result.stdout + result.stderr
    assert not (tmp_path / "fresh.sqlite3").exists()


def test_an_unknown_host_is_refused_in_one_line(tmp_path: Path) -> None:
    error = one_line_error(run_cli(host="no-such-host.invalid", port="8080"))
    assert error.startswith("airdate: cannot listen on no-such-host.invalid:8080: unknown address")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://airdate@db/airdate", "database 'mysql' is not supported"),
        ("postgresql+psycopg2://airdate@db/airdate", "pip install 'psycopg2-binary'"),
        ("sqlite:///no/such/folder/airdate.sqlite3", "the folder no/such/folder of the SQLite database"),
    ],
)
def test_a_database_url_airdate_cannot_use_is_one_line(url: str, expected: str) -> None:
    assert expected in one_line_error(run_cli(database_url=url))


def test_a_storage_folder_that_cannot_be_written_is_refused(tmp_path: Path) -> None:
    (tmp_path / "not-a-folder").write_text("")
    error = one_line_error(run_cli(storage_path=str(tmp_path / "not-a-folder" / "nicegui")))
    assert error.startswith(f"airdate: cannot keep per-browser settings in {tmp_path}/not-a-folder/nicegui")
    assert error.endswith("set AIRDATE_STORAGE_PATH to a writable folder")


def test_a_short_storage_secret_is_refused_without_repeating_it() -> None:
    error = one_line_error(run_cli(storage_secret="only-twenty-one-bytes"))
    assert error.startswith(
        "airdate: AIRDATE_STORAGE_SECRET (--storage-secret): needs at least 32 bytes, has 21"
    )
    assert "only-twenty-one-bytes" not in error


def test_an_unknown_default_locale_exits_with_one_line() -> None:
    error = one_line_error(run_cli(default_locale="klingon"))
    assert error.startswith("airdate: AIRDATE_DEFAULT_LOCALE (--default-locale): 'klingon' is not a locale")
