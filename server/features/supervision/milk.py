"""Raw-milk quality compliance: the share of dairy reports meeting the plan's standard.

The standard (protein >= 3.2 %, fat >= 3.8 %, bacteria <= 10万/mL, somatic cells
<= 20万/mL) comes from the county file; the rule is models/rules/milk.py
`milk_shortfalls`. A report is judged when it gives at least one of the four figures,
and compliant when none of the figures it gives misses the standard: exactly what an
empty `milk_shortfalls(...)` means. The counts are done in SQL with the same
thresholds (a test holds the two to each other); the rule itself writes the reasons
shown for each failing report.

Dairy reports are those of enterprises whose primary industry has `milk_quality = true`
in the county file; only counted reports (submitted or approved) are judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from models.rules.milk import milk_shortfalls
from models.rules.period import Period, periods_between
from server.core.context import ServiceContext
from server.core.county import County, MilkStandard
from server.core.permissions import require_supervision
from server.features.supervision.calc import percent
from server.features.supervision.facts import report_filter
from server.features.supervision.sql import Sql, as_int
from server.features.supervision.window import Window

PCT_PLACES = 4   # thresholds compared as exact integers of 0.0001 %


@dataclass(frozen=True)
class MilkCounts:
    reports: int = 0      # counted dairy reports
    judged: int = 0       # giving at least one quality figure
    compliant: int = 0

    @property
    def failing(self) -> int:
        return self.judged - self.compliant

    @property
    def unjudged(self) -> int:
        return self.reports - self.judged

    @property
    def rate(self) -> Decimal | None:
        return percent(self.compliant, self.judged)


@dataclass(frozen=True)
class MilkMonth:
    period: Period
    counts: MilkCounts


@dataclass(frozen=True)
class MilkEnterprise:
    enterprise_id: int
    name: str
    township: str
    counts: MilkCounts


@dataclass(frozen=True)
class FailingReport:
    enterprise_id: int
    name: str
    period: str
    protein_pct: Decimal | None
    fat_pct: Decimal | None
    bacteria_per_ml: int | None
    somatic_cells_per_ml: int | None
    shortfalls: list[str]


@dataclass
class MilkQuality:
    window: Window
    standard: MilkStandard
    counts: MilkCounts
    months: list[MilkMonth]
    enterprises: list[MilkEnterprise]
    failing: list[FailingReport]


def dairy_industries(county: County) -> list[str]:
    return [i.code for i in county.industries if i.milk_quality]


def _threshold(value: Decimal) -> int:
    return int(value.scaleb(PCT_PLACES))


def compliant_condition(sql: Sql, standard: MilkStandard) -> tuple[str, list[Any]]:
    """SQL true for a report whose given figures all meet the standard."""
    condition = (
        f"(r.milk_protein_pct IS NULL OR {sql.exact('r.milk_protein_pct', PCT_PLACES)} >= ?)"
        f" AND (r.milk_fat_pct IS NULL OR {sql.exact('r.milk_fat_pct', PCT_PLACES)} >= ?)"
        " AND (r.milk_bacteria_per_ml IS NULL OR r.milk_bacteria_per_ml <= ?)"
        " AND (r.milk_somatic_cells_per_ml IS NULL OR r.milk_somatic_cells_per_ml <= ?)"
    )
    return condition, [_threshold(standard.protein_pct_min), _threshold(standard.fat_pct_min),
                       standard.bacteria_per_ml_max, standard.somatic_cells_per_ml_max]


JUDGED = ("(r.milk_protein_pct IS NOT NULL OR r.milk_fat_pct IS NOT NULL"
          " OR r.milk_bacteria_per_ml IS NOT NULL OR r.milk_somatic_cells_per_ml IS NOT NULL)")


async def _grouped(sql: Sql, county: County, window: Window, select: str,
                   group: str) -> list[dict]:
    industries = dairy_industries(county)
    if not industries:
        return []
    ok, ok_params = compliant_condition(sql, county.milk_standard)
    condition, params = report_filter(window)
    query = f"""
        SELECT {select}, COUNT(*) AS reports,
               SUM(CASE WHEN {JUDGED} THEN 1 ELSE 0 END) AS judged,
               SUM(CASE WHEN {JUDGED} AND {ok} THEN 1 ELSE 0 END) AS compliant
        FROM monthly_report r JOIN enterprise e ON e.id = r.enterprise_id
        WHERE {condition} AND e.industry IN {Sql.in_list(industries)}
        GROUP BY {group}
    """
    return await sql.rows(query, ok_params + params + industries)


def _counts(row: dict[str, Any]) -> MilkCounts:
    return MilkCounts(as_int(row.get("reports")), as_int(row.get("judged")),
                      as_int(row.get("compliant")))


async def milk_counts(ctx: ServiceContext, window: Window) -> MilkCounts:
    """The window's totals (the plan-progress row)."""
    require_supervision(ctx.actor)
    rows = await _grouped(Sql(), ctx.county, window, "e.industry AS industry", "e.industry")
    return sum_counts(_counts(r) for r in rows)


