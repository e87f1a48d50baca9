"""Airdate's configuration, by concern: ``settings.smtp.host``, ``settings.auth.admin_password``, ….

Every field also has a flat, public name — its ``validation_alias`` (``smtp_host``) — which is what users
write: ``AIRDATE_SMTP_HOST`` in the environment or ``.env``, ``--smtp-host`` on the command line (read by
:mod:`command_line`), ``Settings.from_flat(smtp_host=…)`` in Python. The flat names are those Airdate has
always had, so existing ``.env`` files keep working. Secrets are ``SecretStr``: they never show in a repr,
a log line or an error message. What start-up derives (the replica's name, the kept cookie secret) is a
frozen :class:`Runtime`, not a setting changed after validation.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, AliasGenerator, BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic.fields import FieldInfo

SECRET_WORDS = {"secret", "password", "token", "key"}  # a setting named so is never repeated in an error
MIN_SECRET_BYTES = 32  # HMAC keys shorter than the hash (SHA-1: 20, we ask more) are guessable offline
WEB_ADDRESS = re.compile(r"^(https?://[^/?#\s]+(/[^?#\s]*)?)?$")  # an http(s) address without query, or empty
LOCAL_URL = "http://localhost:{port}"  # where links point when AIRDATE_PUBLIC_URL is not set


class ConfigurationError(Exception):
    """A setting or flag is wrong; the message is the one line the user reads."""


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


def _long_enough(secret: SecretStr) -> SecretStr:
    size = len(secret.get_secret_value().encode())
    if 0 < size < MIN_SECRET_BYTES:
        raise ValueError(
            f"needs at least {MIN_SECRET_BYTES} bytes, has {size} (make one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'), or leave it empty"
        )
    return secret


def _web_address(value: str) -> str:
    if not WEB_ADDRESS.match(value):
        raise ValueError("needs an http(s) address with no query, e.g. https://example.org/path, or nothing")
    return value


def _origins(spec: str) -> str:
    parse_origins(spec)
    return spec


# Validators ride in the types (not in @field_validator), so that the flat model built from these
# fields (command_line.flat_model) checks them too and names the flat setting in its error.
StorageSecret = Annotated[SecretStr, AfterValidator(_long_enough)]
Origins = Annotated[str, AfterValidator(_origins)]
WebAddress = Annotated[str, AfterValidator(_web_address)]
NO_SECRET = SecretStr("")


def flat_names(prefix: str = "") -> ConfigDict:
    """A group's configuration: its fields' flat names are ``prefix + name`` unless a field names its own
    (``validation_alias``); fields are set by either name, and checked when assigned."""
    return ConfigDict(
        alias_generator=AliasGenerator(validation_alias=lambda name: prefix + name),
        validate_by_name=True,
        validate_by_alias=True,
        validate_assignment=True,
        extra="forbid",
        hide_input_in_errors=True,  # a secret's value is never in an error's text (errors() keeps it)
    )


class Group(BaseModel):
    """The settings of one concern."""

    model_config = flat_names()


class ServerSettings(Group):
    host: str = Field("127.0.0.1", description="address to listen on (0.0.0.0 for all interfaces)")
    port: int = Field(8080, ge=1, le=65535, description="HTTP port")
    native: bool = Field(False, description="open the dashboard in a native desktop window")
    public_url: WebAddress = Field(
        "",
        description="the address people open Airdate at, for the links in messages "
        "(e.g. https://airdate.example.org; empty: http://localhost:PORT)",
    )
    storage_path: str = Field(
        ".nicegui", description="folder for per-browser choices (theme, refresh interval); must be writable"
    )
    header_timeout: float = Field(
        10.0, gt=0, le=300, description="seconds a client has to send a request's headers (then 408)"
    )
    shutdown_grace: float = Field(1.0, ge=0, description="seconds open streams get when stopping")
    health_timeout: float = Field(5.0, gt=0, description="seconds /healthz waits for the database")


class DatabaseSettings(Group):
    url: str = Field(
        "sqlite:///airdate.sqlite3",
        validation_alias="database_url",
        description="SQLAlchemy URL of the database",
    )
    recount: bool = Field(False, description="rebuild the stats counters from the tables, print them, exit")


class LiveSettings(Group):
    stats_interval: float = Field(5.0, gt=0, description="seconds between two reads of the stats")
    log_events_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        "INFO", description="lowest level of log records sent as log events"
    )


class SseSettings(Group):
    model_config = flat_names("sse_")

    keepalive: float = Field(15.0, gt=0, description="seconds between keepalive comments on /sse")
    queue_size: int = Field(256, ge=1, description="events a slow SSE reader may fall behind")
    send_timeout: float = Field(30.0, gt=0, description="seconds a write to a stalled SSE reader may take")
    replay_events: int = Field(
        1000,
        ge=0,
        validation_alias="replay_events",
        description="events kept for readers that resume (Last-Event-ID)",
    )
    replay_seconds: float = Field(
        900.0,
        ge=0,
        validation_alias="replay_seconds",
        description="seconds events are kept for resuming readers",
    )


class JellyseerrSettings(Group):
    model_config = flat_names("jellyseerr_")

    url: str = Field("", description="Jellyseerr or Overseerr base URL, e.g. http://jellyseerr:5055")
    api_key: SecretStr = Field(NO_SECRET, description="Jellyseerr API key (Settings → General)")
    public_url: WebAddress = Field(
        "",
        description="the address people open Jellyseerr at, for the request links in messages "
        "(e.g. https://requests.example.org; empty: AIRDATE_JELLYSEERR_URL)",
    )


class SonarrSettings(Group):
    model_config = flat_names("sonarr_")

    url: str = Field("", description="Sonarr base URL, e.g. http://sonarr:8989")
    api_key: SecretStr = Field(NO_SECRET, description="Sonarr API key (Settings → General)")


class UpstreamSettings(Group):
    """How Airdate calls Jellyseerr and Sonarr."""

    sync_interval: float = Field(
        900.0,
        ge=0,
        description="seconds between two scheduled syncs of users and requests and reads of Sonarr's "
        "calendar (0: only by hand)",
    )
    http_timeout: float = Field(
        10.0, gt=0, description="seconds before a call to Jellyseerr or Sonarr gives up"
    )
    http_retries: int = Field(
        3, ge=0, description="retries (with backoff) of a failed call to Jellyseerr or Sonarr"
    )


class WebhookSettings(Group):
    """What Sonarr's webhook must send."""

    model_config = flat_names("webhook_")

    username: str = Field("", description="user name Sonarr's webhook sends (basic auth)")
    password: SecretStr = Field(NO_SECRET, description="password Sonarr's webhook sends (basic auth)")
    secret: SecretStr = Field(
        NO_SECRET, description="or: a secret Sonarr sends as ?secret=... in the webhook URL"
    )


