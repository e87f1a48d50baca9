"""NiceGUI pages and components. No SQL here: pages listen to the live hub and call data queries."""

from data import Database
from live import StatsFeed
from live.history import History
from services.jobs import Jobs
from standins.demo import DemoWorld

from . import dashboard, listings, mailbox
from .frame import PAGES


def register_pages(
    database: Database, feed: StatsFeed, history: History, jobs: Jobs, world: DemoWorld | None
) -> None:
    nav = PAGES if world is None else (*PAGES, ("Mailbox", "/mailbox", "mail"))
    dashboard.register(database, feed, history, jobs, nav)
    listings.register(database, nav)
    if world is not None:
        mailbox.register(world, feed.hub, nav)


__all__ = ["register_pages"]