def sum_counts(items) -> MilkCounts:
    total = MilkCounts()
    for c in items:
        total = MilkCounts(total.reports + c.reports, total.judged + c.judged,
                           total.compliant + c.compliant)
    return total


async def milk_quality(ctx: ServiceContext, window: Window) -> MilkQuality:
    """Months, enterprises and the failing reports with the reasons, for the window."""
    require_supervision(ctx.actor)
    sql = Sql()
    county = ctx.county
    by_period = {r["period"]: _counts(r)
                 for r in await _grouped(sql, county, window, "r.period AS period", "r.period")}
    months = [MilkMonth(p, by_period.get(str(p), MilkCounts()))
              for p in periods_between(window.first_period, window.last_period)]
    enterprise_rows = await _grouped(
        sql, county, window, "e.id AS enterprise_id, e.name AS name, e.township AS township",
        "e.id, e.name, e.township")
    enterprises = sorted(
        (MilkEnterprise(r["enterprise_id"], r["name"], r["township"], _counts(r))
         for r in enterprise_rows),
        key=lambda m: (m.counts.rate if m.counts.rate is not None else Decimal(101), m.name))
    failing = await _failing(sql, county, window)
    return MilkQuality(window, county.milk_standard, sum_counts(by_period.values()), months,
                       enterprises, failing)


async def _failing(sql: Sql, county: County, window: Window) -> list[FailingReport]:
    industries = dairy_industries(county)
    if not industries:
        return []
    ok, ok_params = compliant_condition(sql, county.milk_standard)
    condition, params = report_filter(window)
    query = f"""
        SELECT e.id AS enterprise_id, e.name AS name, r.period AS period,
               r.milk_protein_pct AS protein, r.milk_fat_pct AS fat,
               r.milk_bacteria_per_ml AS bacteria, r.milk_somatic_cells_per_ml AS somatic
        FROM monthly_report r JOIN enterprise e ON e.id = r.enterprise_id
        WHERE {condition} AND e.industry IN {Sql.in_list(industries)}
              AND {JUDGED} AND NOT ({ok})
        ORDER BY r.period DESC, e.name
    """
    out = []
    for row in await sql.rows(query, params + industries + ok_params):
        protein = _decimal(row["protein"])
        fat = _decimal(row["fat"])
        out.append(FailingReport(
            enterprise_id=row["enterprise_id"], name=row["name"], period=row["period"],
            protein_pct=protein, fat_pct=fat, bacteria_per_ml=row["bacteria"],
            somatic_cells_per_ml=row["somatic"],
            shortfalls=milk_shortfalls(county.milk_standard, protein_pct=protein, fat_pct=fat,
                                       bacteria_per_ml=row["bacteria"],
                                       somatic_cells_per_ml=row["somatic"]),
        ))
    return out


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def counts_json(c: MilkCounts) -> dict[str, Any]:
    return {"reports": c.reports, "judged": c.judged, "compliant": c.compliant,
            "failing": c.failing, "unjudged": c.unjudged, "rate": c.rate}


def milk_json(m: MilkQuality) -> dict[str, Any]:
    s = m.standard
    return {
        "year": m.window.year, "since": m.window.since, "until": m.window.until,
        "unit": "%",
        "standard": {"protein_pct_min": s.protein_pct_min, "fat_pct_min": s.fat_pct_min,
                     "bacteria_per_ml_max": s.bacteria_per_ml_max,
                     "somatic_cells_per_ml_max": s.somatic_cells_per_ml_max},
        **counts_json(m.counts),
        "months": [{"period": str(x.period), **counts_json(x.counts)} for x in m.months],
        "enterprises": [{"enterprise_id": x.enterprise_id, "name": x.name,
                         "township": x.township, **counts_json(x.counts)}
                        for x in m.enterprises],
        "failing": [{"enterprise_id": f.enterprise_id, "name": f.name, "period": f.period,
                     "protein_pct": f.protein_pct, "fat_pct": f.fat_pct,
                     "bacteria_per_ml": f.bacteria_per_ml,
                     "somatic_cells_per_ml": f.somatic_cells_per_ml,
                     "shortfalls": f.shortfalls} for f in m.failing],
    }
