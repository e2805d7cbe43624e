"""Aggregates of the monthly reports shared by plan progress, breakdowns and drill-downs.

Which reports count: those the enterprise has submitted (`submitted`) and those
supervision approved (`approved`). Drafts are unfinished and returned reports are being
corrected, so neither counts until it is submitted again.

Revenue and output value are 万元, summed exactly (4 places); output quantity is summed
(3 places) only where the report's unit is its industry's unit (county file), so 吨 and
万袋 never mix. Figures are attributed to the enterprise's primary industry and place.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from models.enums import ReportStatus
from server.core.county import County
from server.features.supervision.sql import Sql, as_int, from_exact
from server.features.supervision.window import Window

COUNTED_STATUSES = (ReportStatus.SUBMITTED.value, ReportStatus.APPROVED.value)
MONEY_PLACES = 4
QUANTITY_PLACES = 3


@dataclass(frozen=True)
class Sums:
    revenue: Decimal = Decimal(0)
    output_value: Decimal = Decimal(0)
    output_quantity: Decimal = Decimal(0)
    reporters: int = 0          # enterprises with at least one counted report
    reports: int = 0

    def __add__(self, other: Sums) -> Sums:
        return Sums(self.revenue + other.revenue, self.output_value + other.output_value,
                    self.output_quantity + other.output_quantity,
                    self.reporters + other.reporters, self.reports + other.reports)


def unit_case(county: County) -> tuple[str, list[Any]]:
    """SQL giving the industry's output unit for `e.industry`, with its parameters."""
    parts, params = [], []
    for industry in county.industries:
        parts.append("WHEN ? THEN ?")
        params += [industry.code, industry.output_unit]
    return f"(CASE e.industry {' '.join(parts)} ELSE '' END)", params


def sum_columns(sql: Sql, county: County) -> tuple[str, list[Any]]:
    """The SELECT list of the sums over `monthly_report r` joined to `enterprise e`."""
    units, params = unit_case(county)
    columns = f"""
        SUM({sql.exact('r.revenue', MONEY_PLACES)}) AS revenue,
        SUM({sql.exact('r.output_value', MONEY_PLACES)}) AS output_value,
        SUM(CASE WHEN r.output_unit = {units}
                 THEN {sql.exact('r.output_quantity', QUANTITY_PLACES)} END) AS output_quantity,
        COUNT(DISTINCT r.enterprise_id) AS reporters,
        COUNT(*) AS reports
    """
    return columns, params


def report_filter(window: Window) -> tuple[str, list[Any]]:
    """WHERE conditions selecting the window's counted reports of `r`."""
    condition = (f"r.period >= ? AND r.period <= ? AND r.status IN "
                 f"{Sql.in_list(COUNTED_STATUSES)}")
    return condition, [str(window.first_period), str(window.last_period), *COUNTED_STATUSES]


def sums_of(row: dict[str, Any]) -> Sums:
    return Sums(
        revenue=from_exact(row.get("revenue"), MONEY_PLACES),
        output_value=from_exact(row.get("output_value"), MONEY_PLACES),
        output_quantity=from_exact(row.get("output_quantity"), QUANTITY_PLACES),
        reporters=as_int(row.get("reporters")),
        reports=as_int(row.get("reports")),
    )


async def report_sums(sql: Sql, county: County, window: Window,
                      group_by: tuple[str, ...] = ("industry",)) -> dict[tuple, Sums]:
    """Sums of the window's counted reports per group of enterprise columns.

    `group_by` names enterprise columns (`industry`, `township`); the result has at most
    places x industries entries, whatever the size of the county.
    """
    allowed = {"industry", "township"}
    if not set(group_by) <= allowed:
        raise ValueError(f"group_by must be among {sorted(allowed)}")
    columns, params = sum_columns(sql, county)
    condition, where_params = report_filter(window)
    keys = ", ".join(f"e.{name}" for name in group_by)
    query = f"""
        SELECT {keys}, {columns}
        FROM monthly_report r JOIN enterprise e ON e.id = r.enterprise_id
        WHERE {condition}
        GROUP BY {keys}
    """
    rows = await sql.rows(query, params + where_params)
    return {tuple(row[name] for name in group_by): sums_of(row) for row in rows}


async def monthly_sums(sql: Sql, county: County, window: Window,
                       industry: str | None = None) -> dict[str, Sums]:
    """Sums per period (`YYYY-MM`) of the window, optionally of one industry."""
    columns, params = sum_columns(sql, county)
    condition, where_params = report_filter(window)
    extra = ""
    if industry:
        extra, where_params = " AND e.industry = ?", [*where_params, industry]
    query = f"""
        SELECT r.period AS period, {columns}
        FROM monthly_report r JOIN enterprise e ON e.id = r.enterprise_id
        WHERE {condition}{extra}
        GROUP BY r.period
    """
    return {row["period"]: sums_of(row) for row in await sql.rows(query, params + where_params)}
