"""The Dutch clock: every moment a person reads (screens, files, packs) is shown as it is in the Netherlands.

Moments are stored in UTC; the server may run in any zone (a container runs in UTC).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


def local_time(moment: dt.datetime) -> dt.datetime:
    """A stored moment (UTC; naive from SQLite) as the time on a Dutch clock, without zone."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(LOCAL_TIME).replace(tzinfo=None)


def local_now() -> dt.datetime:
    """Now on a Dutch clock, to the second, without zone."""
    return dt.datetime.now(LOCAL_TIME).replace(tzinfo=None, microsecond=0)


def local_today() -> dt.date:
    """Today in the Netherlands (just after midnight there, it is still yesterday in UTC)."""
    return local_now().date()