class SmtpSettings(Group):
    model_config = flat_names("smtp_")

    host: str = Field("", description="SMTP server that delivers the e-mails")
    port: int = Field(587, ge=1, le=65535, description="SMTP port")
    tls: Literal["none", "starttls", "tls"] = Field("starttls", description="none, starttls or tls")
    username: str = Field("", description="SMTP user name (empty: no login)")
    password: SecretStr = Field(NO_SECRET, description="SMTP password")
    sender: str = Field(
        "Airdate <airdate@localhost>",
        validation_alias="smtp_from",
        description="From: address of the e-mails",
    )


class MessageSettings(Group):
    """What a message carries besides the episodes' names."""

    poster_base_url: WebAddress = Field(
        "https://image.tmdb.org/t/p/w342",
        description="where the shows' posters are (TMDB's image host and size; Jellyseerr's posterPath "
        "is appended)",
    )


class DeliverySettings(Group):
    """When notifications are batched, sent and tried again."""

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


class AuthSettings(Group):
    """Who may use Airdate, and what signs its cookies and links."""

    mode: Literal["accounts", "none"] = Field(
        "accounts",
        validation_alias="auth",
        description="none: no sign-in at all, even when reachable from other machines (risky)",
    )
    session_hours: float = Field(12.0, gt=0, description="hours a sign-in lasts")
    admin_user: str = Field(
        "", description="create or update this admin at start (with AIRDATE_ADMIN_PASSWORD)"
    )
    admin_password: SecretStr = Field(NO_SECRET, description="password of AIRDATE_ADMIN_USER")
    trusted_proxies: str = Field(
        "",
        description="addresses of reverse proxies whose X-Forwarded-* headers are believed (comma-separated)",
    )
    auth_header: str = Field(
        "", description="header a trusted authenticating proxy sets to the signed-in user, e.g. Remote-User"
    )
    metrics_public: bool = Field(False, description="serve /metrics without credentials (private networks)")
    cors_origins: Origins = Field(
        "",
        description="origins whose pages may read /sse/stats and the read API with a token, comma-separated "
        "(e.g. https://dash.example.org; empty: none)",
    )
    storage_secret: StorageSecret = Field(
        NO_SECRET,
        description="secret that signs browser cookies and the links in messages, at least 32 bytes "
        "(empty: generated once and kept in the database)",
    )


