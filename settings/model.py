"""The whole configuration: one group per concern, the rules across groups, and the making of it from
flat names."""

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .auth import AuthSettings
from .flat import flatten, groups_of, nest
from .mail import DeliverySettings, MessageSettings, SmtpSettings
from .serving import DatabaseSettings, LiveSettings, ReplicaSettings, ServerSettings, SseSettings
from .upstreams import JellyseerrSettings, SonarrSettings, UpstreamSettings, WebhookSettings


class Settings(BaseModel):
    """Airdate's settings, one group per concern (see the package's docstring for the flat names)."""

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
