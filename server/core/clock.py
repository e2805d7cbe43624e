"""The current time, in one place, so every rule agrees on "now" and "today"."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# Dates people see (deadlines, "today", certificate validity) are China Standard Time.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return datetime.now(LOCAL_TZ).date()


def local(value: datetime | None) -> datetime | None:
    return value.astimezone(LOCAL_TZ) if value else None
