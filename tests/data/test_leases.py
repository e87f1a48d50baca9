"""Leases: one holder at a time; the holder renews; an expired or released lease passes to another."""

from datetime import timedelta

import pytest

from data import Database, leases
from data.clock import utcnow

pytestmark = pytest.mark.both_databases


def test_one_holder_at_a_time_until_it_expires(database: Database) -> None:
    start = utcnow()
    assert database.write_quietly(leases.take, "sync", "a", 30, now=start)
    assert not database.write_quietly(leases.take, "sync", "b", 30, now=start + timedelta(seconds=10))
    assert database.write_quietly(leases.take, "sync", "a", 30, now=start + timedelta(seconds=20)), (
        "the holder renews"
    )
    assert not database.write_quietly(leases.take, "sync", "b", 30, now=start + timedelta(seconds=40)), (
        "renewed at 20 s"
    )
    assert database.write_quietly(leases.take, "sync", "b", 30, now=start + timedelta(seconds=51)), (
        "expired at 50 s"
    )
    assert not database.write_quietly(leases.take, "sync", "a", 30, now=start + timedelta(seconds=52))
    assert database.write_quietly(leases.take, "prune", "a", 30, now=start + timedelta(seconds=52)), (
        "leases are per work"
    )


def test_a_released_lease_is_free_at_once(database: Database) -> None:
    assert database.write_quietly(leases.take, "sync", "a", 3600)
    database.write_quietly(leases.release, "sync", "b")  # not b's to give up
    assert not database.write_quietly(leases.take, "sync", "b", 3600)
    database.write_quietly(leases.release, "sync", "a")
    assert database.write_quietly(leases.take, "sync", "b", 3600)
