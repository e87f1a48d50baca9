"""Free TCP ports for the servers that tests, benchmarks and the demo start on this machine."""

import socket
from pathlib import Path

# Ports below the OS's ephemeral range are never picked by the OS for an outgoing connection or a
# bind(0), so a block there belongs to whoever was given it.
SHARED_LOW, SHARED_HIGH = 20_000, 32_000


class PortPicker:
    """Hands out ports nobody listens on right now, never the same one twice.

    A port is free only until someone binds it, and the OS may hand the same number out again before
    then (about one pick in twenty here), so every number handed out is remembered, and ``avoid`` names
    ports another process was told to bind but may not have bound yet (the demo's mail sink must not
    take the port its own web server is about to listen on).

    Given a ``block``, ports come from it alone, in turn: several processes picking at once (parallel
    test workers) then never pick the same number, as each has its own block. Without one the OS picks.
    """

    def __init__(self, block: range | None = None) -> None:
        self.block = block
        self.handed_out: set[int] = set()
        self._next = block.start if block else 0

    def pick(self, host: str = "127.0.0.1", avoid: frozenset[int] | set[int] = frozenset()) -> int:
        for _ in range(len(self.block) if self.block else 10_000):
            port = self._candidate(host)
            if port is not None and port not in self.handed_out and port not in avoid:
                self.handed_out.add(port)
                return port
        raise RuntimeError(f"no free port left in {self.block}")

    def _candidate(self, host: str) -> int | None:
        if self.block is None:
            with socket.socket() as sock:
                sock.bind((host, 0))
                return sock.getsockname()[1]
        port = self._next
        self._next += 1
        if self._next == self.block.stop:  # all handed out once: the first ones are long released
            self._next = self.block.start
            self.handed_out.clear()
        with socket.socket() as sock:
            try:
                sock.bind((host, port))
            except OSError:  # in use (or in TIME_WAIT after a server that just stopped)
                return None
        return port


def worker_block(index: int, workers: int) -> range | None:
    """The ports of parallel worker ``index`` of ``workers``: its share of the range below the OS's
    ephemeral one; None where that leaves too few (the OS picks then, as without workers)."""
    low, high = SHARED_LOW, min(SHARED_HIGH, ephemeral_range().start)
    size = (high - low) // max(workers, 1)
    if size < 500:
        return None
    return range(low + index * size, low + (index + 1) * size)


def ephemeral_range() -> range:
    """The ports the OS picks from for outgoing connections and bind(0) (Linux; else IANA's)."""
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 49_152, 65_535
    return range(low, high + 1)


_picker = PortPicker()


def use_block(block: range | None) -> None:
    """From now on, this process hands out ports from ``block`` only (see :class:`PortPicker`)."""
    global _picker
    _picker = PortPicker(block)


def free_port(host: str = "127.0.0.1", avoid: frozenset[int] | set[int] = frozenset()) -> int:
    """A TCP port nobody listens on right now, never handed out before by this process."""
    return _picker.pick(host, avoid)
