"""Callbacks told of something in the order they came: the database's commits, the feed's reads, the
hub's events, the jobs' steps. It sits in data/ (the lowest layer) so that every layer can use it.

A listener that raises either stops the telling (no logger given: the caller sees the error) or is
logged and the others are still told (a logger given: one broken page must not cost the rest).
"""

import logging
from collections.abc import Callable
from typing import Generic, ParamSpec

P = ParamSpec("P")


class Listeners(Generic[P]):
    def __init__(
        self, log: logging.Logger | None = None, failure: str | Callable[P, str] = "a listener failed"
    ) -> None:
        self._listeners: list[Callable[P, None]] = []
        self._log = log
        self._failure = failure  # what the log says when one raises (or how to say it, from the arguments)

    def add(self, listener: Callable[P, None]) -> Callable[[], None]:
        """Tell ``listener`` from now on; returns the function that stops it (harmless to call twice)."""
        self._listeners.append(listener)
        return lambda: self.remove(listener)

    def remove(self, listener: Callable[P, None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def notify(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Call every listener (those added meanwhile wait for the next time)."""
        for listener in list(self._listeners):
            try:
                listener(*args, **kwargs)
            except Exception:
                if self._log is None:
                    raise
                failure = self._failure
                self._log.exception("%s", failure if isinstance(failure, str) else failure(*args, **kwargs))

    def __len__(self) -> int:
        return len(self._listeners)
