"""The plan's 100 % rule: 全市新认证绿色食品加工企业追溯平台进驻率达到100%.

Definitions (DESIGN.md, "Rules that matter"):

- newly certified: an enterprise whose FIRST green-food certificate (the earliest
  `issued_on` of all its green-food certificates, ever) falls within the window; a
  renewal or a second certificate does not make an enterprise new again;
- registered (self-reported): it has a traceability-platform registration dated on or
  before the window's end that supervision has not rejected;
- registered and verified: that registration has been verified by supervision.

Closed enterprises (status `closed`) are left out. Everything is counted in SQL; only
the list of enterprises still missing is returned row by row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from models.enums import CertificateKind, EnterpriseStatus, Verification
from server.core import clock
from server.core.context import ServiceContext
from server.core.county import County
from server.core.permissions import require_supervision
from server.features.supervision.calc import percent
from server.features.supervision.sql import Sql, as_date, as_int
from server.features.supervision.window import Window

DEFAULT_TARGET_RATE = Decimal(100)

# What became of a newly certified enterprise's registration, as of the window's end.
STATES = {
    "verified": "已注册，已核验",
    "pending": "已注册，待核验",
    "none": "未注册",
    "late": "注册晚于统计期末",
    "rejected": "注册核验未通过",
}
REGISTERED_STATES = ("verified", "pending")


@dataclass(frozen=True)
class Counts:
    newly_certified: int = 0
    registered: int = 0
    registered_verified: int = 0

    @property
    def missing(self) -> int:
        return self.newly_certified - self.registered

    @property
    def awaiting_verification(self) -> int:
        return self.registered - self.registered_verified

    @property
    def rate(self) -> Decimal | None:
        return percent(self.registered, self.newly_certified)

    @property
    def rate_verified(self) -> Decimal | None:
        return percent(self.registered_verified, self.newly_certified)

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.newly_certified + other.newly_certified,
                      self.registered + other.registered,
                      self.registered_verified + other.registered_verified)


@dataclass(frozen=True)
class Group:
    """One place or one industry of the breakdown."""

    key: str
    label: str
    counts: Counts


@dataclass(frozen=True)
class EnterpriseRow:
    enterprise_id: int
    name: str
    credit_code: str
    township: str
    industry: str
    industry_name: str
    contact_name: str
    contact_phone: str
    certified_on: date
    registered_on: date | None
    platform: str | None
    verification: str | None
    state: str
    days_waiting: int | None   # missing ones: days since the certificate without registration

    @property
    def state_label(self) -> str:
        return STATES[self.state]

    @property
    def is_missing(self) -> bool:
        return self.state not in REGISTERED_STATES


@dataclass
class TraceabilityCompliance:
    window: Window
    as_of: date
    target_rate: Decimal
    counts: Counts
    by_place: list[Group]
    by_industry: list[Group]
    missing: list[EnterpriseRow]
    rows: list[EnterpriseRow] = field(default_factory=list)   # every newly certified one

    @property
    def status(self) -> str:
        rate = self.counts.rate
        if rate is None:
            return "no_data"
        return "achieved" if rate >= self.target_rate else "behind"


def target_rate(county: County) -> Decimal:
    target = next((t for t in county.targets if t.measure == "traceability_rate"), None)
    return target.target if target else DEFAULT_TARGET_RATE


# The newly certified enterprises of the window with their registration, as one FROM.
# Parameters: green-food kind, window start, window end.
_NEWLY = """
    FROM (
        SELECT c.enterprise_id, MIN(c.issued_on) AS certified_on
        FROM certification c
        WHERE c.kind = ?
        GROUP BY c.enterprise_id
    ) f
    JOIN enterprise e ON e.id = f.enterprise_id
    LEFT JOIN traceability_registration r ON r.enterprise_id = e.id
    WHERE f.certified_on >= {date} AND f.certified_on <= {date} AND e.status <> ?
