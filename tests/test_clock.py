"""The Dutch clock: stored UTC moments and 'now' as people in the Netherlands read them."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi import clock


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (dt.datetime(2026, 11, 28, 16, 41), dt.datetime(2026, 11, 28, 17, 41)),  # winter: UTC+1 (naive from SQLite)
        (dt.datetime(2026, 7, 1, 16, 41, tzinfo=dt.UTC), dt.datetime(2026, 7, 1, 18, 41)),  # summer: UTC+2
        (dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC), dt.datetime(2027, 1, 1, 0, 30)),  # a new year already
    ],
)
def test_a_stored_moment_on_the_dutch_clock(stored, shown):
    assert clock.local_time(stored) == shown


def test_now_and_today_are_dutch_whatever_the_server_zone(monkeypatch):
    late = dt.datetime(2026, 11, 28, 23, 30, 5, 123, tzinfo=dt.UTC)

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return late.astimezone(tz) if tz else late.replace(tzinfo=None)

    monkeypatch.setattr(clock.dt, "datetime", Frozen)
    assert clock.local_now() == dt.datetime(2026, 11, 29, 0, 30, 5)  # to the second
    assert clock.local_today() == dt.date(2026, 11, 29)
