"""Who may use Airdate (accounts, an authenticating proxy, tokens from other origins), and what signs its
cookies and links."""

from typing import Literal

from pydantic import Field, SecretStr

from .base import NO_SECRET, Group, Origins, StorageSecret


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
