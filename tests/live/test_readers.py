"""Keepalives on idle streams (live/readers.py), on a clock the test moves."""

import pytest

from live import readers
from live.readers import KEEPALIVE, Readers


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("keepalive", [15.0, 4.0])
def test_a_keepalive_goes_out_one_period_after_the_last_byte_within_a_second(
    monkeypatch: pytest.MonkeyPatch, keepalive: float
) -> None:
    """Regression: the app timer ran every keepalive/2, so an idle stream's keepalive came up to 22.5 s
    after its last byte instead of 15."""
    clock = Clock()
    monkeypatch.setattr(readers.time, "monotonic", clock)
    hub = Readers(keepalive=keepalive, send_timeout=30.0)
    queue = hub.open(frozenset({"stats"}), None)
    queue.put(b"data: snapshot\n\n")
    last_byte = clock.now
    while not any(chunk == KEEPALIVE for chunk in queue._items):
        clock.now += hub.tend_interval  # what the app-wide timer does
        hub.tend()
    assert keepalive <= clock.now - last_byte <= keepalive + 1.0
