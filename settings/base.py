"""What every group of settings is built from: flat names (:func:`flat_names`, :class:`Group`), the types
that check themselves (a storage secret long enough, a list of origins), and the constants and error the
rest of Airdate shares with them."""

import re
from typing import Annotated

from pydantic import AfterValidator, AliasGenerator, BaseModel, ConfigDict, SecretStr

SECRET_WORDS = {"secret", "password", "token", "key"}  # a setting named so is never repeated in an error
MIN_SECRET_BYTES = 32  # HMAC keys shorter than the hash (SHA-1: 20, we ask more) are guessable offline
LOCAL_URL = "http://localhost:{port}"  # where links point when AIRDATE_PUBLIC_URL is not set
WEB_ADDRESS = re.compile(r"^(https?://[^/?#\s]+(/[^?#\s]*)?)?$")  # an http(s) address without query, or empty


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
