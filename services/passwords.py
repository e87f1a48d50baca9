"""Passwords: hashing them with argon2id and checking one against its stored hash.

argon2-cffi's default profile, RFC 9106's low-memory one: memory-hard, 64 MiB per hash. Hashing blocks
(a tenth of a second of CPU): call it from a worker thread, never on the event loop.
"""

import secrets
from functools import cached_property

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from .principals import AccessError

MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # longer ones are refused before argon2 spends time on them
HASHING: Parameters = profiles.RFC_9106_LOW_MEMORY  # the tests use argon2's CHEAPEST (tests/conftest.py)


class Passwords:
    """Hashes with the parameters :data:`HASHING` has when this is made."""

    def __init__(self) -> None:
        self._hasher = PasswordHasher.from_parameters(HASHING)

    @cached_property
    def _dummy_hash(self) -> str:
        """What a name that does not exist is checked against; made on the first such sign-in, not at
        start (an argon2 hash is 64 MiB and a tenth of a second of CPU)."""
        return self._hasher.hash(secrets.token_hex(16))

    def hash(self, password: str) -> str:
        if len(password) < MIN_PASSWORD:
            raise AccessError(f"a password needs at least {MIN_PASSWORD} characters")
        if len(password) > MAX_PASSWORD:
            raise AccessError(f"a password has at most {MAX_PASSWORD} characters")
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """argon2 runs for unknown names too, so that their answer takes as long as a wrong password."""
        try:
            return self._hasher.verify(stored or self._dummy_hash, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False
