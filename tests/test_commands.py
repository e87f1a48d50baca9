"""`python main.py accounts …` / `tokens …` as an operator runs them, and the safe defaults at start."""

import sqlite3
import subprocess

import httpx
import pytest

from data import Database
from services.access import Access
from services.principals import SignInRefused, fingerprint

from .utils.server import Server, run_cli


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_accounts_are_added_listed_changed_and_removed(database: Database) -> None:
    assert run_cli("accounts", "add", "alice", "--role", "admin", input="first-password\n").returncode == 0
    assert run_cli("accounts", "add", "vic", input="viewer-password\n").returncode == 0
    listing = run_cli("accounts", "list").stdout
    assert "alice  admin" in listing and "vic    viewer" in listing
    assert "first-password" not in listing
    assert run_cli("accounts", "passwd", "alice", input="second-password\n").returncode == 0
    access = Access(database)
    with pytest.raises(Exception, match="wrong user name or password"):
        access.sign_in("alice", "first-password", "127.0.0.1")
    assert access.sign_in("alice", "second-password", "127.0.0.1")[1].is_admin
    assert run_cli("accounts", "remove", "vic").returncode == 0
    assert "vic" not in run_cli("accounts", "list").stdout


def test_a_password_is_kept_as_an_argon2id_hash_of_the_products_strength(database: Database) -> None:
    """The product's own parameters (the tests' other processes hash with argon2's cheapest profile)."""
    added = run_cli("accounts", "add", "alice", input="first-password\n", fresh=True)
    assert added.returncode == 0, added.stderr
    with database.engine.connect() as connection:
        (stored,) = connection.exec_driver_sql("SELECT password_hash FROM accounts").one()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert "first-password" not in stored


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("accounts", "add", "bob"), "short\n", "a password needs at least 8 characters"),
        (("accounts", "add", "bob"), "", "no password on standard input"),
        (("accounts", "add", "has space"), "long-enough\n", "a user name is 1 to 64 letters"),
        (("accounts", "remove", "ghost"), "", "there is no account named 'ghost'"),
        (("tokens", "revoke", "ghost"), "", "there is no token named 'ghost'"),
        (("accounts",), "", "accounts: say what to do (add, list, remove, passwd, role, locks, unlock)"),
        (
            ("accounts", "add", "bob", "--role", "god"),
            "long-enough\n",
            "accounts add --role: Input should be 'admin' or 'viewer' (got 'god')",
        ),
    ],
)
def test_a_command_that_cannot_be_done_says_why_in_one_line(args: tuple, stdin: str, message: str) -> None:
    assert message in one_line_error(run_cli(*args, input=stdin))


def test_the_last_admin_cannot_be_removed_and_names_are_unique() -> None:
    run_cli("accounts", "add", "alice", "--role", "admin", input="first-password\n")
    assert "alice is the last admin" in one_line_error(run_cli("accounts", "remove", "alice"))
    assert "exists already" in one_line_error(run_cli("accounts", "add", "alice", input="other-password\n"))


def test_a_token_is_printed_once_and_stored_only_as_a_hash(airdate_env: str) -> None:
    made = run_cli("tokens", "add", "grafana", "--scope", "read")
    token = made.stdout.strip()
    assert token.startswith("adt_") and len(token) > 40
    assert "not shown again" in made.stderr
    listing = run_cli("tokens", "list").stdout
    assert "grafana  read" in listing and token not in listing
    stored = sqlite3.connect(airdate_env.removeprefix("sqlite:///")).execute(
        "SELECT token_hash FROM api_tokens"
    )
    assert [row[0] for row in stored] == [fingerprint(token)]
    assert run_cli("tokens", "revoke", "grafana").returncode == 0
    assert "no tokens" in run_cli("tokens", "list").stdout


def test_listening_beyond_this_machine_needs_an_account() -> None:
    error = one_line_error(run_cli(host="0.0.0.0"))
    assert error.startswith("airdate: refusing to listen on 0.0.0.0 without an account: add one with")
    assert "AIRDATE_AUTH=none" in error


def test_auth_none_is_accepted_with_a_warning_at_every_start(airdate_env: str) -> None:
    server = Server(airdate_env, {"host": "0.0.0.0", "auth": "none"}).start()
    try:
        assert httpx.get(f"{server.url}/api/stats").status_code == 200
    finally:
        printed = server.stop()
    assert "AIRDATE_AUTH=none: nobody signs in" in printed
    assert "AIRDATE_PUBLIC_URL is not set: the manage and unsubscribe links in messages point to" in printed


def test_the_admin_from_the_environment_can_sign_in(airdate_env: str) -> None:
    server = Server(airdate_env, {"admin_user": "root", "admin_password": "container-secret"}).start()
    try:
        with httpx.Client(base_url=server.url) as browser:
            signed_in = browser.post("/login", data={"username": "root", "password": "container-secret"})
            assert signed_in.status_code == 303
            assert browser.get("/accounts").status_code == 200
    finally:
        server.stop()
    assert "root" in run_cli("accounts", "list").stdout


def test_the_generated_cookie_secret_is_kept_across_restarts(airdate_env: str) -> None:
    def meta_secret() -> str:
        connection = sqlite3.connect(airdate_env.removeprefix("sqlite:///"))
        (value,) = connection.execute(
            "SELECT value FROM airdate_meta WHERE key = 'storage_secret'"
        ).fetchone()
        connection.close()
        return value

    first = Server(airdate_env).start()
    with httpx.Client(base_url=first.url) as browser:
        browser.get("/login")
        nicegui_cookie = browser.cookies["session"]
    first.stop()
    secret = meta_secret()
    assert len(secret) >= 40 and secret != "airdate-local"
    second = Server(airdate_env, port=first.port).start()
    try:
        with httpx.Client(base_url=second.url, cookies={"session": nicegui_cookie}) as browser:
            response = browser.get("/login")
        assert "session" not in response.cookies, "the cookie signed before the restart is still valid"
    finally:
        second.stop()
    assert meta_secret() == secret


def test_locks_are_listed_and_cleared_and_a_role_change_ends_the_sessions(database: Database) -> None:
    run_cli("accounts", "add", "alice", "--role", "admin", input="first-password\n")
    access = Access(database)
    for _ in range(5):
        access.admit("alice", "203.0.113.5")
        with pytest.raises(SignInRefused, match="wrong user name or password"):
            access.sign_in("alice", "guess", "203.0.113.5")
    with pytest.raises(SignInRefused, match="too many attempts"):
        access.admit("alice", "203.0.113.5")
    listing = run_cli("accounts", "locks").stdout
    assert "alice" in listing and "203.0.113.5" in listing
    assert "cleared" in run_cli("accounts", "unlock", "alice", "--address", "203.0.113.5").stdout
    assert "no sign-in is locked" in run_cli("accounts", "locks").stdout
    access.admit("alice", "203.0.113.5")
    cookie, _ = access.sign_in("alice", "first-password", "203.0.113.5")
    run_cli("accounts", "add", "bob", "--role", "admin", input="second-password\n")
    result = run_cli("accounts", "role", "alice", "viewer")
    assert "alice is now viewer (1 session ended)" in result.stdout
    assert access.session(cookie) is None
    assert not access.sign_in("alice", "first-password", "127.0.0.1")[1].is_admin
