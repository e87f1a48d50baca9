"""Airdate's configuration: one typed Settings class, read from the command line, the environment
(prefix ``AIRDATE_``) and ``.env``, in that order of precedence (pydantic-settings does all three)."""

from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError


class ConfigurationError(Exception):
    """A setting or flag is wrong; the message is the one line the user reads."""


class Settings(BaseSettings):
    """Airdate tells requesters when new episodes land. Flags can also be set as AIRDATE_<NAME> or in .env."""

    model_config = SettingsConfigDict(
        env_prefix="AIRDATE_",
        env_file=".env",
        extra="ignore",
        cli_prog_name="python main.py",
        cli_kebab_case=True,
        cli_implicit_flags=True,
        cli_exit_on_error=False,
        cli_show_env_vars=True,
    )

    host: str = Field("127.0.0.1", description="address to listen on (0.0.0.0 for all interfaces)")
    port: int = Field(8080, ge=1, le=65535, description="HTTP port")
    database_url: str = Field("sqlite:///airdate.sqlite3", description="SQLAlchemy URL of the database")
    demo: bool = Field(False, description="run the demo: its own database, stand-ins and a simulator")
    demo_database_url: str = Field("sqlite:///airdate-demo.sqlite3", description="database of the demo")
    demo_interval: float = Field(2.0, gt=0, description="seconds between two simulated events")
    native: bool = Field(False, description="open the dashboard in a native desktop window")
    recount: bool = Field(False, description="rebuild the stats counters from the tables, print them, exit")
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
    health_timeout: float = Field(5.0, gt=0, description="seconds /healthz waits for the database")
    storage_path: str = Field(
        ".nicegui", description="folder for per-browser choices (theme, refresh interval); must be writable"
    )
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
    storage_secret: str = Field("airdate-local", description="secret for NiceGUI's per-browser storage")


def load_settings(argv: list[str] | None = None) -> Settings:
    """Settings from the environment and ``.env``, and from ``argv`` (flags win) unless it is None.

    Raises ConfigurationError with one line naming the flag or variable; ``--help`` exits as usual."""
    try:
        return Settings() if argv is None else Settings(_cli_parse_args=argv)
    except ValidationError as error:
        raise ConfigurationError(describe(error)) from None
    except SettingsError as error:
        raise ConfigurationError(str(error).removeprefix("error parsing CLI: ")) from None


def describe(error: ValidationError) -> str:
    problem = error.errors()[0]
    name = "_".join(str(part) for part in problem["loc"])
    flag = "--" + name.replace("_", "-")
    return f"AIRDATE_{name.upper()} ({flag}): {problem['msg']} (got {problem.get('input')!r})"
