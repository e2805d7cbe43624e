"""The year's figures behind plan progress, breakdowns and drill-downs, in one pass.

Which reports count: those the enterprise has submitted (`submitted`) and those
supervision approved (`approved`). Drafts are unfinished and returned reports are being
corrected, so neither counts until it is submitted again.

Revenue and output value are 万元, summed exactly (4 places); output quantity is summed
(3 places) only where the report's unit is its industry's unit (county file), so 吨 and
万袋 never mix. Figures are attributed to the enterprise's primary industry and place.

Speed: the window's reports are read once per query. `enterprise_sums_cte` sums them per
enterprise (`y`), streaming through the covering index `ix_report_facts` (enterprise
first, so no sort); everything else (per industry, per place, enterprise counts with the
year's revenue) is folded from those few thousand rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from models.enums import EnterpriseStatus, LeadingLevel, ReportStatus
from server.core.county import County
from server.features.supervision.sql import Sql, as_int, from_exact
from server.features.supervision.window import Window

COUNTED_STATUSES = (ReportStatus.SUBMITTED.value, ReportStatus.APPROVED.value)
MONEY_PLACES = 4
QUANTITY_PLACES = 3
CLOSED = EnterpriseStatus.CLOSED.value


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


@dataclass
class Facts:
    """One group (an industry, a place, a place x industry) of `year_facts`."""

    sums: Sums = field(default_factory=Sums)
    enterprises: int = 0        # not closed
    above_scale: int = 0        # 规上 on the as-of date
    leading: int = 0            # 市级以上龙头
    counts: dict[str, int] = field(default_factory=dict)   # per requested condition

    def __add__(self, other: Facts) -> Facts:
        return Facts(self.sums + other.sums, self.enterprises + other.enterprises,
                     self.above_scale + other.above_scale, self.leading + other.leading,
                     {k: self.counts.get(k, 0) + other.counts.get(k, 0)
                      for k in {*self.counts, *other.counts}})


def leading_levels(minimum: str) -> list[str]:
    """The LeadingLevel values at or above `minimum` (never `none`)."""
    rank = LeadingLevel(minimum).rank
    return [level.value for level in LeadingLevel if level.rank >= max(rank, 1)]


def report_filter(window: Window, alias: str = "r") -> tuple[str, list[Any]]:
    """WHERE conditions selecting the window's counted reports."""
    condition = (f"{alias}.period >= ? AND {alias}.period <= ? AND {alias}.status IN "
                 f"{Sql.in_list(COUNTED_STATUSES)}")
    return condition, [str(window.first_period), str(window.last_period), *COUNTED_STATUSES]


def enterprise_sums_cte(sql: Sql, county: County, window: Window) -> tuple[str, list[Any]]:
    """`WITH u AS (...), y AS (...)`: y = each reporting enterprise's sums for the window
    (exact integers: revenue and output_value in 0.0001 万元, output_quantity in 0.001 of
    its industry's unit) and its number of counted reports.

    `u` streams through `ix_report_facts` (enterprise first), one group per enterprise
    and no sort; quantities are kept per unit the county uses, and `y` takes the one of
    the enterprise's industry.
    """
    condition, params = report_filter(window)
    units = sorted({i.output_unit for i in county.industries})
    quantity_columns, quantity_params = [], []
    for index, unit in enumerate(units):
        expression = "CASE WHEN r.output_unit = ? THEN r.output_quantity END"
        quantity_columns.append(f"{sql.sum_exact(expression, QUANTITY_PLACES)} AS q{index}")
        quantity_params.append(unit)
    pick, pick_params = [], []
    for industry in county.industries:
        pick.append(f"WHEN ? THEN u.q{units.index(industry.output_unit)}")
        pick_params.append(industry.code)
    text = f"""WITH u AS (
            SELECT r.enterprise_id AS enterprise_id,
                   {sql.sum_exact('r.revenue', MONEY_PLACES)} AS revenue,
                   {sql.sum_exact('r.output_value', MONEY_PLACES)} AS output_value,
                   {', '.join(quantity_columns)},
                   COUNT(*) AS reports
            FROM monthly_report r{sql.indexed_by('ix_report_facts')}
            WHERE {condition}
            GROUP BY r.enterprise_id
        ), y AS (
            -- one row per enterprise already; the GROUP BY keeps y a keyed result that
            -- the outer join looks up (without it SQLite scans y once per enterprise)
            SELECT u.enterprise_id AS enterprise_id, SUM(u.revenue) AS revenue,
                   SUM(u.output_value) AS output_value,
                   SUM(CASE e.industry {' '.join(pick)} END) AS output_quantity,
                   SUM(u.reports) AS reports
            FROM u JOIN enterprise e ON e.id = u.enterprise_id
            GROUP BY u.enterprise_id
        )"""
    return text, quantity_params + params + pick_params


