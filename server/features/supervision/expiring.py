"""Certificates about to expire (within CERT_EXPIRY_WARN_DAYS), and those that just did.

A certificate counts as renewed when the enterprise holds a later certificate of the
same kind for the same product; renewed ones are marked, so nobody chases them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from models.enums import CertificateKind, EnterpriseStatus
from server.core import clock
from server.core.context import ServiceContext
from server.core.permissions import require_supervision
from server.features.supervision.sql import Sql, as_date

LIMIT = 5000


@dataclass(frozen=True)
class ExpiringCertificate:
    certification_id: int
    enterprise_id: int
    enterprise_name: str
    township: str
    contact_name: str
    contact_phone: str
    kind: CertificateKind
    certificate_no: str
    product_name: str
    issued_on: date
    expires_on: date
    days_left: int          # negative: expired that many days ago
    renewed: bool


@dataclass
class Expiring:
    today: date
    days: int
    expiring: list[ExpiringCertificate]
    expired: list[ExpiringCertificate]   # expired within the last `days` days, not renewed

    @property
    def to_chase(self) -> int:
        return sum(1 for c in self.expiring if not c.renewed) + len(self.expired)


async def _list(sql: Sql, since: date, until: date, today: date, *,
                unrenewed_only: bool) -> list[ExpiringCertificate]:
    d = sql.date_param()
    renewed = """EXISTS (SELECT 1 FROM certification n
                         WHERE n.enterprise_id = c.enterprise_id AND n.kind = c.kind
                           AND n.product_name = c.product_name
                           AND n.expires_on > c.expires_on)"""
    extra = f" AND NOT {renewed}" if unrenewed_only else ""
    rows = await sql.rows(f"""
        SELECT c.id AS id, e.id AS enterprise_id, e.name AS name, e.township AS township,
               e.contact_name AS contact_name, e.contact_phone AS contact_phone,
               c.kind AS kind, c.certificate_no AS certificate_no,
               c.product_name AS product_name, c.issued_on AS issued_on,
               c.expires_on AS expires_on,
               CASE WHEN {renewed} THEN 1 ELSE 0 END AS renewed
        FROM certification c JOIN enterprise e ON e.id = c.enterprise_id
        WHERE c.expires_on >= {d} AND c.expires_on <= {d} AND e.status <> ?{extra}
        ORDER BY c.expires_on, e.name, c.id
        LIMIT ?
    """, [since, until, EnterpriseStatus.CLOSED.value, LIMIT])
    out = []
    for r in rows:
        expires_on = as_date(r["expires_on"])
        out.append(ExpiringCertificate(
            r["id"], r["enterprise_id"], r["name"], r["township"], r["contact_name"] or "",
            r["contact_phone"] or "", CertificateKind(r["kind"]), r["certificate_no"],
            r["product_name"], as_date(r["issued_on"]), expires_on,
            (expires_on - today).days, bool(r["renewed"])))
    return out


async def expiring_certificates(ctx: ServiceContext, days: int | None = None) -> Expiring:
    require_supervision(ctx.actor)
    days = days or ctx.settings.CERT_EXPIRY_WARN_DAYS
    today = clock.today()
    sql = Sql()
    expiring = await _list(sql, today, today + timedelta(days=days), today,
                           unrenewed_only=False)
    expired = await _list(sql, today - timedelta(days=days), today - timedelta(days=1), today,
                          unrenewed_only=True)
    return Expiring(today, days, expiring, list(reversed(expired)))


def certificate_json(c: ExpiringCertificate) -> dict[str, Any]:
    return {"certification_id": c.certification_id, "enterprise_id": c.enterprise_id,
            "enterprise_name": c.enterprise_name, "township": c.township,
            "contact_name": c.contact_name, "contact_phone": c.contact_phone,
            "kind": c.kind.value, "kind_label": c.kind.label,
            "certificate_no": c.certificate_no, "product_name": c.product_name,
            "issued_on": c.issued_on, "expires_on": c.expires_on, "days_left": c.days_left,
            "renewed": c.renewed}


def expiring_json(e: Expiring) -> dict[str, Any]:
    return {"today": e.today, "days": e.days,
            "expiring": [certificate_json(c) for c in e.expiring],
            "expired": [certificate_json(c) for c in e.expired]}
