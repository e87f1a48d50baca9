"""The services Airdate talks to: Jellyseerr and Sonarr (where, with which key, how it calls them) and
what Sonarr's webhook must send."""

from pydantic import Field, SecretStr

from .base import NO_SECRET, Group, WebAddress, flat_names


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
