"""What start-up derives from the settings (the replica's name, the kept cookie secret, the links'
address): frozen, not a setting changed after validation."""

from dataclasses import dataclass

from pydantic import SecretStr


@dataclass(frozen=True)
class Runtime:
    """What start-up derives from the settings, the machine and the database; never changed afterwards."""

    replica_name: str  # AIRDATE_REPLICA_NAME, else the host name (made cookie- and label-safe)
    storage_secret: SecretStr  # AIRDATE_STORAGE_SECRET, else the one kept in the database
    public_url: str  # where the links in messages point: AIRDATE_PUBLIC_URL, else http://localhost:PORT
