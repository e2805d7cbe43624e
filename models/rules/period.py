"""Reporting periods: one calendar month, written `YYYY-MM`."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from models.rules import RuleError
from models.rules.text import halfwidth

_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})$")
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    def shift(self, months: int) -> Period:
        index = self.year * 12 + (self.month - 1) + months
        return Period(index // 12, index % 12 + 1)

    @property
    def previous(self) -> Period:
        return self.shift(-1)

    @property
    def next(self) -> Period:
        return self.shift(1)

    @property
    def same_month_last_year(self) -> Period:
        return self.shift(-12)

    def deadline(self, day: int) -> date:
        """The day of the following month by which this period's report is due."""
        following = self.next
        return date(following.year, following.month, day)

    @classmethod
    def of(cls, day: date) -> Period:
        return cls(day.year, day.month)


def parse_period(raw: object) -> Period:
    """`2025-03` -> Period(2025, 3); RuleError for 2025-13, 2025/3, 25-03 ..."""
    text = halfwidth(str(raw or "")).strip()
    match = _PATTERN.match(text)
    if not match:
        raise RuleError("月份格式应为 YYYY-MM，例如 2025-03")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise RuleError(f"月份应在1至12之间，当前为{month}")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise RuleError(f"年份应在{MIN_YEAR}至{MAX_YEAR}之间")
    return Period(year, month)


def periods_between(first: Period, last: Period) -> list[Period]:
    """Every period from first to last, inclusive."""
    out, current = [], first
    while current <= last:
        out.append(current)
        current = current.next
    return out
