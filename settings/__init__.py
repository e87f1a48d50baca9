"""Airdate's configuration, by concern: ``settings.smtp.host``, ``settings.auth.admin_password``, ….

Every field also has a flat, public name — its ``validation_alias`` (``smtp_host``) — which is what users
write: ``AIRDATE_SMTP_HOST`` in the environment or ``.env``, ``--smtp-host`` on the command line (read by
:mod:`command_line`), ``Settings.from_flat(smtp_host=…)`` in Python. The flat names are those Airdate has
always had, so existing ``.env`` files keep working. Secrets are ``SecretStr``: they never show in a repr,
a log line or an error message. What start-up derives (the replica's name, the kept cookie secret) is a
frozen :class:`Runtime`, not a setting changed after validation.

The package, by concern: :mod:`settings.base` (flat names, self-checking types, shared constants), the
groups in :mod:`settings.serving`, :mod:`settings.upstreams`, :mod:`settings.mail` and
:mod:`settings.auth`, the whole in :mod:`settings.model`, flat names ↔ groups in :mod:`settings.flat`,
and :mod:`settings.runtime`. Import from ``settings`` itself: it exports them all.
"""

from .auth import AuthSettings
from .base import (
    LOCAL_URL,
    MIN_SECRET_BYTES,
    NO_SECRET,
    SECRET_WORDS,
    ConfigurationError,
    Group,
    Origins,
    StorageSecret,
    flat_names,
    parse_origins,
)
from .flat import Groups, flat_fields, flatten, groups_of, nest
from .mail import DeliverySettings, MessageSettings, SmtpSettings
from .model import Settings
from .runtime import Runtime
from .serving import DatabaseSettings, LiveSettings, ReplicaSettings, ServerSettings, SseSettings
from .upstreams import JellyseerrSettings, SonarrSettings, UpstreamSettings, WebhookSettings

__all__ = [
    "LOCAL_URL",
    "MIN_SECRET_BYTES",
    "NO_SECRET",
    "SECRET_WORDS",
    "AuthSettings",
    "ConfigurationError",
    "DatabaseSettings",
    "DeliverySettings",
    "Group",
    "Groups",
    "JellyseerrSettings",
    "LiveSettings",
    "MessageSettings",
    "Origins",
    "ReplicaSettings",
    "Runtime",
    "ServerSettings",
    "Settings",
    "SmtpSettings",
    "SonarrSettings",
    "SseSettings",
    "StorageSecret",
    "UpstreamSettings",
    "WebhookSettings",
    "flat_fields",
    "flat_names",
    "flatten",
    "groups_of",
    "nest",
    "parse_origins",
]
