"""NiceGUI pages and components. No SQL here: pages listen to the live hub and call data queries."""

from api.identities import Identities
from data import Database
from live import LiveSources
from services.async_access import AsyncAccess
from services.follows import Follows
from services.jobs import Jobs
from services.message_templates import MessageTemplates
from services.notifier import Notifier
from services.preferences import UserSettings

from . import (
    accounts,
    dashboard,
    listings,
    login,
    manage_page,
    messages,
    not_found,
    shows,
    tokens,
    upcoming_page,
    user_page,
)
from .frame import Nav, frame


def register_pages(
    database: Database,
    users: UserSettings,
    follows: Follows,
    live: LiveSources,
    jobs: Jobs,
    notifier: Notifier,
    access: AsyncAccess,
    identities: Identities,
    nav: Nav,
    templates: MessageTemplates,
) -> None:
    """The console's pages; ``nav`` is the menu they share (plug-ins may add their pages to it).

    Each page says who may see it (``requires(...)``); start-up refuses a page that says nothing."""
    login.register(access, identities)
    dashboard.register(live, jobs, database, nav)
    listings.register(database, notifier, nav)
    user_page.register(users, notifier, nav)
    shows.register(follows, live.upcoming, nav)
    upcoming_page.register(live.upcoming, nav)
    manage_page.register(users, follows)
    messages.register(templates, notifier, nav)
    accounts.register(access, identities, nav)
    tokens.register(access, identities, nav)
    not_found.register(nav)


__all__ = ["Nav", "frame", "register_pages"]
