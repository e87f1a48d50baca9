"""Airdate's configuration: one typed Settings class, read from the command line, the environment
(prefix ``AIRDATE_``) and ``.env``, in that order of precedence (pydantic-settings does all three)."""

from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    CliPositionalArg,
    CliSubCommand,
    SettingsConfigDict,
    SettingsError,
    get_subcommand,
)

SECRET_WORDS = {"secret", "password", "token"}  # a setting named so is never repeated in an error
MIN_SECRET_BYTES = 32  # HMAC keys shorter than the hash (SHA-1: 20, we ask more) are guessable offline


class ConfigurationError(Exception):
    """A setting or flag is wrong; the message is the one line the user reads."""


class AccountAdd(BaseModel):
    """Add an account: the password is asked for twice, or read as one line from standard input."""

    name: CliPositionalArg[str] = Field(description="user name")
    role: Literal["admin", "viewer"] = Field("viewer", description="admin or viewer")


class AccountName(BaseModel):
    name: CliPositionalArg[str] = Field(description="user name")


class AccountRole(BaseModel):
    """Make an account an admin or a viewer; its sessions end (its pages and streams close)."""

    name: CliPositionalArg[str] = Field(description="user name")
    role: CliPositionalArg[Literal["admin", "viewer"]] = Field(description="admin or viewer")


class AccountUnlock(BaseModel):
    """Forget the sign-in tries for a name, from everywhere or from one address."""

    name: CliPositionalArg[str] = Field(description="user name (* for an address's tries for all names)")
    address: str = Field("", description="only the tries from this client address")


class Nothing(BaseModel):
    pass


class AccountsCommand(BaseModel):
    """Console accounts (the server may be running)."""

    add: CliSubCommand[AccountAdd] = Field(description="add an account")
    list_: CliSubCommand[Nothing] = Field(alias="list", description="list the accounts")
    remove: CliSubCommand[AccountName] = Field(description="remove an account (and end its sessions)")
    passwd: CliSubCommand[AccountName] = Field(description="set an account's password (its sessions end)")
    role: CliSubCommand[AccountRole] = Field(description="make an account admin or viewer (its sessions end)")
    locks: CliSubCommand[Nothing] = Field(description="list the sign-ins locked out or slowed down")
    unlock: CliSubCommand[AccountUnlock] = Field(description="clear the sign-in lock of a name")


class TokenAdd(BaseModel):
    """Create an API token and print it; it is shown this once."""

    name: CliPositionalArg[str] = Field(description="what the token is for, e.g. grafana")
    scope: Literal["read", "admin"] = Field(
        "read", description="read: streams, stats, jobs, metrics; admin: also actions"
    )


class TokenName(BaseModel):
    name: CliPositionalArg[str] = Field(description="the token's name")


class Revision(BaseModel):
    revision: CliPositionalArg[str] = Field(description="a revision (see `db history`), or base")


class DatabaseCommand(BaseModel):
    """Migrate the configured database (the server upgrades it at start by itself)."""

    upgrade: CliSubCommand[Nothing] = Field(description="migrate to the newest revision")
    current: CliSubCommand[Nothing] = Field(description="show the revision the database is at")
    downgrade: CliSubCommand[Revision] = Field(
        description="migrate down to REVISION (base: drop every table)"
    )
    history: CliSubCommand[Nothing] = Field(description="list the revisions, oldest first")


