"""Calendar dates as people type them (`YYYY-MM-DD`; a few common variants accepted)."""

from __future__ import annotations

import re
from datetime import date, datetime

from models.rules import RuleError
from models.rules.text import halfwidth

_PATTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def parse_date(raw: object, what: str = "日期") -> date:
    """`2025-03-09`, `2025/3/9` or `2025年3月9日` -> date; RuleError otherwise."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = halfwidth(str(raw or "")).strip()
    if not text:
        raise RuleError(f"请填写{what}")
    match = _PATTERN.match(text)
    if not match:
        raise RuleError(f"{what}格式应为 YYYY-MM-DD，例如 2025-03-09")
    try:
        value = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise RuleError(f"{what}不存在，请核对年月日") from None
    if not 1900 <= value.year <= 2100:
        raise RuleError(f"{what}年份不合理，请核对")
    return value


def check_date_order(first: date, second: date, message: str) -> None:
    """RuleError(message) unless first is strictly before second."""
    if not first < second:
        raise RuleError(message)
