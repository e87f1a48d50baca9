"""Every setting name Airdate had before its settings were grouped by concern (commit e16feab, listed in
tests/fixtures/settings_e16feab.txt) still arrives where it belongs: set in the environment, in ``.env``
and as a flag, read the way ``python main.py`` reads them (main.parse)."""

import os
from pathlib import Path

import pytest
from pydantic import SecretStr

from command_line import CommandLine
from main import parse

NAMES = [
    line
    for line in (Path(__file__).parent / "fixtures" / "settings_e16feab.txt").read_text().splitlines()
    if line and not line.startswith("#")
]

# name → (a value other than the default, where it must arrive). All at once they satisfy the rules
# across settings (an admin with a password, an auth header with trusted proxies).
ARRIVES = {
    "host": ("0.0.0.0", "server.host"),
    "port": ("9123", "server.port"),
    "database_url": ("sqlite:///elsewhere.sqlite3", "database.url"),
    "demo": ("true", "demo.enabled"),
    "demo_database_url": ("sqlite:///demo-elsewhere.sqlite3", "demo.database_url"),
    "demo_interval": ("0.5", "demo.interval"),
    "native": ("true", "server.native"),
    "recount": ("true", "database.recount"),
    "stats_interval": ("7.5", "live.stats_interval"),
    "sse_keepalive": ("3.5", "sse.keepalive"),
    "sse_queue_size": ("64", "sse.queue_size"),
    "sse_send_timeout": ("4.5", "sse.send_timeout"),
    "replay_events": ("12", "sse.replay_events"),
    "replay_seconds": ("60.0", "sse.replay_seconds"),
    "log_events_level": ("WARNING", "live.log_events_level"),
    "shutdown_grace": ("2.5", "server.shutdown_grace"),
    "header_timeout": ("20.0", "server.header_timeout"),
    "health_timeout": ("1.5", "server.health_timeout"),
    "storage_path": ("/var/lib/airdate", "server.storage_path"),
    "jellyseerr_url": ("http://jellyseerr:5055", "jellyseerr.url"),
    "jellyseerr_api_key": ("jelly-key", "jellyseerr.api_key"),
    "sonarr_url": ("http://sonarr:8989", "sonarr.url"),
    "sonarr_api_key": ("sonarr-key", "sonarr.api_key"),
    "webhook_username": ("sonarr", "webhook.username"),
    "webhook_password": ("hook-password", "webhook.password"),
    "webhook_secret": ("hook-secret", "webhook.secret"),
    "sync_interval": ("60.0", "upstream.sync_interval"),
    "http_timeout": ("3.0", "upstream.http_timeout"),
    "http_retries": ("1", "upstream.http_retries"),
    "smtp_host": ("mail.example.org", "smtp.host"),
    "smtp_port": ("2525", "smtp.port"),
    "smtp_tls": ("tls", "smtp.tls"),
    "smtp_username": ("mailer", "smtp.username"),
    "smtp_password": ("mail-password", "smtp.password"),
    "smtp_from": ("Shows <shows@example.org>", "smtp.sender"),
    "grouping_delay": ("30.0", "delivery.grouping_delay"),
    "send_interval": ("5.0", "delivery.send_interval"),
    "send_attempts": ("2", "delivery.send_attempts"),
    "claim_lease": ("120.0", "delivery.claim_lease"),
    "job_lease": ("10.0", "replica.job_lease"),
    "public_url": ("https://airdate.example.org", "server.public_url"),
    "storage_secret": ("s" * 40, "auth.storage_secret"),
    "auth": ("none", "auth.mode"),
    "session_hours": ("2.0", "auth.session_hours"),
    "admin_user": ("root", "auth.admin_user"),
    "admin_password": ("root-password", "auth.admin_password"),
    "trusted_proxies": ("10.0.0.0/8", "auth.trusted_proxies"),
    "auth_header": ("Remote-User", "auth.auth_header"),
    "metrics_public": ("true", "auth.metrics_public"),
    "cors_origins": ("https://dash.example.org", "auth.cors_origins"),
    "replica_name": ("blue-1", "replica.name"),
}


def arrived(asked: CommandLine, where: str) -> str:
    group, name = where.split(".")
    holder = asked.plugins[group] if group in asked.plugins else getattr(asked.settings, group)
    value = getattr(holder, name)
    return str(value.get_secret_value() if isinstance(value, SecretStr) else value)


def assert_all_arrived(asked: CommandLine) -> None:
    for name in NAMES:
        value, where = ARRIVES[name]
        assert arrived(asked, where).lower() == value.lower(), f"{name} did not arrive at {where}"


def test_the_list_is_the_one_of_e16feab_and_each_name_has_a_place() -> None:
    assert len(NAMES) == 51 and NAMES[0] == "host" and NAMES[-1] == "replica_name"
    assert sorted(ARRIVES) == sorted(NAMES)


def test_every_old_name_arrives_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in NAMES:
        monkeypatch.setenv(f"AIRDATE_{name.upper()}", ARRIVES[name][0])
    assert_all_arrived(parse([]))


def test_every_old_name_arrives_from_dot_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in [k for k in os.environ if k.startswith("AIRDATE_")]:
        monkeypatch.delenv(variable)  # the test's own (conftest's airdate_env) would win over .env
    lines = [f"AIRDATE_{name.upper()}={ARRIVES[name][0]!r}" for name in NAMES]
    (tmp_path / ".env").write_text("\n".join(lines) + "\n")
    monkeypatch.chdir(tmp_path)
    assert_all_arrived(parse([]))


def test_every_old_name_arrives_as_a_flag() -> None:
    argv: list[str] = []
    for name in NAMES:
        value = ARRIVES[name][0]
        flag = f"--{name.replace('_', '-')}"
        argv += [flag] if value == "true" else [flag, value]  # booleans are flags without a value
    assert_all_arrived(parse(argv))


def test_a_flag_wins_over_the_environment_which_wins_over_dot_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("AIRDATE_SMTP_HOST=from-dot-env\nAIRDATE_DEMO_INTERVAL=3\n")
    monkeypatch.chdir(tmp_path)
    assert parse([]).settings.smtp.host == "from-dot-env"
    monkeypatch.setenv("AIRDATE_SMTP_HOST", "from-environment")
    monkeypatch.setenv("AIRDATE_DEMO_INTERVAL", "4")
    assert parse([]).settings.smtp.host == "from-environment"
    asked = parse(["--smtp-host", "from-flag", "--demo-interval", "5"])
    assert asked.settings.smtp.host == "from-flag"
    assert arrived(asked, "demo.interval") == "5.0"
