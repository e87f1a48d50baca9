"""Whether the database answers, within a time budget, on threads of its own.

A hung database must not eat the default thread pool that the feed, the webhooks and the mailer use:
a probe that times out leaves its thread blocked until the database answers. So probes run on a
small pool of their own, and while all of its threads are stuck a probe answers at once instead of
queueing behind them.
"""

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from data.errors import first_line


class HealthProbe:
    def __init__(self, ping: Callable[[], None], timeout: float, threads: int = 2) -> None:
        self.ping = ping
        self.timeout = timeout
        self.threads = threads
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="airdate-health")
        self._free = threading.BoundedSemaphore(threads)  # a probe thread not stuck in a ping

    async def problem(self) -> str | None:
        """None when the database answered in time, else why not."""
        if not self._free.acquire(blocking=False):
            return f"no answer: the last {self.threads} checks are still waiting for the database"
        future = self._pool.submit(self.ping)
        future.add_done_callback(self._release)
        try:
            await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except TimeoutError:
            return f"no answer within {self.timeout:g} s"
        except Exception as error:
            return first_line(error)
        return None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _release(self, _future: Future) -> None:
        self._free.release()
