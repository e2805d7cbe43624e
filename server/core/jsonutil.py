"""JSON in and out: Decimal stays Decimal (money is never a float), dates as ISO text."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sanic.response import HTTPResponse

from models.rules.numbers import money_str


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return money_str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: Any) -> str:
    return json.dumps(value, default=_default, ensure_ascii=False, separators=(",", ":"))


def loads(text: str | bytes) -> Any:
    """Parse JSON with numbers as Decimal/int, so 0.1 stays exactly 0.1."""
    return json.loads(text, parse_float=Decimal)


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> HTTPResponse:
    return HTTPResponse(
        dumps(body),
        status=status,
        headers=headers,
        content_type="application/json; charset=utf-8",
    )
