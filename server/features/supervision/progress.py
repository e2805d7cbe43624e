"""Plan progress: every target of the county file, measured from the data.

Each target's `measure` (county/hulin.toml) says how its actual figure is computed;
nothing here knows Hulin's targets by name, so another county's plan is another file.

    revenue_sum / output_value_sum / output_quantity_sum
        counted monthly reports of the year (facts.py), of the target's industry if
        it names one, divided by `scale` (万元 -> 亿元 is 10000)
    enterprise_count            enterprises (not closed) matching the target's filters:
        industry, leading_min (a LeadingLevel), above_scale (counted when it became 规上
        on or before the as-of date, or when the date is unknown),
        above_scale_since_year (became 规上 in or after that year), revenue_over (万元
        of counted revenue in the year, strictly more)
    certificate_count           certificates of `kinds` valid on the as-of date
        (of enterprises of the target's industry, if given)
    certified_enterprise_count  enterprises holding such a certificate
    traceability_rate           the 100 % rule for the year (compliance.py)
    milk_quality_rate           raw-milk quality compliance of the year (milk.py)
    manual                      the latest TargetEntry on or before the as-of date

Status, judged against time:
    as-of date      the year's end, or today while the year runs
    achieved        actual >= target
    on_track        actual >= expected, where expected is
                    - rates: the target itself (the rule holds every day, so a rate is
                      either achieved or behind);
                    - yearly flows: the plan's level for that year (geometric path from
                      the base-year figure to the target when the plan gives a base,
                      else the target), times the share of the year's months whose
                      reports are already due;
                    - stocks (counts, certificates, manual figures): a straight line from
                      the base figure (else 0) at the plan's start to the target at the
                      end of the target year, at the as-of date
    behind          otherwise
    no_data         nothing to measure (no reports of that industry in the year, no
                    newly certified enterprise, no manual entry yet)
Growth against the base year is given for flows with a base figure once the year's
twelve reports are due: actual / base - 1, in percent.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from models.enums import CertificateKind, EnterpriseStatus, LeadingLevel
from models.rules.period import Period
from server.core import clock
from server.core.context import ServiceContext
from server.core.county import County, Target
from server.core.permissions import require_supervision
from server.features.supervision import compliance, manual, milk
from server.features.supervision.calc import clamp01, percent, ratio, rounded
from server.features.supervision.facts import (
    MONEY_PLACES,
    Facts,
    Sums,
    leading_levels,
    year_facts,
)
from server.features.supervision.sql import Sql, as_int
from server.features.supervision.window import Window

FLOWS = {"revenue_sum": "revenue", "output_value_sum": "output_value",
         "output_quantity_sum": "output_quantity"}
RATES = {"traceability_rate", "milk_quality_rate"}
CERTIFICATE_MEASURES = ("certificate_count", "certified_enterprise_count")
KNOWN_PARAMS = {
    "revenue_sum": set(), "output_value_sum": set(), "output_quantity_sum": set(),
    "enterprise_count": {"leading_min", "above_scale", "above_scale_since_year",
                         "revenue_over"},
    "certificate_count": {"kinds"}, "certified_enterprise_count": {"kinds"},
    "traceability_rate": set(), "milk_quality_rate": set(), "manual": {"cumulative"},
}
STATUS_LABELS = {"achieved": "已完成", "on_track": "进度正常", "behind": "进度滞后",
                 "no_data": "暂无数据"}
SOURCES = {
    "revenue_sum": "月报营业收入", "output_value_sum": "月报产值",
    "output_quantity_sum": "月报产量", "enterprise_count": "企业档案",
    "certificate_count": "有效证书", "certified_enterprise_count": "持证企业",
    "traceability_rate": "证书与追溯注册", "milk_quality_rate": "乳品月报质量指标",
    "manual": "监管部门录入",
}


class CountyTargetError(ValueError):
    """A target of the county file this code cannot measure (caught by a test)."""


def check_targets(county: County) -> None:
    """Every target's parameters are understood; raises CountyTargetError otherwise."""
    kinds = {k.value for k in CertificateKind}
    for t in county.targets:
        unknown = set(t.params) - KNOWN_PARAMS[t.measure]
        if unknown:
            raise CountyTargetError(f"target {t.key}: unknown parameter(s) {sorted(unknown)}")
        if t.measure in ("certificate_count", "certified_enterprise_count"):
            given = t.params.get("kinds") or []
            if not given or not set(given) <= kinds:
                raise CountyTargetError(f"target {t.key}: kinds must be among {sorted(kinds)}")
        if "leading_min" in t.params:
            LeadingLevel(t.params["leading_min"])


