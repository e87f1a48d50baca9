"""`python main.py db …` and a database the running code cannot use, as a user meets them."""

import pytest

from data import Database, schema
from standins.net import free_port

from .test_cli import one_line_error
from .utils.server import run_cli
from .utils.sql import run_sql

pytestmark = [pytest.mark.both_databases, pytest.mark.slow]


def test_db_commands_upgrade_report_and_go_down(airdate_env: str) -> None:
    assert run_cli("db", "current").stdout.startswith("none (empty, or made before migrations)")
    upgraded = run_cli("db", "upgrade")
    assert upgraded.returncode == 0 and f"migrated from nothing to {schema.head()}" in upgraded.stdout
    assert run_cli("db", "upgrade").stdout.startswith(f"airdate: already at {schema.head()}")
    assert run_cli("db", "current").stdout.strip() == f"{schema.head()} (up to date)"
    assert run_cli("db", "history").stdout.splitlines()[0].startswith("0001  Baseline")

    down = run_cli("db", "downgrade", "0001")
    assert down.returncode == 0 and "down to 0001" in down.stdout
    assert schema.current(Database(airdate_env)) == "0001"
    error = one_line_error(run_cli("db", "downgrade", "0000"))
    revisions = ", ".join(f"{number:04d}" for number in range(1, int(schema.head()) + 1))
    assert error == f"airdate: no revision '0000': choose one of {revisions} or base"


def test_a_database_from_a_newer_airdate_stops_the_server_with_one_line(airdate_env: str) -> None:
    schema.upgrade(Database(airdate_env))
    run_sql(airdate_env, "UPDATE alembic_version SET version_num = '0099'")
    result = run_cli(port=str(free_port()))  # the port is free: what stops it is the database
    assert result.returncode == 2
    assert one_line_error(result).startswith("airdate: the database is at revision 0099, which this Airdate")
