"""Certificate validity, computed from its dates and today - never stored, never stale."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum


class Validity(StrEnum):
    NOT_YET_VALID = "not_yet_valid"
    VALID = "valid"
    EXPIRING = "expiring"      # valid, but expires within the warning window
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return {"not_yet_valid": "未生效", "valid": "有效", "expiring": "即将到期",
                "expired": "已过期"}[self.value]

    @property
    def is_valid(self) -> bool:
        return self in (Validity.VALID, Validity.EXPIRING)


def certificate_validity(issued_on: date, expires_on: date, today: date,
                         warn_days: int = 90) -> Validity:
    """A certificate is valid from its issue date through its expiry date, inclusive."""
    if today < issued_on:
        return Validity.NOT_YET_VALID
    if today > expires_on:
        return Validity.EXPIRED
    if expires_on - today <= timedelta(days=warn_days):
        return Validity.EXPIRING
    return Validity.VALID
