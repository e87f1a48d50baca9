"""Whether a text is an e-mail address Airdate can send to.

Jellyseerr keeps a Jellyfin or Emby user's *user name* in its ``email`` field when that user has no
address (``server/routes/auth.ts``), so an ``email`` from Jellyseerr is only a claim: ``email-validator``
decides (syntax only; nothing is looked up on the network).
"""

from email_validator import EmailNotValidError, validate_email


def address_or_none(value: str | None) -> str | None:
    """The address, normalised (the domain in lower case), or None if ``value`` is not one."""
    if not value or not value.strip():
        return None
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def why_not_an_address(value: str) -> str:
    """Why ``value`` cannot be mailed, in words for the console (``value`` is not an address)."""
    if not value.strip():
        return "no e-mail address"
    return f"no e-mail address (Jellyseerr has {value.strip()!r}, which is not one)"
