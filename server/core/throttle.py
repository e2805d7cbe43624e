"""Counting attempts per key in a sliding window, in the database.

Counts live in the database rather than in memory so that every worker process and
every host behind the proxy enforces the same limit.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from models import ThrottleHit
from server.core import clock

_KEEP = timedelta(days=1)


def _since(delta: timedelta) -> datetime:
    # SQLite keeps timestamps as text in the database's time zone (+08:00) and compares
    # them as text, but a bound UTC value is written +00:00: the window then ran 8 hours
    # long (a 15-minute log-in lock lasted 8 h 15 min). The bound value is expressed in
    # the same zone as the stored ones (PostgreSQL compares instants either way).
    return (clock.now() - delta).astimezone(clock.LOCAL_TZ)


async def count(key: str, window: timedelta) -> int:
    return await ThrottleHit.filter(key=key, at__gte=_since(window)).count()


async def retry_after(key: str, window: timedelta, limit: int) -> int:
    """Seconds until the key is under its limit again (at least 1)."""
    since = _since(window)
    times = (
        await ThrottleHit.filter(key=key, at__gte=since)
        .order_by("-at")
        .limit(limit)
        .values_list("at", flat=True)
    )
    if len(times) < limit:
        return 1
    oldest_counted = min(times)
    return max(1, int((oldest_counted + window - clock.now()).total_seconds()) + 1)


async def hit(*keys: str) -> None:
    now = clock.now()
    await ThrottleHit.bulk_create([ThrottleHit(key=key, at=now) for key in keys])
    if random.random() < 0.02:  # now and then, forget attempts nobody counts any more
        await ThrottleHit.filter(at__lt=_since(_KEEP)).delete()


async def clear(key: str) -> None:
    await ThrottleHit.filter(key=key).delete()