def sums_of(row: dict[str, Any]) -> Sums:
    return Sums(
        revenue=from_exact(row.get("revenue"), MONEY_PLACES),
        output_value=from_exact(row.get("output_value"), MONEY_PLACES),
        output_quantity=from_exact(row.get("output_quantity"), QUANTITY_PLACES),
        reporters=as_int(row.get("reporters")),
        reports=as_int(row.get("reports")),
    )


async def year_facts(sql: Sql, county: County, window: Window, as_of: date, *,
                     group_by: tuple[str, ...] = ("industry",),
                     conditions: dict[str, tuple[str, list[Any]]] | None = None,
                     ) -> dict[tuple, Facts]:
    """Report sums and enterprise counts per group of enterprise columns, in one query.

    `conditions` names extra counts: {name: (SQL over `e` and `y.revenue`, parameters)},
    counted among enterprises that are not closed. At most places x industries groups.
    """
    allowed = {"industry", "township"}
    if not group_by or not set(group_by) <= allowed:
        raise ValueError(f"group_by must be among {sorted(allowed)}")
    cte, params = enterprise_sums_cte(sql, county, window)
    levels = leading_levels("city")
    d = sql.date_param()
    selects = [
        "SUM(CASE WHEN e.status <> ? THEN 1 ELSE 0 END) AS enterprises",
        f"""SUM(CASE WHEN e.status <> ? AND e.above_scale = ? AND (e.above_scale_since IS NULL
                 OR e.above_scale_since <= {d}) THEN 1 ELSE 0 END) AS above_scale""",
        f"""SUM(CASE WHEN e.status <> ? AND e.leading_level IN {Sql.in_list(levels)}
                 THEN 1 ELSE 0 END) AS leading""",
    ]
    select_params: list[Any] = [CLOSED, CLOSED, True, as_of, CLOSED, *levels]
    names = list(conditions or {})
    for index, name in enumerate(names):
        condition, cond_params = (conditions or {})[name]
        selects.append(f"SUM(CASE WHEN e.status <> ? AND ({condition}) THEN 1 ELSE 0 END)"
                       f" AS c{index}")
        select_params += [CLOSED, *cond_params]
    keys = ", ".join(f"e.{name}" for name in group_by)
    query = f"""{cte}
        SELECT {keys},
               SUM(y.revenue) AS revenue, SUM(y.output_value) AS output_value,
               SUM(y.output_quantity) AS output_quantity,
               COUNT(y.enterprise_id) AS reporters, SUM(y.reports) AS reports,
               {', '.join(selects)}
        FROM enterprise e LEFT JOIN y ON y.enterprise_id = e.id
        GROUP BY {keys}
    """
    out = {}
    for row in await sql.rows(query, params + select_params):
        out[tuple(row[name] for name in group_by)] = Facts(
            sums=sums_of(row), enterprises=as_int(row["enterprises"]),
            above_scale=as_int(row["above_scale"]), leading=as_int(row["leading"]),
            counts={name: as_int(row[f"c{i}"]) for i, name in enumerate(names)})
    return out


async def monthly_revenue(sql: Sql, window: Window) -> dict[str, Sums]:
    """Counted revenue per period (`YYYY-MM`) of the window, county-wide (the charts)."""
    condition, params = report_filter(window)
    rows = await sql.rows(f"""
        SELECT r.period AS period, {sql.sum_exact('r.revenue', MONEY_PLACES)} AS revenue,
               COUNT(DISTINCT r.enterprise_id) AS reporters, COUNT(*) AS reports
        FROM monthly_report r WHERE {condition}
        GROUP BY r.period
    """, params)
    return {row["period"]: sums_of(row) for row in rows}
