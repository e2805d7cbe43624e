"""The enterprises behind a figure: drill-down lists for every number on the pages.

`enterprise_figures` lists enterprises (optionally of one place, one industry, or
matching an enterprise_count target) with their counted report sums for a window,
largest first; `target_certificates` lists the certificates behind a certificate target.
Both are paged in SQL and return the total, so a list of thousands stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from models.enums import CertificateKind, EnterpriseStatus, LeadingLevel
from server.core import clock
from server.core.context import ServiceContext
from server.core.county import County, Target
from server.core.errors import ValidationError
from server.core.permissions import require_supervision
from server.features.supervision.facts import (
    MONEY_PLACES,
    QUANTITY_PLACES,
    Sums,
    enterprise_sums_cte,
    sums_of,
)
from server.features.supervision.progress import (
    certificate_condition,
    enterprise_condition,
    num,
)
from server.features.supervision.sql import Sql, as_date, as_int, from_exact
from server.features.supervision.window import Window

ORDERS = {"revenue": "y.revenue", "output_value": "y.output_value",
          "output_quantity": "y.output_quantity", "name": None}
MAX_LIMIT = 1000          # one page on screen or through the API
EXPORT_LIMIT = 100_000    # a spreadsheet of everything


@dataclass(frozen=True)
class EnterpriseFigures:
    enterprise_id: int
    name: str
    credit_code: str
    township: str
    industry: str
    above_scale: bool
    leading_level: LeadingLevel
    contact_name: str
    contact_phone: str
    sums: Sums


@dataclass
class FiguresPage:
    items: list[EnterpriseFigures]
    total: int
    totals: Sums
    limit: int
    offset: int


async def enterprise_figures(ctx: ServiceContext, window: Window, *,
                             township: str | None = None, industry: str | None = None,
                             target: Target | None = None, order: str = "revenue",
                             only_reporting: bool = False, limit: int = 50,
                             offset: int = 0, export: bool = False) -> FiguresPage:
    require_supervision(ctx.actor)
    if order not in ORDERS:
        raise ValidationError(fields={"order": "排序方式无效"})
    limit = max(1, min(int(limit), EXPORT_LIMIT if export else MAX_LIMIT))
    offset = max(0, int(offset))
    sql = Sql()
    cte, join_params = enterprise_sums_cte(sql, ctx.county, window)
    joined = "FROM enterprise e LEFT JOIN y ON y.enterprise_id = e.id"
    where, where_params = ["e.status <> ?"], [EnterpriseStatus.CLOSED.value]
    if township:
        where.append("e.township = ?")
        where_params.append(township)
    if industry:
        where.append("e.industry = ?")
        where_params.append(industry)
    if target is not None:
        extra, extra_params = enterprise_condition(sql, target, window.as_of(clock.today()))
        where.append(f"({extra})")
        where_params += extra_params
    if only_reporting:
        where.append("y.enterprise_id IS NOT NULL")
    where_sql = " AND ".join(where)
    totals_row = await sql.one(f"""{cte}
        SELECT COUNT(*) AS n, SUM(y.revenue) AS revenue, SUM(y.output_value) AS output_value,
               SUM(y.output_quantity) AS output_quantity,
               SUM(CASE WHEN y.enterprise_id IS NULL THEN 0 ELSE 1 END) AS reporters,
               SUM(y.reports) AS reports
        {joined} WHERE {where_sql}
    """, join_params + where_params)
    sort = ORDERS[order]
    order_sql = f"COALESCE({sort}, -1) DESC, e.name, e.id" if sort else "e.name, e.id"
    rows = await sql.rows(f"""{cte}
        SELECT e.id AS id, e.name AS name, e.credit_code AS credit_code,
               e.township AS township, e.industry AS industry, e.above_scale AS above_scale,
               e.leading_level AS leading_level, e.contact_name AS contact_name,
               e.contact_phone AS contact_phone, y.revenue AS revenue,
               y.output_value AS output_value, y.output_quantity AS output_quantity,
               CASE WHEN y.enterprise_id IS NULL THEN 0 ELSE 1 END AS reporters,
               y.reports AS reports
        {joined} WHERE {where_sql}
        ORDER BY {order_sql}
        LIMIT ? OFFSET ?
    """, join_params + where_params + [limit, offset])
    items = [EnterpriseFigures(
        enterprise_id=r["id"], name=r["name"], credit_code=r["credit_code"],
        township=r["township"], industry=r["industry"], above_scale=bool(r["above_scale"]),
        leading_level=LeadingLevel(r["leading_level"]), contact_name=r["contact_name"] or "",
        contact_phone=r["contact_phone"] or "", sums=sums_of(r)) for r in rows]
    totals = Sums(from_exact(totals_row.get("revenue"), MONEY_PLACES),
                  from_exact(totals_row.get("output_value"), MONEY_PLACES),
                  from_exact(totals_row.get("output_quantity"), QUANTITY_PLACES),
                  as_int(totals_row.get("reporters")), as_int(totals_row.get("reports")))
    return FiguresPage(items, as_int(totals_row.get("n")), totals, limit, offset)


@dataclass(frozen=True)
class CertificateItem:
    certification_id: int
    enterprise_id: int
    enterprise_name: str
    township: str
    kind: CertificateKind
    certificate_no: str
    product_name: str
    issued_on: date
    expires_on: date


async def target_certificates(ctx: ServiceContext, target: Target, as_of: date, *,
                              limit: int = 200, offset: int = 0
                              ) -> tuple[list[CertificateItem], int]:
    """The certificates a certificate target counts on `as_of`, and how many there are."""
    require_supervision(ctx.actor)
    sql = Sql()
    condition, params = certificate_condition(sql, target, as_of)
    base = "FROM certification c JOIN enterprise e ON e.id = c.enterprise_id"
    total = await sql.one(f"SELECT COUNT(*) AS n {base} WHERE {condition}", params)
    rows = await sql.rows(f"""
        SELECT c.id AS id, e.id AS enterprise_id, e.name AS name, e.township AS township,
               c.kind AS kind, c.certificate_no AS certificate_no,
               c.product_name AS product_name, c.issued_on AS issued_on,
               c.expires_on AS expires_on
        {base} WHERE {condition}
        ORDER BY e.name, c.kind, c.issued_on, c.id
        LIMIT ? OFFSET ?
    """, params + [max(1, min(limit, MAX_LIMIT)), max(0, offset)])
    items = [CertificateItem(r["id"], r["enterprise_id"], r["name"], r["township"],
                             CertificateKind(r["kind"]), r["certificate_no"],
                             r["product_name"], as_date(r["issued_on"]),
                             as_date(r["expires_on"])) for r in rows]
    return items, as_int(total.get("n"))


def figures_json(page: FiguresPage, county: County) -> dict[str, Any]:
    def item(f: EnterpriseFigures) -> dict[str, Any]:
        industry = county.industry(f.industry)
        return {"enterprise_id": f.enterprise_id, "name": f.name,
                "credit_code": f.credit_code, "township": f.township,
                "industry": f.industry, "industry_name": industry.name if industry else None,
                "above_scale": f.above_scale, "leading_level": f.leading_level.value,
                "revenue": num(f.sums.revenue) if f.sums.reports else None,
                "output_value": num(f.sums.output_value) if f.sums.reports else None,
                "output_quantity": num(f.sums.output_quantity) if f.sums.reports else None,
                "reports": f.sums.reports}

    return {"items": [item(f) for f in page.items], "total": page.total,
            "limit": page.limit, "offset": page.offset,
            "totals": {"revenue": num(page.totals.revenue),
                       "output_value": num(page.totals.output_value),
                       "reporting_enterprises": page.totals.reporters}}

