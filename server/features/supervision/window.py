"""The period a figure is asked for: a calendar year, or any `since`..`until` range.

    GET ...?year=2025                      2025-01-01 .. 2025-12-31
    GET ...?since=2025-03-01&until=2025-06-30
    GET ...?since=2025-03-01               .. today
    GET ...                                the current year

Bad input is a 422 naming the field, never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.rules import RuleError
from models.rules.dates import parse_date
from models.rules.numbers import parse_count
from models.rules.period import MAX_YEAR, MIN_YEAR, Period, parse_period
from server.core.errors import ValidationError
from server.core.validation import Fields


@dataclass(frozen=True)
class Window:
    since: date
    until: date
    year: int | None = None

    @classmethod
    def of_year(cls, year: int) -> Window:
        return cls(date(year, 1, 1), date(year, 12, 31), year)

    @property
    def first_period(self) -> Period:
        return Period.of(self.since)

    @property
    def last_period(self) -> Period:
        return Period.of(self.until)

    @property
    def label(self) -> str:
        if self.year is not None:
            return f"{self.year}年"
        month = Period.of(self.since)
        if self.since == month.first_day and self.until == month.last_day:
            return month.label
        return f"{self.since.isoformat()}至{self.until.isoformat()}"

    def query(self) -> dict[str, str]:
        """The query-string parameters that ask for this window again."""
        if self.year is not None:
            return {"year": str(self.year)}
        return {"since": self.since.isoformat(), "until": self.until.isoformat()}

    def as_of(self, today: date) -> date:
        """The last day whose data can exist: the window's end, or today if earlier."""
        return min(self.until, today)


def _arg(args: Mapping[str, Any], name: str) -> str:
    value = args.get(name)
    if isinstance(value, list):  # sanic's request.args is a dict of lists
        value = value[0] if value else ""
    return str(value or "").strip()


def parse_year(raw: Any, what: str = "年份") -> int:
    text = str(raw or "").strip()
    if not re.fullmatch(r"\d{4}", text):
        raise RuleError(f"{what}应为四位数字，例如 2025")
    return parse_count(text, what, minimum=MIN_YEAR, maximum=MAX_YEAR)


def year_from(args: Mapping[str, Any], today: date) -> int:
    """`year` from the query string (default: the current year)."""
    raw = _arg(args, "year")
    if not raw:
        return today.year
    try:
        return parse_year(raw)
    except RuleError as exc:
        raise ValidationError(fields={"year": str(exc)}) from None


def window_from(args: Mapping[str, Any], today: date, *, plan_start_year: int) -> Window:
    """A Window from `year`, or from `since` / `until` (each optional)."""
    data = {name: _arg(args, name) for name in ("year", "since", "until")}
    f = Fields(data)
    if data["year"] and (data["since"] or data["until"]):
        raise ValidationError(fields={"year": "year 与 since/until 只能选用一种"})
    if data["year"] or not (data["since"] or data["until"]):
        return Window.of_year(year_from(args, today))
    since = f.optional("since", "起始日期", lambda v: parse_date(v, "起始日期"),
                       date(plan_start_year, 1, 1))
    until = f.optional("until", "截止日期", lambda v: parse_date(v, "截止日期"), today)
    f.raise_if_invalid()
    if since > until:
        raise ValidationError(fields={"until": "截止日期不能早于起始日期"})
    return Window(since, until)


def period_from(args: Mapping[str, Any], default: Period, name: str = "period") -> Period:
    raw = _arg(args, name)
    if not raw:
        return default
    try:
        return parse_period(raw)
    except RuleError as exc:
        raise ValidationError(fields={name: str(exc)}) from None
