"""NiceGUI pages and components. No SQL here: pages listen to the live hub and call data queries."""

from data import Database
from live import LiveFeed, Trends
from services.jobs import Jobs

from . import dashboard, listings, not_found
from .frame import Nav, frame


def register_pages(database: Database, feed: LiveFeed, trends: Trends, jobs: Jobs, nav: Nav) -> None:
    """The console's pages; ``nav`` is the menu they share (plug-ins may add their pages to it)."""
    dashboard.register(database, feed, trends, jobs, nav)
    listings.register(database, nav)
    not_found.register(nav)


__all__ = ["Nav", "frame", "register_pages"]
