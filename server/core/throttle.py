"""Counting attempts per key in a sliding window, in the database.

Counts live in the database rather than in memory so that every worker process and
every host behind the proxy enforces the same limit.
"""

from __future__ import annotations

import random
from datetime import timedelta

from models import ThrottleHit
from server.core import clock

_KEEP = timedelta(days=1)


async def count(key: str, window: timedelta) -> int:
    return await ThrottleHit.filter(key=key, at__gte=clock.now() - window).count()


async def retry_after(key: str, window: timedelta, limit: int) -> int:
    """Seconds until the key is under its limit again (at least 1)."""
    since = clock.now() - window
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
        await ThrottleHit.filter(at__lt=now - _KEEP).delete()


async def clear(key: str) -> None:
    await ThrottleHit.filter(key=key).delete()
