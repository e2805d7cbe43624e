"""The staff home's to-do: what the enterprise has to do now, in one call.

- the report due this month (last month's), with its deadline and a countdown;
- reports returned for correction, and earlier months never submitted;
- certificates expiring soon, expired or failing their annual inspection;
- the traceability-platform registration when missing or rejected.
"""

from __future__ import annotations

from dataclasses import dataclass

from models import Enterprise, MonthlyReport
from models.enums import ReportStatus, Verification
from models.rules.deadline import Timeliness, due_period
from models.rules.period import Period, periods_between
from server.core import clock
from server.core.context import ServiceContext
from server.core.permissions import require_enterprise_reader
from server.features.certifications.service import CertificateView, flagged_certifications
from server.features.enterprises.service import existing_enterprise
from server.features.registration.service import RegistrationView, get_registration
from server.features.reports.service import timeliness_of

# How far back unsubmitted months are chased.
LOOKBACK_MONTHS = 12


@dataclass(frozen=True)
class PeriodStatus:
    period: Period
    report: MonthlyReport | None
    timeliness: Timeliness

    @property
    def submitted(self) -> bool:
        return self.report is not None and self.report.status in (
            ReportStatus.SUBMITTED, ReportStatus.APPROVED)


@dataclass(frozen=True)
class StaffTodo:
    enterprise: Enterprise
    due: PeriodStatus
    returned: list[MonthlyReport]
    overdue: list[PeriodStatus]
    certificates: list[CertificateView]
    registration: RegistrationView | None

    @property
    def registration_missing(self) -> bool:
        return self.registration is None

    @property
    def registration_rejected(self) -> bool:
        return self.registration is not None and \
            self.registration.registration.verification == Verification.REJECTED

    @property
    def due_open(self) -> bool:
        """This month's report still waits for the enterprise (a returned one is listed
        with the returned reports instead)."""
        report = self.due.report
        return report is None or report.status == ReportStatus.DRAFT

    @property
    def count(self) -> int:
        """How many things wait for the enterprise."""
        return (
            int(self.due_open) + len(self.returned) + len(self.overdue)
            + len(self.certificates)
            + int(self.registration_missing or self.registration_rejected)
        )


async def staff_todo(ctx: ServiceContext, enterprise_id: int) -> StaffTodo:
    require_enterprise_reader(ctx.actor, enterprise_id)
    enterprise = await existing_enterprise(enterprise_id)
    due = due_period(clock.today())
    earliest = await MonthlyReport.filter(enterprise_id=enterprise_id) \
        .order_by("period").limit(1).values_list("period", flat=True)
    created = Period.of(clock.local(enterprise.created_at).date())
    first_expected = min([created, *[Period(int(p[:4]), int(p[5:7])) for p in earliest[:1]]])
    start = max(due.shift(-LOOKBACK_MONTHS), first_expected)
    reports = {r.period: r for r in await MonthlyReport.filter(
        enterprise_id=enterprise_id, period__gte=str(min(start, due)))}
    overdue = []
    for period in periods_between(start, due.previous):
        report = reports.get(str(period))
        t = timeliness_of(ctx, period, report)
        if t.overdue:
            overdue.append(PeriodStatus(period, report, t))
    due_report = reports.get(str(due))
    # The due month's report, when returned, is shown on its own card.
    returned = await MonthlyReport.filter(enterprise_id=enterprise_id,
                                          status=ReportStatus.RETURNED) \
        .exclude(period=str(due)).order_by("period")
    return StaffTodo(
        enterprise=enterprise,
        due=PeriodStatus(due, due_report, timeliness_of(ctx, due, due_report)),
        returned=list(returned),
        overdue=overdue,
        certificates=await flagged_certifications(ctx, enterprise_id),
        registration=await get_registration(ctx, enterprise_id),
    )
