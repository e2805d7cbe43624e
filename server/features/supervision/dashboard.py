"""The supervision home: the gauge, the targets, the ranking, the charts and the queues.

It composes the other services for one year; every number links to a page that lists
what is behind it. The review queues (submitted reports, registrations to verify) are
pages of the reporting feature at fixed URLs; only their counts are read here.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

from models import Complaint, MonthlyReport, TraceabilityRegistration
from models.enums import ComplaintStatus, ReportStatus, Verification
from models.rules.period import Period, periods_between
from server.core import clock
from server.core.context import ServiceContext
from server.core.permissions import require_supervision
from server.features.supervision import breakdown, compliance, expiring, progress, submissions
from server.features.supervision.facts import Sums, monthly_revenue
from server.features.supervision.sql import Sql
from server.features.supervision.window import Window

REVIEW_REPORTS_URL = "/review/reports"
REVIEW_REGISTRATIONS_URL = "/review/registrations"


@dataclass(frozen=True)
class Queues:
    reports_to_review: int
    registrations_to_verify: int
    complaints_open: int
    certificates_to_chase: int


@dataclass
class Dashboard:
    year: int
    years: list[int]
    queues: Queues
    trace: compliance.Counts
    trace_target: object
    plan: progress.PlanProgress
    areas: breakdown.Breakdown
    months: list[tuple[Period, Sums, Sums]]      # this year's month, its sums, last year's
    reporting: submissions.Submissions


async def queues(ctx: ServiceContext) -> Queues:
    require_supervision(ctx.actor)
    certificates = await expiring.expiring_certificates(ctx)
    return Queues(
        reports_to_review=await MonthlyReport.filter(status=ReportStatus.SUBMITTED).count(),
        registrations_to_verify=await TraceabilityRegistration.filter(
            verification=Verification.PENDING).count(),
        complaints_open=await Complaint.filter(status=ComplaintStatus.OPEN).count(),
        certificates_to_chase=certificates.to_chase,
    )


def year_choices(ctx: ServiceContext) -> list[int]:
    """The plan's years and every year since, up to the current one."""
    this_year = clock.today().year
    return list(range(ctx.county.plan_start_year, max(this_year, ctx.county.plan_end_year) + 1))


async def dashboard(ctx: ServiceContext, year: int) -> Dashboard:
    require_supervision(ctx.actor)
    today = clock.today()
    collecting = submissions.default_period(today)
    period = collecting if collecting.year == year else Period(year, 12)
    plan, both_years, todo, reporting = await asyncio.gather(
        progress.plan_progress(ctx, year),
        monthly_revenue(Sql(), Window(date(year - 1, 1, 1), date(year, 12, 31))),
        queues(ctx),
        submissions.submissions(ctx, period, list_limit=0),
    )
    areas = await breakdown.breakdown(ctx, year, facts=plan.facts)
    trace = plan.trace or await compliance.counts_only(ctx, Window.of_year(year))
    months = [(p, both_years.get(str(p), Sums()), both_years.get(str(p.same_month_last_year),
                                                                 Sums()))
              for p in periods_between(Period(year, 1), Period(year, 12))]
    return Dashboard(
        year=year,
        years=year_choices(ctx),
        queues=todo,
        trace=trace,
        trace_target=compliance.target_rate(ctx.county),
        plan=plan,
        areas=areas,
        months=months,
        reporting=reporting,
    )
