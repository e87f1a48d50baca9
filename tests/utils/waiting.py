"""Waiting for something a user would notice, with a deadline, instead of sleeping a fixed time."""

import asyncio
import time
from collections.abc import Awaitable, Callable


def until(check: Callable[[], bool], within: float = 5.0, what: str = "") -> None:
    """:func:`eventually` for code outside the event loop (a test thread, a blocking fixture)."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within:g} s: {what or 'condition'}")
        time.sleep(0.02)


async def eventually(
    check: Callable[[], bool | Awaitable[bool]], within: float = 5.0, what: str = ""
) -> None:
    """Return as soon as ``check()`` is true (it may be async); fail after ``within`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise AssertionError(f"not within {within:g} s: {what or 'condition'}")
        await asyncio.sleep(0.02)
