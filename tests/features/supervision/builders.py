"""Small, exact data sets for the supervision tests: certificates, registrations, reports."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from models import Certification, Enterprise, MonthlyReport, TraceabilityRegistration
from models.enums import CertificateKind, Platform, ReportStatus, Verification
from server.core import clock
from server.core.clock import LOCAL_TZ
from tests.support.factories import make_enterprise

_numbers = itertools.count(1)


def d(text: str) -> date:
    return date.fromisoformat(text)


def at_local(day: str, clock_time: str = "10:00") -> datetime:
    return datetime.combine(d(day), time.fromisoformat(clock_time), LOCAL_TZ)


async def firm(name: str, *, industry: str = "rice", township: str = "虎林镇",
               **fields) -> Enterprise:
    return await make_enterprise(name, industry=industry, township=township, **fields)


async def cert(enterprise: Enterprise, issued: str, *, kind: str = "green_food",
               expires: str | None = None, number: str | None = None,
               product: str = "长粒香大米") -> Certification:
    issued_on = d(issued)
    expires_on = d(expires) if expires else issued_on.replace(year=issued_on.year + 3) \
        - timedelta(days=1)
    return await Certification.create(
        enterprise=enterprise, kind=CertificateKind(kind),
        certificate_no=number or f"T-{next(_numbers):06d}", product_name=product,
        issued_on=issued_on, expires_on=expires_on)


async def registration(enterprise: Enterprise, on: str, verification: str = "verified",
                       platform: str = "national") -> TraceabilityRegistration:
    return await TraceabilityRegistration.create(
        enterprise=enterprise, platform=Platform(platform),
        registration_no=f"GJ{next(_numbers):08d}", registered_on=d(on),
        verification=Verification(verification))


async def report(enterprise: Enterprise, period: str, *, revenue: str | None = "100",
                 output_value: str | None = None, quantity: str | None = None,
                 unit: str = "吨", status: str = "approved",
                 submitted_at: datetime | None = None, milk: tuple | None = None
                 ) -> MonthlyReport:
    status_value = ReportStatus(status)
    if submitted_at is None and status_value != ReportStatus.DRAFT:
        submitted_at = at_local(f"{period}-05")
    fields = {}
    if milk is not None:
        protein, fat, bacteria, cells = milk
        fields = {"milk_protein_pct": Decimal(protein) if protein else None,
                  "milk_fat_pct": Decimal(fat) if fat else None,
                  "milk_bacteria_per_ml": bacteria, "milk_somatic_cells_per_ml": cells}
    return await MonthlyReport.create(
        enterprise=enterprise, period=period, status=status_value,
        revenue=Decimal(revenue) if revenue is not None else None,
        output_value=Decimal(output_value) if output_value is not None else None,
        output_quantity=Decimal(quantity) if quantity is not None else None,
        output_unit=unit, submitted_at=submitted_at, **fields)


def freeze_today(monkeypatch, day: str) -> date:
    """Make `clock.today()` return `day` for the app and the services."""
    value = d(day)
    monkeypatch.setattr(clock, "today", lambda: value)
    return value
