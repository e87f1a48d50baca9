"""The console's tables (users, requests, episodes): a page of one, read off the event loop."""

import asyncio

from data import Database
from data.queries import Page, page_of


async def read_page(database: Database, listing: str, **query: object) -> Page:
    """One page of ``listing`` (see :func:`data.queries.page_of` for the query); ValueError for a
    search, sort or page the listing does not have."""
    return await asyncio.to_thread(database.read, page_of, listing, **query)
