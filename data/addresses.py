"""Whether a text is an e-mail address Airdate can send to.

Jellyseerr keeps a Jellyfin or Emby user's *user name* in its ``email`` field when that user has no
address (``server/routes/auth.ts``), so an ``email`` from Jellyseerr is only a claim: ``email-validator``
decides, on syntax only (nothing is looked up on the network). Home servers mail addresses the public
internet does not know (``bob@nas.local``, ``root@localhost``, ``me@home.arpa``, ``pi@raspberry``), so
names without a dot and the special-use names a LAN uses are accepted, as email-validator's README says
to (by taking them off ``SPECIAL_USE_DOMAIN_NAMES``, once, on first use).
"""

import re
from functools import cache

import email_validator
from email_validator import EmailNotValidError, validate_email

ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
HOME_NETWORK_NAMES = ("local", "localhost", "arpa", "test")  # reserved for the public internet only


def address_or_none(value: str | None) -> str | None:
    """The address, normalised (the domain in lower case), or None if ``value`` is not one."""
    if not value or not value.strip():
        return None
    _accept_home_networks()
    try:
        checked = validate_email(
            value.strip(), check_deliverability=False, globally_deliverable=False, allow_domain_literal=True
        )
    except EmailNotValidError:
        return None
    return checked.normalized


@cache
def _accept_home_networks() -> None:
    for name in HOME_NETWORK_NAMES:
        if name in email_validator.SPECIAL_USE_DOMAIN_NAMES:
            email_validator.SPECIAL_USE_DOMAIN_NAMES.remove(name)


def why_not_an_address(value: str) -> str:
    """Why ``value`` cannot be mailed, in words for the console (``value`` is not an address)."""
    if not value.strip():
        return "no e-mail address"
    return f"no e-mail address (Jellyseerr has {value.strip()!r}, which is not one)"


def mask_email(email: str) -> str:
    """``lena@example.org`` → ``l***@example.org``: enough to tell addresses apart, not to write to them."""
    local, at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if at else "***"


def mask_addresses(text: str) -> str:
    """Every e-mail address in ``text`` masked (an SMTP server's refusal names the recipient)."""
    return ADDRESS.sub(lambda found: mask_email(found.group(0)), text)


def plain_line(text: str, limit: int) -> str:
    """Text someone else chose (a user name typed at the sign-in form), fit for one log line: control
    characters shown escaped (no forged lines), at most ``limit`` characters."""
    escaped = CONTROL.sub(lambda found: f"\\x{ord(found.group(0)):02x}", text)
    return escaped if len(escaped) <= limit else f"{escaped[:limit]}… ({len(text)} characters)"
