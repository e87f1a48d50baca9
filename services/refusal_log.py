"""Refused sign-ins in the audit log, bounded: a flood of wrong passwords cannot flood the log."""

import logging
import threading
import time
from collections import Counter

from data.addresses import plain_line

log = logging.getLogger("airdate.audit")

NAME_IN_LOG = 64  # characters of a typed user name that reach a log line


def shown(name: str) -> str:
    """A typed user name as a log line may show it: escaped, at most NAME_IN_LOG characters."""
    return repr(plain_line(name, NAME_IN_LOG))


class RefusalLog:
    """Refused sign-ins in the log without letting anyone flood it: the first of each minute is logged
    as it happens, the others are counted and said in one summary line (names shown bounded)."""

    PERIOD = 60.0
    HELD = 1000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._since = 0.0
        self._held: Counter[tuple[str, str]] = Counter()

    def note(self, username: str, address: str, why: str) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._since >= self.PERIOD:
                self._flush_locked()
                self._since = now
                first = True
            else:  # at most HELD distinct (name, address) pairs a minute; the rest are counted together
                key = (shown(username), address)
                self._held[key if key in self._held or len(self._held) < self.HELD else ("others", "*")] += 1
                first = False
        if first:
            log.warning("sign-in for %s from %s refused: %s", shown(username), address, why)

    def flush(self) -> None:
        with self._lock:
            self._flush_locked()

    def _flush_locked(self) -> None:
        if not self._held:
            return
        total = sum(self._held.values())
        named = ", ".join(f"{name} from {address}" for (name, address), _ in self._held.most_common(5))
        more = len(self._held) - 5
        log.warning(
            "%d more refused sign-in(s) in the last minute: %s%s",
            total,
            named,
            f" and {more} more" if more > 0 else "",
        )
        self._held.clear()