@dataclass(frozen=True)
class Timeline:
    """Where a year stands in the plan: the as-of date and the shares of time elapsed."""

    year: int
    as_of: date
    months_due: int           # months of the year whose reports are due by today

    @classmethod
    def of(cls, year: int, today: date, deadline_day: int) -> Timeline:
        window = Window.of_year(year)
        due = sum(1 for m in range(1, 13) if today > Period(year, m).deadline(deadline_day))
        return cls(year, window.as_of(today), due)

    def plan_share(self, county: County, target: Target) -> float:
        start = date(county.plan_start_year, 1, 1)
        end = date(target.year or county.plan_end_year, 12, 31)
        return clamp01(((self.as_of - start).days + 1) / ((end - start).days + 1))


@dataclass
class Row:
    target: Target
    actual: Decimal | None
    expected: Decimal | None
    status: str
    detail: str = ""
    entered_on: date | None = None      # manual figures: the entry's date
    growth: Decimal | None = None       # percent against the base year
    year: int = 0

    @property
    def key(self) -> str:
        return self.target.key

    @property
    def ratio(self) -> Decimal | None:
        return ratio(self.actual, self.target.target)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def href(self) -> str:
        return f"/plan/targets/{self.target.key}?year={self.year}"


@dataclass
class PlanProgress:
    year: int
    timeline: Timeline
    rows: list[Row] = field(default_factory=list)
    # what was measured on the way, for the dashboard to reuse
    facts: dict[tuple, Facts] = field(default_factory=dict)   # by (township, industry)
    trace: compliance.Counts | None = None

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)


# -- SQL pieces shared with the drill-down lists (figures.py) ---------------------------
def enterprise_condition(sql: Sql, target: Target, as_of: date) -> tuple[str, list[Any]]:
    """SQL over `enterprise e` and `y.revenue` (the year's revenue, facts.py) selecting
    the enterprises an enterprise_count target counts, with its parameters."""
    d = sql.date_param()
    p = target.params
    parts: list[str] = []
    params: list[Any] = []
    if target.industry:
        parts.append("e.industry = ?")
        params.append(target.industry)
    if "leading_min" in p:
        levels = leading_levels(p["leading_min"])
        parts.append(f"e.leading_level IN {Sql.in_list(levels)}")
        params += levels
    if "above_scale" in p:
        parts.append("e.above_scale = ?")
        params.append(bool(p["above_scale"]))
        if p["above_scale"]:
            parts.append(f"(e.above_scale_since IS NULL OR e.above_scale_since <= {d})")
            params.append(as_of)
    if "above_scale_since_year" in p:
        parts.append(f"e.above_scale_since >= {d} AND e.above_scale_since <= {d}")
        params += [date(int(p["above_scale_since_year"]), 1, 1), as_of]
    if "revenue_over" in p:
        parts.append("COALESCE(y.revenue, 0) > ?")
        params.append(int(Decimal(str(p["revenue_over"])).scaleb(MONEY_PLACES)))
    return " AND ".join(parts) or "1 = 1", params


def certificate_condition(sql: Sql, target: Target, as_of: date) -> tuple[str, list[Any]]:
    """SQL over `certification c` joined to `enterprise e` for a certificate target."""
    d = sql.date_param()
    kinds = list(target.params["kinds"])
    parts = [f"c.kind IN {Sql.in_list(kinds)}", f"c.issued_on <= {d}", f"c.expires_on >= {d}",
             "e.status <> ?"]
    params: list[Any] = [*kinds, as_of, as_of, EnterpriseStatus.CLOSED.value]
    if target.industry:
        parts.append("e.industry = ?")
        params.append(target.industry)
    return " AND ".join(parts), params