class TokensCommand(BaseModel):
    """API tokens for programs (the server may be running; a revoked token's streams end within 1 s)."""

    add: CliSubCommand[TokenAdd] = Field(description="create a token")
    list_: CliSubCommand[Nothing] = Field(alias="list", description="list the tokens")
    revoke: CliSubCommand[TokenName] = Field(description="revoke a token")


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
    header_timeout: float = Field(
        10.0, gt=0, le=300, description="seconds a client has to send a request's headers (then 408)"
    )
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
    sync_interval: float = Field(
        900.0, ge=0, description="seconds between two scheduled syncs of users and requests (0: only by hand)"
    )
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
    claim_lease: float = Field(
        600.0,
        gt=0,
        description="seconds before a batch claimed by a sender that never finished is sent again",
    )
    job_lease: float = Field(
        30.0,
        gt=0,
        description="seconds a running action's replica may go without renewing it before another replica "
        "marks it failed (the replica died)",
    )
    public_url: str = Field(
        "",
        pattern=r"^(https?://[^/?#\s]+(/[^?#\s]*)?)?$",
        description="the address people open Airdate at, for the links in messages "
        "(e.g. https://airdate.example.org; empty: http://localhost:PORT)",
    )
    storage_secret: str = Field(
        "",
        description="secret that signs browser cookies and the links in messages, at least 32 bytes "
        "(empty: generated once and kept in the database)",
    )

    @field_validator("storage_secret")
    @classmethod
    def _long_enough(cls, secret: str) -> str:
        if secret and len(secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(
                f"needs at least {MIN_SECRET_BYTES} bytes, has {len(secret.encode())} (make one with: "
                "python -c 'import secrets; print(secrets.token_urlsafe(32))'), or leave it empty"
            )
        return secret

    auth: Literal["accounts", "none"] = Field(
        "accounts", description="none: no sign-in at all, even when reachable from other machines (risky)"
    )
    session_hours: float = Field(12.0, gt=0, description="hours a sign-in lasts")
    admin_user: str = Field(
        "", description="create or update this admin at start (with AIRDATE_ADMIN_PASSWORD)"
    )
    admin_password: str = Field("", description="password of AIRDATE_ADMIN_USER")
    trusted_proxies: str = Field(
        "",
        description="addresses of reverse proxies whose X-Forwarded-* headers are believed (comma-separated)",
    )
    auth_header: str = Field(
        "", description="header a trusted authenticating proxy sets to the signed-in user, e.g. Remote-User"
    )
    metrics_public: bool = Field(False, description="serve /metrics without credentials (private networks)")
    cors_origins: str = Field(
        "",
        description="origins whose pages may read /sse/stats and the read API with a token, comma-separated "
        "(e.g. https://dash.example.org; empty: none)",
    )

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, spec: str) -> str:
        parse_origins(spec)
        return spec

    replica_name: str = Field(
        "",
        pattern=r"^[A-Za-z0-9._-]*$",
        description="this replica's name in log events, /metrics, the page footer and the sticky cookie "
        "(empty: the host name)",
    )


class CommandLine(Settings):
    """Airdate tells requesters when new episodes land. Flags can also be set as AIRDATE_<NAME> or in .env."""

    accounts: CliSubCommand[AccountsCommand] = Field(description="manage console accounts")
    tokens: CliSubCommand[TokensCommand] = Field(description="manage API tokens")
    db: CliSubCommand[DatabaseCommand] = Field(description="migrate the database")

    def command(self) -> tuple[str, str, BaseModel] | None:
        """(group, action, arguments) of a subcommand such as ``accounts add alice``; None to serve."""
        group = get_subcommand(self, is_required=False)
        if group is None:
            return None
        name = next(key for key in type(self).model_fields if getattr(self, key) is group)
        action = get_subcommand(group, is_required=False)
        if action is None:
            raise ConfigurationError(f"{name}: say what to do ({', '.join(_actions(group))}); see --help")
        verb = next(key for key in type(group).model_fields if getattr(group, key) is action)
        return name, verb.rstrip("_"), action


def load_settings(argv: list[str] | None = None) -> Settings:
    """Settings from the environment and ``.env``, and from ``argv`` (flags win) unless it is None.

    Raises ConfigurationError with one line naming the flag or variable; ``--help`` exits as usual."""
    try:
        return Settings() if argv is None else CommandLine(_cli_parse_args=argv)
    except ValidationError as error:
        raise ConfigurationError(describe(error)) from None
    except SettingsError as error:
        raise ConfigurationError(str(error).removeprefix("error parsing CLI: ")) from None


def _actions(group: BaseModel) -> list[str]:
    return [field.alias or name for name, field in type(group).model_fields.items()]


def describe(error: ValidationError) -> str:
    problem = error.errors()[0]
    where = [str(part) for part in problem["loc"]]
    if where[0] in CommandLine.model_fields and where[0] not in Settings.model_fields:  # a subcommand option
        command = " ".join(part.rstrip("_") for part in where[:-1])
        return f"{command} --{where[-1].replace('_', '-')}: {problem['msg']} (got {problem.get('input')!r})"
    name = "_".join(where)
    flag = "--" + name.replace("_", "-")
    message = problem["msg"].removeprefix("Value error, ")
    got = "" if SECRET_WORDS & set(where[-1].split("_")) else f" (got {problem.get('input')!r})"
    return f"AIRDATE_{name.upper()} ({flag}): {message}{got}"


def parse_origins(spec: str) -> list[str]:
    """``https://a.example, http://localhost:3000`` → the origins; ValueError for anything else."""
    origins = [part.strip().rstrip("/") for part in spec.split(",") if part.strip()]
    for origin in origins:
        scheme, _, rest = origin.partition("://")
        if scheme not in ("http", "https") or not rest or "/" in rest or "*" in rest:
            raise ValueError(
                f"{origin!r} is not an origin like https://dashboard.example.org (no path, no *)"
            )
    return origins
