"""NiceGUI pages and components. No SQL here: pages only listen to the live feed."""

from live import StatsFeed

from . import dashboard


def register_pages(feed: StatsFeed) -> None:
    dashboard.register(feed)


__all__ = ["register_pages"]