class ReplicaSettings(Group):
    """This process among several serving one database."""

    name: str = Field(
        "",
        pattern=r"^[A-Za-z0-9._-]*$",
        validation_alias="replica_name",
        description="this replica's name in log events, /metrics, the page footer and the sticky cookie "
        "(empty: the host name)",
    )
    job_lease: float = Field(
        30.0,
        gt=0,
        description="seconds a running action's replica may go without renewing it before another replica "
        "marks it failed (the replica died)",
    )


class Settings(BaseModel):
    """Airdate's settings, one group per concern (see the module's docstring for the flat names)."""

    model_config = ConfigDict(validate_assignment=True, extra="forbid", hide_input_in_errors=True)

    server: ServerSettings = Field(default_factory=ServerSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    live: LiveSettings = Field(default_factory=LiveSettings)
    sse: SseSettings = Field(default_factory=SseSettings)
    jellyseerr: JellyseerrSettings = Field(default_factory=JellyseerrSettings)
    sonarr: SonarrSettings = Field(default_factory=SonarrSettings)
    upstream: UpstreamSettings = Field(default_factory=UpstreamSettings)
    webhook: WebhookSettings = Field(default_factory=WebhookSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    messages: MessageSettings = Field(default_factory=MessageSettings)
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    replica: ReplicaSettings = Field(default_factory=ReplicaSettings)

    @model_validator(mode="after")
    def _rules_across_fields(self) -> Self:
        """Settings that only make sense together; the message is the line the user reads."""
        auth = self.auth
        if bool(auth.admin_user) != bool(auth.admin_password.get_secret_value()):
            raise ValueError("set both AIRDATE_ADMIN_USER and AIRDATE_ADMIN_PASSWORD, or neither")
        if auth.auth_header and not any(part.strip() for part in auth.trusted_proxies.split(",")):
            raise ValueError(
                "AIRDATE_AUTH_HEADER needs AIRDATE_TRUSTED_PROXIES: whose header would it believe?"
            )
        return self

    @classmethod
    def from_flat(cls, **values: Any) -> Self:
        """Settings from flat names (``port=9000, smtp_host="mail"``); the others keep their defaults."""
        return cls.model_validate(nest(groups_of(cls), values))

    def replace(self, **values: Any) -> Self:
        """A copy with some settings changed, by flat name, checked like the originals."""
        return self.from_flat(**{**flatten(self), **values})


Groups = Mapping[str, type[BaseModel]]  # a group's name → its model, e.g. "smtp" → SmtpSettings


def groups_of(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """The groups a settings model is made of (each of its fields is one)."""
    found = {}
    for group, holder in model.model_fields.items():
        assert isinstance(holder.annotation, type) and issubclass(holder.annotation, BaseModel)
        found[group] = holder.annotation
    return found


def flat_fields(groups: Groups) -> dict[str, tuple[str, str, FieldInfo]]:
    """Each flat name in ``groups`` → (group, field, the field's definition)."""
    found = {}
    for group, model in groups.items():
        for name, field in model.model_fields.items():
            assert isinstance(field.validation_alias, str), f"{group}.{name} has no flat name"
            found[field.validation_alias] = (group, name, field)
    return found


def nest(groups: Groups, values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Flat values (``{"smtp_host": …}``) → values by group (``{"smtp": {"smtp_host": …}}``)."""
    names = flat_fields(groups)
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise TypeError(f"no such setting: {', '.join(unknown)}")
    nested: dict[str, dict[str, Any]] = {group: {} for group in groups}
    for flat, value in values.items():
        nested[names[flat][0]][flat] = value  # by flat name: an error's location names it
    return nested


def flatten(settings: BaseModel) -> dict[str, Any]:
    """A settings model's values by flat name (secrets stay SecretStr)."""
    return {
        flat: getattr(getattr(settings, group), name)
        for flat, (group, name, _) in flat_fields(groups_of(type(settings))).items()
    }


@dataclass(frozen=True)
class Runtime:
    """What start-up derives from the settings, the machine and the database; never changed afterwards."""

    replica_name: str  # AIRDATE_REPLICA_NAME, else the host name (made cookie- and label-safe)
    storage_secret: SecretStr  # AIRDATE_STORAGE_SECRET, else the one kept in the database
    public_url: str  # where the links in messages point: AIRDATE_PUBLIC_URL, else http://localhost:PORT
