"""Reporting SQL that runs unchanged on SQLite and PostgreSQL.

The supervision figures aggregate thousands of rows, so they are computed by the
database (GROUP BY, SUM, COUNT), not by loading rows into Python. Tortoise's query
builder cannot express all of it (first-certificate subqueries, conditional sums), so
the queries are written by hand, in one dialect-neutral style:

- placeholders are `?`; for PostgreSQL they become `$1, $2, ...`;
- money and quantities are summed as exact integers (`sum_exact`, `exact`): SQLite keeps
  Tortoise's DecimalField as text, and summing text there would go through floats;
- timestamps are compared through `ts(col)` (SQLite stores them as text with the
  writer's UTC offset, `datetime()` normalises them to UTC);
- dates are compared as dates (ISO text in SQLite, DATE in PostgreSQL).

Parameters are always bound, never formatted into the SQL text.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient


class Sql:
    def __init__(self, conn: BaseDBAsyncClient | None = None) -> None:
        self.conn = conn or connections.get("default")
        self.sqlite = self.conn.capabilities.dialect == "sqlite"

    # -- SQL fragments ----------------------------------------------------------------
    @staticmethod
    def exact(column: str, places: int) -> str:
        """The column as an integer count of 10^-places units (exact to compare or sum)."""
        return f"CAST(ROUND({column} * {10 ** places}) AS BIGINT)"

    def sum_exact(self, column: str, places: int) -> str:
        """SUM of a decimal column as an integer count of 10^-places units.

        SQLite converts each value (text) to an exact integer first; PostgreSQL sums
        `numeric` exactly by itself, so it scales only the total (much cheaper).
        """
        if self.sqlite:
            return f"SUM({self.exact(column, places)})"
        return f"CAST(SUM({column}) * {10 ** places} AS BIGINT)"

    def indexed_by(self, index: str) -> str:
        """`INDEXED BY index` on SQLite (whose planner, without statistics, would pick a
        range scan plus a sort); nothing on PostgreSQL, which plans for itself."""
        return f" INDEXED BY {index}" if self.sqlite else ""

    def ts(self, column: str) -> str:
        """A timestamp column, comparable with a `ts_param()`."""
        return f"datetime({column})" if self.sqlite else column

    def ts_param(self) -> str:
        return "?" if self.sqlite else "CAST(? AS TIMESTAMPTZ)"

    def date_param(self) -> str:
        return "?" if self.sqlite else "CAST(? AS DATE)"

    @staticmethod
    def in_list(values: list[Any] | tuple[Any, ...]) -> str:
        """`(?, ?, ?)` for an IN clause (never empty: callers check first)."""
        if not values:
            raise ValueError("an IN list needs at least one value")
        return "(" + ", ".join("?" for _ in values) + ")"

    # -- running ----------------------------------------------------------------------
    def _prepare(self, query: str, params: list[Any]) -> tuple[str, list[Any]]:
        values = [self._param(p) for p in params]
        if query.count("?") != len(values):
            raise ValueError(f"{query.count('?')} placeholders but {len(values)} parameters")
        if self.sqlite:
            return query, values
        parts = query.split("?")
        text = parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], start=1))
        return text, values

    def _param(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            raise TypeError("bind money as an exact integer (see Sql.exact), not a Decimal")
        if not self.sqlite:
            return value
        if isinstance(value, datetime):
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, bool):
            return int(value)
        return value

    async def rows(self, query: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        text, values = self._prepare(query, list(params or []))
        return await self.conn.execute_query_dict(text, values)

    async def one(self, query: str, params: list[Any] | None = None) -> dict[str, Any]:
        rows = await self.rows(query, params)
        return rows[0] if rows else {}


# -- reading values back (SQLite gives text and ints, PostgreSQL dates and Decimals) ----
def as_int(value: Any) -> int:
    return int(value or 0)


def as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def from_exact(value: Any, places: int) -> Decimal:
    """The Decimal of an `exact()` sum (0 when there was nothing to sum)."""
    return Decimal(int(value or 0)).scaleb(-places)
