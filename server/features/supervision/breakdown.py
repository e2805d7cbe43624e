"""Revenue and counts by place and by industry for a year, and the ranking of places.

Two grouped queries (reports with enterprise counts, facts.py; certificates), each
returning at most places x industries rows; the per-place and per-industry totals are
folded from those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from models.enums import CertificateKind, EnterpriseStatus
from server.core import clock
from server.core.context import ServiceContext
from server.core.permissions import require_supervision
from server.features.supervision.calc import percent
from server.features.supervision.facts import Facts, Sums, year_facts
from server.features.supervision.progress import num
from server.features.supervision.sql import Sql, as_int
from server.features.supervision.window import Window

# The "两品一标" kinds: certificates of products (brand authorisations are not).
PRODUCT_KINDS = (CertificateKind.GREEN_FOOD.value, CertificateKind.ORGANIC.value,
                 CertificateKind.GEO_INDICATION.value)


@dataclass
class Area:
    """One place or one industry."""

    key: str
    label: str
    kind_label: str = ""
    unit: str = ""                  # industries: the output unit
    enterprises: int = 0
    above_scale: int = 0
    leading: int = 0
    certificates: int = 0           # valid 两品一标 certificates at the as-of date
    sums: Sums = field(default_factory=Sums)
    rank: int | None = None         # places: by revenue, 1 = largest
    share: Decimal | None = None    # percent of the county's revenue

    @property
    def revenue_yi(self) -> Decimal:
        return self.sums.revenue / 10000


@dataclass
class Breakdown:
    year: int
    as_of: date
    total: Area
    places: list[Area]
    industries: list[Area]

    @property
    def ranking(self) -> list[Area]:
        return sorted((a for a in self.places if a.rank), key=lambda a: a.rank or 0)


async def _certificate_counts(sql: Sql, as_of: date) -> list[dict[str, Any]]:
    d = sql.date_param()
    return await sql.rows(f"""
        SELECT e.township AS township, e.industry AS industry, COUNT(*) AS certificates
        FROM certification c JOIN enterprise e ON e.id = c.enterprise_id
        WHERE c.kind IN {Sql.in_list(PRODUCT_KINDS)} AND c.issued_on <= {d}
              AND c.expires_on >= {d} AND e.status <> ?
        GROUP BY e.township, e.industry
    """, [*PRODUCT_KINDS, as_of, as_of, EnterpriseStatus.CLOSED.value])


async def breakdown(ctx: ServiceContext, year: int,
                    facts: dict[tuple, Facts] | None = None) -> Breakdown:
    """`facts`: the year's facts by (township, industry) when already measured."""
    require_supervision(ctx.actor)
    county = ctx.county
    window = Window.of_year(year)
    as_of = window.as_of(clock.today())
    sql = Sql()
    places = {p.name: Area(p.name, p.name, p.kind_label) for p in county.places}
    industries = {i.code: Area(i.code, i.name, i.group_label, i.output_unit)
                  for i in county.industries}
    total = Area("total", county.name)

    def areas(township: str, industry: str) -> list[Area]:
        place = places.setdefault(township, Area(township, township))
        trade = industries.setdefault(industry, Area(industry, industry))
        return [place, trade, total]

    if facts is None:
        facts = await year_facts(sql, county, window, as_of, group_by=("township", "industry"))
    for (township, industry), f in facts.items():
        place, trade, _ = areas(township, industry)
        for area in (place, trade, total):
            area.enterprises += f.enterprises
            area.above_scale += f.above_scale
            area.leading += f.leading
        # quantities of different industries do not add up: only per industry
        without_quantity = Sums(f.sums.revenue, f.sums.output_value, Decimal(0),
                                f.sums.reporters, f.sums.reports)
        place.sums += without_quantity
        trade.sums += f.sums
        total.sums += without_quantity
    for row in await _certificate_counts(sql, as_of):
        for area in areas(row["township"], row["industry"]):
            area.certificates += as_int(row["certificates"])
    for area in [*places.values(), *industries.values()]:
        area.share = percent(area.sums.revenue, total.sums.revenue)
    # largest revenue first; a tie shares the rank and keeps the county file's order
    ranked = sorted((a for a in places.values() if a.enterprises or a.sums.revenue),
                    key=lambda a: -a.sums.revenue)
    previous, rank = None, 0
    for index, area in enumerate(ranked, start=1):
        if area.sums.revenue != previous:
            rank, previous = index, area.sums.revenue
        area.rank = rank
    return Breakdown(
        year=year, as_of=as_of, total=total,
        places=[a for a in places.values() if a.enterprises or a.sums.revenue],
        industries=list(industries.values()),
    )


def area_json(a: Area, *, industry: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        ("industry" if industry else "place"): a.key,
        ("industry_name" if industry else "kind_label"): a.label if industry else a.kind_label,
        "enterprises": a.enterprises,
        "above_scale": a.above_scale,
        "leading": a.leading,
        "certificates": a.certificates,
        "reporting_enterprises": a.sums.reporters,
        "revenue": num(a.sums.revenue),
        "output_value": num(a.sums.output_value),
        "revenue_share": a.share,
    }
    if industry:
        out["output_quantity"] = num(a.sums.output_quantity)
        out["output_unit"] = a.unit
    else:
        out["rank"] = a.rank
    return out


def breakdown_json(b: Breakdown) -> dict[str, Any]:
    return {
        "year": b.year,
        "as_of": b.as_of,
        "money_unit": "万元",
        "total": {"enterprises": b.total.enterprises, "above_scale": b.total.above_scale,
                  "leading": b.total.leading, "certificates": b.total.certificates,
                  "reporting_enterprises": b.total.sums.reporters,
                  "revenue": num(b.total.sums.revenue),
                  "output_value": num(b.total.sums.output_value)},
        "by_place": [area_json(a) for a in b.ranking] +
                    [area_json(a) for a in b.places if not a.rank],
        "by_industry": [area_json(a, industry=True) for a in b.industries],
    }