# -- measuring ----------------------------------------------------------------------------
async def certificate_counts(sql: Sql, targets: list[Target], as_of: date) -> dict[str, int]:
    """Every certificate target in one scan of the certificates valid on `as_of`."""
    if not targets:
        return {}
    d = sql.date_param()
    selects, params = [], []
    for index, t in enumerate(targets):
        kinds = list(t.params["kinds"])
        condition = f"c.kind IN {Sql.in_list(kinds)}"
        cond_params: list[Any] = kinds
        if t.industry:
            condition += " AND e.industry = ?"
            cond_params = [*kinds, t.industry]
        if t.measure == "certified_enterprise_count":
            selects.append(f"COUNT(DISTINCT CASE WHEN {condition} THEN c.enterprise_id END)"
                           f" AS c{index}")
        else:
            selects.append(f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS c{index}")
        params += cond_params
    row = await sql.one(f"""
        SELECT {', '.join(selects)}
        FROM certification c JOIN enterprise e ON e.id = c.enterprise_id
        WHERE c.issued_on <= {d} AND c.expires_on >= {d} AND e.status <> ?
    """, [*params, as_of, as_of, EnterpriseStatus.CLOSED.value])
    return {t.key: as_int(row.get(f"c{i}")) for i, t in enumerate(targets)}


def expected_flow(county: County, target: Target, timeline: Timeline) -> Decimal:
    """The plan's level for the year, pro rata to the months whose reports are due."""
    final_year = target.year or county.plan_end_year
    annual = target.target
    base = target.base_figure
    if timeline.year < final_year and base and target.base_year and target.base_year < final_year:
        if timeline.year <= target.base_year:
            annual = base
        else:
            share = Decimal(timeline.year - target.base_year) / (final_year - target.base_year)
            annual = base * (target.target / base) ** share
    return annual * timeline.months_due / 12


def expected_stock(county: County, target: Target, timeline: Timeline) -> Decimal:
    start = target.base_figure or Decimal(0)
    share = Decimal(str(round(timeline.plan_share(county, target), 6)))
    return start + (target.target - start) * share


def judge(target: Target, actual: Decimal | None, expected: Decimal | None) -> str:
    if actual is None:
        return "no_data"
    if actual >= target.target:
        return "achieved"
    if target.measure in RATES or expected is None:
        return "behind"
    return "on_track" if actual >= expected else "behind"


async def plan_progress(ctx: ServiceContext, year: int) -> PlanProgress:
    """One row per target of the county file, in the file's order."""
    require_supervision(ctx.actor)
    county = ctx.county
    check_targets(county)
    today = clock.today()
    timeline = Timeline.of(year, today, ctx.settings.REPORT_DEADLINE_DAY)
    window = Window.of_year(year)
    as_of = timeline.as_of
    sql = Sql()
    targets = list(county.targets)
    measures = {t.measure for t in targets}

    # Independent queries, run together (PostgreSQL's pool serves them at once; SQLite's
    # single connection queues them). The year's reports are read once: sums per
    # industry and every enterprise count come from the same pass.
    conditions = {t.key: enterprise_condition(sql, t, as_of)
                  for t in targets if t.measure == "enterprise_count"}

    async def nothing() -> None:
        return None

    by_industry, certificates, trace, milk_counts, entries = await asyncio.gather(
        year_facts(sql, county, window, as_of, group_by=("township", "industry"),
                   conditions=conditions),
        certificate_counts(sql, [t for t in targets if t.measure in CERTIFICATE_MEASURES],
                           as_of),
        compliance.counts_only(ctx, window) if "traceability_rate" in measures else nothing(),
        milk.milk_counts(ctx, window) if "milk_quality_rate" in measures else nothing(),
        manual.latest_entries([t.key for t in targets if t.measure == "manual"], as_of),
    )
    facts = by_industry
    by_industry = {}
    for (_township, industry), f in facts.items():
        by_industry[(industry,)] = by_industry.get((industry,), Facts()) + f
    everything = sum(by_industry.values(), Facts())

    progress = PlanProgress(year, timeline, facts=facts, trace=trace)
    for t in targets:
        row = Row(t, None, None, "no_data", year=year)
        if t.measure in FLOWS:
            total = sum((f.sums for (industry,), f in by_industry.items()
                         if t.industry is None or industry == t.industry), Sums())
            if total.reports:
                raw = getattr(total, FLOWS[t.measure])
                row.actual = rounded(raw / t.scale)
                unit_note = f"截至{year}年{timeline.months_due}月" if timeline.months_due < 12 \
                    else f"{year}年全年"
                row.detail = f"{total.reporters}家企业填报，{unit_note}"
                if timeline.months_due == 12 and t.base_figure:
                    row.growth = percent(row.actual - t.base_figure, t.base_figure)
            row.expected = rounded(expected_flow(county, t, timeline))
        elif t.measure == "enterprise_count":
            row.actual = Decimal(everything.counts.get(t.key, 0))
            row.expected = rounded(expected_stock(county, t, timeline), 2)
            row.detail = f"截至{as_of.isoformat()}的企业档案"
        elif t.measure in CERTIFICATE_MEASURES:
            row.actual = Decimal(certificates[t.key])
            row.expected = rounded(expected_stock(county, t, timeline), 2)
            row.detail = f"{as_of.isoformat()}有效的证书与授权"
        elif t.measure == "traceability_rate" and trace is not None:
            row.actual = trace.rate
            row.expected = t.target
            row.detail = (f"新认证{trace.newly_certified}家，已进驻{trace.registered}家，"
                          f"已核验{trace.registered_verified}家")
        elif t.measure == "milk_quality_rate" and milk_counts is not None:
            row.actual = milk_counts.rate
            row.expected = t.target
            row.detail = f"判定{milk_counts.judged}份乳品月报，达标{milk_counts.compliant}份"
        elif t.measure == "manual":
            entry = entries.get(t.key)
            row.expected = rounded(expected_stock(county, t, timeline), 2)
            if entry is not None:
                row.actual = entry.value.normalize()
                row.entered_on = entry.as_of
                row.detail = f"{entry.as_of.isoformat()}录入：{entry.note}"
            else:
                row.detail = "尚未录入，请监管部门录入"
        row.status = judge(t, row.actual, row.expected)
        progress.rows.append(row)
    return progress


# -- JSON ---------------------------------------------------------------------------------
def num(value: Decimal | None) -> str | None:
    """A decimal string without exponent or trailing zeros: "70", "57.15", "0.8333"."""
    if value is None:
        return None
    text = format(value.quantize(Decimal("0.0001"), ROUND_HALF_UP).normalize(), "f")
    return "0" if text in ("-0", "") else text


def row_json(row: Row, county: County) -> dict[str, Any]:
    t = row.target
    industry = county.industry(t.industry) if t.industry else None
    return {
        "key": t.key,
        "label": t.label,
        "target": num(t.target),
        "actual": num(row.actual),
        "unit": t.unit,
        "ratio": num(row.ratio),
        "status": row.status,
        "status_label": row.status_label,
        "expected": num(row.expected),
        "measure": t.measure,
        "source": SOURCES[t.measure],
        "industry": t.industry,
        "industry_name": industry.name if industry else None,
        "plan_ref": t.plan_ref,
        "base_year": t.base_year,
        "base": num(t.base_figure),
        "growth": num(row.growth),
        "growth_target": num(t.growth * 100) if t.growth is not None else None,
        "detail": row.detail,
        "entered_on": row.entered_on,
        "href": row.href,
    }


def progress_json(p: PlanProgress, county: County) -> list[dict[str, Any]]:
    return [row_json(r, county) for r in p.rows]