"""
# 1 when registered by the window's end (parameters: window end, rejected).
_REGISTERED = "(r.id IS NOT NULL AND r.registered_on <= {date} AND r.verification <> ?)"
_VERIFIED = "(r.id IS NOT NULL AND r.registered_on <= {date} AND r.verification = ?)"


def _newly_params(window: Window) -> list[Any]:
    return [CertificateKind.GREEN_FOOD.value, window.since, window.until,
            EnterpriseStatus.CLOSED.value]


async def counts_by_group(sql: Sql, window: Window) -> list[dict[str, Any]]:
    """Counts per (place, industry): at most places x industries rows."""
    d = sql.date_param()
    query = f"""
        SELECT e.township AS township, e.industry AS industry,
               COUNT(*) AS newly,
               SUM(CASE WHEN {_REGISTERED.format(date=d)} THEN 1 ELSE 0 END) AS registered,
               SUM(CASE WHEN {_VERIFIED.format(date=d)} THEN 1 ELSE 0 END) AS verified
        {_NEWLY.format(date=d)}
        GROUP BY e.township, e.industry
    """
    params = [window.until, Verification.REJECTED.value, window.until,
              Verification.VERIFIED.value, *_newly_params(window)]
    return await sql.rows(query, params)


async def enterprise_rows(sql: Sql, window: Window, county: County, today: date, *,
                          missing_only: bool) -> list[EnterpriseRow]:
    d = sql.date_param()
    where = f" AND NOT {_REGISTERED.format(date=d)}" if missing_only else ""
    query = f"""
        SELECT e.id, e.name, e.credit_code, e.township, e.industry, e.contact_name,
               e.contact_phone, f.certified_on, r.registered_on, r.platform, r.verification
        {_NEWLY.format(date=d)}{where}
        ORDER BY f.certified_on, e.name, e.id
    """
    params = _newly_params(window)
    if missing_only:
        params += [window.until, Verification.REJECTED.value]
    return [_row(raw, window, county, today) for raw in await sql.rows(query, params)]


def _row(raw: dict[str, Any], window: Window, county: County, today: date) -> EnterpriseRow:
    certified_on = as_date(raw["certified_on"])
    registered_on = as_date(raw["registered_on"])
    verification = raw["verification"]
    if registered_on is None:
        state = "none"
    elif verification == Verification.REJECTED.value:
        state = "rejected"
    elif registered_on > window.until:
        state = "late"
    else:
        state = "verified" if verification == Verification.VERIFIED.value else "pending"
    days = None
    if state not in REGISTERED_STATES:
        end = registered_on if state == "late" else today
        days = max(0, (end - certified_on).days)
    industry = county.industry(raw["industry"])
    return EnterpriseRow(
        enterprise_id=raw["id"], name=raw["name"], credit_code=raw["credit_code"],
        township=raw["township"], industry=raw["industry"],
        industry_name=industry.name if industry else raw["industry"],
        contact_name=raw["contact_name"] or "", contact_phone=raw["contact_phone"] or "",
        certified_on=certified_on, registered_on=registered_on, platform=raw["platform"],
        verification=verification, state=state, days_waiting=days,
    )


def _groups(raw: list[dict[str, Any]], key: str, order: list[tuple[str, str]]) -> list[Group]:
    totals: dict[str, Counts] = {}
    for row in raw:
        counts = Counts(as_int(row["newly"]), as_int(row["registered"]), as_int(row["verified"]))
        totals[row[key]] = totals.get(row[key], Counts()) + counts
    known = [Group(code, label, totals.pop(code)) for code, label in order if code in totals]
    return known + [Group(code, code, c) for code, c in sorted(totals.items())]


async def traceability_compliance(ctx: ServiceContext, window: Window, *,
                                  with_rows: bool = False) -> TraceabilityCompliance:
    """The 100 % rule for the window; `with_rows` also lists every newly certified one."""
    require_supervision(ctx.actor)
    sql = Sql()
    today = clock.today()
    county = ctx.county
    raw = await counts_by_group(sql, window)
    total = sum((Counts(as_int(r["newly"]), as_int(r["registered"]), as_int(r["verified"]))
                 for r in raw), Counts())
    if with_rows:
        rows = await enterprise_rows(sql, window, county, today, missing_only=False)
        missing = [r for r in rows if r.is_missing]
    else:
        rows = []
        missing = await enterprise_rows(sql, window, county, today, missing_only=True)
    return TraceabilityCompliance(
        window=window,
        as_of=window.as_of(today),
        target_rate=target_rate(county),
        counts=total,
        by_place=_groups(raw, "township", [(p.name, p.name) for p in county.places]),
        by_industry=_groups(raw, "industry", [(i.code, i.name) for i in county.industries]),
        missing=missing,
        rows=rows,
    )


async def counts_only(ctx: ServiceContext, window: Window) -> Counts:
    """Just the three counts (the plan-progress row and the dashboard gauge)."""
    require_supervision(ctx.actor)
    raw = await counts_by_group(Sql(), window)
    return sum((Counts(as_int(r["newly"]), as_int(r["registered"]), as_int(r["verified"]))
                for r in raw), Counts())


# -- JSON ------------------------------------------------------------------------------
def _counts_json(c: Counts) -> dict[str, Any]:
    return {
        "newly_certified": c.newly_certified,
        "registered": c.registered,
        "registered_verified": c.registered_verified,
        "awaiting_verification": c.awaiting_verification,
        "missing": c.missing,
        "rate": c.rate,
        "rate_verified": c.rate_verified,
    }


def row_json(r: EnterpriseRow) -> dict[str, Any]:
    return {
        "enterprise_id": r.enterprise_id,
        "name": r.name,
        "credit_code": r.credit_code,
        "certified_on": r.certified_on,
        "township": r.township,
        "industry": r.industry,
        "industry_name": r.industry_name,
        "contact_name": r.contact_name,
        "contact_phone": r.contact_phone,
        "days_waiting": r.days_waiting,
        "registration_state": r.state,
        "registration_state_label": r.state_label,
        "registered_on": r.registered_on,
        "platform": r.platform,
        "verification": r.verification,
    }


def compliance_json(report: TraceabilityCompliance) -> dict[str, Any]:
    c = report.counts
    return {
        "year": report.window.year,
        "since": report.window.since,
        "until": report.window.until,
        "as_of": report.as_of,
        "unit": "%",
        "target_rate": report.target_rate,
        "newly_certified": c.newly_certified,
        "registered": c.registered,
        "registered_verified": c.registered_verified,
        "awaiting_verification": c.awaiting_verification,
        "rate": c.rate,
        "rate_verified": c.rate_verified,
        "status": report.status,
        "missing": [row_json(r) for r in report.missing],
        "by_place": [{"place": g.key, **_counts_json(g.counts)} for g in report.by_place],
        "by_industry": [{"industry": g.key, "industry_name": g.label, **_counts_json(g.counts)}
                        for g in report.by_industry],
    }
