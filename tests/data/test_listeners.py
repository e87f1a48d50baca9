"""The one listener list: told in order, stopped by the function ``add`` returns, a failing listener
logged (the others still told) or, without a logger, its error let through to whoever notified."""

import logging

import pytest

from data.listeners import Listeners

log = logging.getLogger("airdate.tests")


def test_listeners_are_told_in_order_until_stopped() -> None:
    heard: list[tuple[str, int]] = []
    listeners: Listeners[[int]] = Listeners(log)
    stop_first = listeners.add(lambda n: heard.append(("first", n)))
    listeners.add(lambda n: heard.append(("second", n)))
    listeners.notify(1)
    stop_first()
    stop_first()  # harmless twice
    listeners.notify(2)
    assert heard == [("first", 1), ("second", 1), ("second", 2)]
    assert len(listeners) == 1


def test_a_failing_listener_is_logged_and_the_others_are_still_told(caplog: pytest.LogCaptureFixture) -> None:
    heard: list[int] = []
    listeners: Listeners[[int]] = Listeners(log, lambda n: f"a listener failed to take {n}")
    listeners.add(lambda n: 1 / 0)
    listeners.add(heard.append)
    listeners.notify(7)
    assert heard == [7]
    assert "a listener failed to take 7" in caplog.text and "ZeroDivisionError" in caplog.text


def test_without_a_logger_the_error_reaches_the_caller() -> None:
    listeners: Listeners[[]] = Listeners()
    listeners.add(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        listeners.notify()
