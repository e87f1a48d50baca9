"""NiceGUI pages and components. No SQL here: pages listen to the live hub and call data queries."""

from data import Database
from live import StatsFeed

from . import dashboard, listings


def register_pages(database: Database, feed: StatsFeed) -> None:
    dashboard.register(database, feed)
    listings.register(database)


__all__ = ["register_pages"]
