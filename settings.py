"""Airdate's configuration: one typed Settings class (environment, prefix AIRDATE_) plus the CLI."""

import argparse
import sys
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AIRDATE_", env_file=".env", extra="ignore")

    host: str = Field("127.0.0.1", description="address to listen on (0.0.0.0 for all interfaces)")
    port: int = Field(8080, ge=1, le=65535, description="HTTP port")
    database_url: str = Field("sqlite:///airdate.sqlite3", description="SQLAlchemy URL of the database")
    demo: bool = Field(False, description="run the demo: its own database and a simulator")
    demo_database_url: str = Field("sqlite:///airdate-demo.sqlite3", description="database of the demo")
    demo_interval: float = Field(2.0, gt=0, description="seconds between two simulated events")
    native: bool = Field(False, description="open the dashboard in a native desktop window")
    stats_interval: float = Field(5.0, gt=0, description="seconds between two reads of the stats")
    sse_keepalive: float = Field(15.0, gt=0, description="seconds between keepalive comments on /sse")
    sse_queue_size: int = Field(256, ge=1, description="events a slow SSE reader may fall behind")
    sse_send_timeout: float = Field(
        30.0, gt=0, description="seconds a write to a stalled SSE reader may take"
    )
    replay_events: int = Field(1000, ge=0, description="events kept for readers that resume (Last-Event-ID)")
    replay_seconds: float = Field(900.0, ge=0, description="seconds events are kept for resuming readers")
    log_events_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        "INFO", description="lowest level of log records sent as log events"
    )
    shutdown_grace: float = Field(1.0, ge=0, description="seconds open streams get when stopping")
    jellyseerr_url: str = Field(
        "", description="Jellyseerr or Overseerr base URL, e.g. http://jellyseerr:5055"
    )
    jellyseerr_api_key: str = Field("", description="Jellyseerr API key (Settings → General)")
    sonarr_url: str = Field("", description="Sonarr base URL, e.g. http://sonarr:8989")
    sonarr_api_key: str = Field("", description="Sonarr API key (Settings → General)")
    webhook_username: str = Field("", description="user name Sonarr's webhook sends (basic auth)")
    webhook_password: str = Field("", description="password Sonarr's webhook sends (basic auth)")
    webhook_secret: str = Field("", description="or: a secret Sonarr sends as ?secret=... in the webhook URL")
    http_timeout: float = Field(
        10.0, gt=0, description="seconds before a call to Jellyseerr or Sonarr gives up"
    )
    http_retries: int = Field(
        3, ge=0, description="retries (with backoff) of a failed call to Jellyseerr or Sonarr"
    )
    smtp_host: str = Field("", description="SMTP server that delivers the e-mails")
    smtp_port: int = Field(587, ge=1, le=65535, description="SMTP port")
    smtp_tls: Literal["none", "starttls", "tls"] = Field("starttls", description="none, starttls or tls")
    smtp_username: str = Field("", description="SMTP user name (empty: no login)")
    smtp_password: str = Field("", description="SMTP password")
    smtp_from: str = Field("Airdate <airdate@localhost>", description="From: address of the e-mails")
    grouping_delay: float = Field(
        300.0, ge=0, description="seconds after a user's newest pending item before a batch goes"
    )
    send_interval: float = Field(15.0, gt=0, description="seconds between two checks for batches to send")
    send_attempts: int = Field(5, ge=1, description="attempts before a notification is marked failed")
    recount: bool = Field(False, description="rebuild the stats counters from the tables, then exit")
    storage_secret: str = Field("airdate-local", description="secret for NiceGUI's per-browser storage")

    @property
    def effective_database_url(self) -> str:
        return self.demo_database_url if self.demo else self.database_url


def load_settings(argv: list[str] | None) -> Settings:
    """Settings from the environment, overridden by command-line flags; exits with a one-line message."""
    try:
        settings = Settings()
    except ValidationError as error:
        sys.exit(f"airdate: {_describe(error)}")
    if argv is None:
        return settings
    args = _parser(settings).parse_args(argv)
    try:
        return Settings.model_validate({**settings.model_dump(), **vars(args)})
    except ValidationError as error:
        sys.exit(f"airdate: {_describe(error)}")


def _parser(defaults: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"python {Path(sys.argv[0]).name}",
        description="Airdate: e-mails requesters when new episodes of their TV shows land; "
        "live admin console. Every flag can also be set as AIRDATE_<NAME> in the environment.",
    )
    parser.add_argument(
        "--host", default=defaults.host, help=f"address to listen on (default {defaults.host})"
    )
    parser.add_argument(
        "--port", type=int, default=defaults.port, help=f"HTTP port (default {defaults.port})"
    )
    parser.add_argument(
        "--demo",
        action=argparse.BooleanOptionalAction,
        default=defaults.demo,
        help=f"run the demo on its own SQLite file ({defaults.demo_database_url}) with a simulator",
    )
    parser.add_argument(
        "--native",
        action=argparse.BooleanOptionalAction,
        default=defaults.native,
        help="open the dashboard in a native desktop window (needs the 'native' extra)",
    )
    parser.add_argument(
        "--recount",
        action="store_true",
        default=False,
        help="rebuild the stats counters from the tables of the database, print them and exit",
    )
    return parser


def _describe(error: ValidationError) -> str:
    problem = error.errors()[0]
    name = "_".join(str(part) for part in problem["loc"]).upper()
    return f"AIRDATE_{name}: {problem['msg']} (got {problem.get('input')!r})"
