"""Shared bits for the reporting tests (issue 3): periods relative to today, a full
report body, and making reports directly in the database."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from models import MonthlyReport
from models.enums import ReportStatus
from models.rules.deadline import due_period
from models.rules.period import Period
from server.core import clock

TODAY = clock.today()
CURRENT = Period.of(TODAY)          # this month: still running, only drafts
LAST = due_period(TODAY)            # last month: the report due this month
EARLIER = LAST.shift(-2)            # long past its deadline

FULL = {
    "revenue": "1234.5",
    "output_value": "1300",
    "output_quantity": "850.25",
    "output_unit": "吨",
    "employees": 48,
    "products": [{"name": "长粒香大米", "quantity": "600", "unit": "吨"},
                 {"name": "胚芽米", "quantity": "250.25", "unit": "吨"}],
}


def url(enterprise_id: int, period: Period | str, tail: str = "") -> str:
    return f"/api/v1/enterprises/{enterprise_id}/reports/{period}{tail}"


async def make_report(enterprise, period: Period, *, status=ReportStatus.APPROVED,
                      revenue="1000", output_value="1100", output_quantity="500",
                      submitted_on=None, **fields) -> MonthlyReport:
    """A report as if it had gone through the workflow earlier (test data, not the rule)."""
    submitted = None
    if status != ReportStatus.DRAFT:
        day = submitted_on or period.deadline(10).replace(day=5)
        submitted = datetime.combine(day, time(10, 0), clock.LOCAL_TZ)
    return await MonthlyReport.create(
        enterprise=enterprise, period=str(period), status=status,
        revenue=Decimal(revenue), output_value=Decimal(output_value),
        output_quantity=Decimal(output_quantity), output_unit="吨", employees=40,
        submitted_at=submitted, first_submitted_at=submitted, **fields)
