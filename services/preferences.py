"""A user's notification settings, as use cases: read them, change them, add or remove a channel,
unsubscribe. The REST API, the admin's user page and the requester's signed-link pages all call these,
so the same change leaves the same audit line wherever it was made.

Each one hands the database work to a worker thread, writes the audit line (who acted, what changed,
how many queued items it skipped) and raises the domain's errors: :class:`NotFound`, or
:class:`InvalidPreference` / ``ValueError`` (an Apprise URL that cannot be used) with the reason.
``by`` names who acts, as audit lines do: ``alice``, ``token ci``, or :data:`OWN_LINK`.
"""

import asyncio
import logging
from dataclasses import dataclass

from data import Database
from data import preferences as stored
from data.models import NotifyMode
from data.preferences import InvalidPreference, Preferences

from . import channels
from .i18n import Language, language

audit = logging.getLogger("airdate.audit")
OWN_LINK = "the user's own link"  # ``by`` for what a requester does through a signed link

__all__ = ["OWN_LINK", "InvalidPreference", "NotFound", "Preferences", "UserSettings"]


class NotFound(LookupError):
    """No such user (any more), or not one of their channels; the message says which."""


@dataclass(frozen=True)
class UserSettings:
    database: Database
    default_locale: str = "en"  # AIRDATE_DEFAULT_LOCALE: for people whose Jellyseerr names no language

    def language(self, settings: Preferences) -> Language:
        """The language of the person's own pages (their messages speak it too)."""
        return language(settings.locale, self.default_locale)

    async def read(self, user_id: int) -> Preferences:
        return await self._call(self.database.read, stored.read, user_id)

    async def update(self, user_id: int, *, by: str, muted: set[int] | None = None, **changes: object) -> int:
        """Change what is given (mode, digest_at, time_zone, email_enabled, email; muted: the whole set);
        how many queued items became ``skipped``."""
        before = await self.read(user_id)
        skipped = await self._call(self.database.write, stored.update, user_id, muted=muted, **changes)
        changed = sorted([*changes, *(["muted"] if muted is not None else [])])
        audit.info(
            "%s changed %s of user %d (%s); %d queued item(s) skipped",
            by,
            ", ".join(changed) or "nothing",
            user_id,
            before.username,
            skipped,
        )
        return skipped

    async def unsubscribe(self, user_id: int, *, where: str) -> int:
        """The user turns every notification off (``where``: "with the one-click link of an e-mail", "on
        the page of their link"); how many queued items became ``skipped``."""
        skipped = await self._call(self.database.write, stored.update, user_id, mode=NotifyMode.OFF.value)
        audit.info("user %d unsubscribed %s; %d queued item(s) skipped", user_id, where, skipped)
        return skipped

    async def add_channel(self, user_id: int, url: str, *, by: str) -> tuple[int, str]:
        """A new Apprise channel; (its id, its masked label). ValueError with the reason for a URL that
        cannot be used (Apprise loads its plug-ins on first use: the thread matters)."""
        user = await self.read(user_id)
        channel_id, label = await self._call(channels.add, self.database, user_id, url)
        audit.info("%s added channel %d (%s) for user %d (%s)", by, channel_id, label, user_id, user.username)
        return channel_id, label

    async def remove_channel(self, user_id: int, channel_id: int, *, by: str) -> int:
        """Stop using one of the user's channels; how many queued items became ``skipped``."""
        user = await self.read(user_id)
        labels = {channel.id: channel.label for channel in user.channels}
        skipped = await self._call(self.database.write, stored.remove_channel, user_id, channel_id)
        audit.info(
            "%s removed channel %d (%s) of user %d (%s); %d queued item(s) skipped",
            by,
            channel_id,
            labels.get(channel_id, "?"),
            user_id,
            user.username,
            skipped,
        )
        return skipped

    async def _call(self, work, *args: object, **kwargs: object):
        """``work(*args, **kwargs)`` in a worker thread (a unit of work: ``database.read`` or ``.write``
        and the data function), a LookupError raised as NotFound."""
        try:
            return await asyncio.to_thread(work, *args, **kwargs)
        except LookupError as error:
            if isinstance(error, NotFound):
                raise
            raise NotFound(str(error)) from None
