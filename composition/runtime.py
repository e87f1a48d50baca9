"""What start-up derives once: the replica's name, the cookie-signing secret and the links' address (a
frozen :class:`settings.Runtime`)."""

import re
import secrets
import socket

from pydantic import SecretStr

from data import Database, meta
from settings import LOCAL_URL, Runtime, Settings


def replica_name(settings: Settings) -> str:
    """AIRDATE_REPLICA_NAME, else this machine's host name (a container's id), made cookie- and label-safe."""
    return settings.replica.name or re.sub(r"[^A-Za-z0-9._-]", "-", socket.gethostname()) or "airdate"


def derive_runtime(settings: Settings, database: Database) -> Runtime:
    """What is derived once at start: the replica's name, the cookie-signing secret (AIRDATE_STORAGE_SECRET,
    else made once, at random, and kept in the database: replicas share it), the links' address."""
    secret = settings.auth.storage_secret
    if not secret.get_secret_value():
        secret = SecretStr(database.write_quietly(meta.once, "storage_secret", secrets.token_urlsafe(32)))
    return Runtime(
        replica_name=replica_name(settings),
        storage_secret=secret,
        public_url=settings.server.public_url or LOCAL_URL.format(port=settings.server.port),
    )
