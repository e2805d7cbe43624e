"""The demo county: realistic, valid, idempotent."""

from collections import Counter
from datetime import date

from models import (
    Certification,
    Enterprise,
    MonthlyReport,
    ReportRevision,
    TraceabilityRegistration,
    TraceCode,
    User,
)
from models.enums import ReportStatus, Role
from models.rules.credit_code import is_valid_credit_code
from models.rules.period import Period
from qr.codes import verify
from server.core import clock
from server.demo.seed import seed_demo


async def test_seed_builds_a_county_and_is_idempotent(ctx):
    summary = await seed_demo(ctx)
    assert summary.created["enterprises"] >= 40
    enterprises = await Enterprise.all()
    assert all(is_valid_credit_code(e.credit_code) for e in enterprises)
    assert len({e.industry for e in enterprises}) == 13
    assert len({e.township for e in enterprises}) >= 15
    assert all(ctx.county.place(e.township) for e in enterprises)

    # two years and more of monthly reports, the last months in every state
    last = Period.of(clock.today()).previous
    periods = await MonthlyReport.all().values_list("period", flat=True)
    assert min(periods) == "2024-01" and max(periods) == str(last)
    latest = Counter(await MonthlyReport.filter(period=str(last)).values_list("status", flat=True))
    assert set(latest) == set(ReportStatus)
    assert await MonthlyReport.filter(period=str(last)).count() < len(enterprises)  # some late
    approved = await MonthlyReport.filter(status=ReportStatus.APPROVED).first()
    assert await ReportRevision.filter(report=approved).count() == 3

    assert await Certification.filter(kind="green_food", issued_on__gte=date(2025, 1, 1),
                                      issued_on__lte=date(2025, 12, 31)).count() >= 8
    assert await TraceabilityRegistration.filter(verification="pending").exists()
    codes = await TraceCode.all().limit(50).values_list("code", flat=True)
    assert all(verify(ctx.settings.SECRET_KEY, c) == c for c in codes)
    assert await TraceCode.filter(scan_count__gt=ctx.settings.SCAN_WARN_THRESHOLD).exists()
    assert await User.filter(role=Role.STAFF).count() == len(enterprises)

    counts = {m: await m.all().count() for m in (Enterprise, MonthlyReport, Certification,
                                                  TraceCode, User, ReportRevision)}
    again = await seed_demo(ctx)
    assert not any(again.created.values())
    assert counts == {m: await m.all().count() for m in counts}


async def test_demo_logins_work(ctx, client):
    summary = await seed_demo(ctx)
    role, phone, name = summary.logins[1]
    r = await client.post("/api/v1/session", json={"phone": phone, "password": "Hulin-demo-2025"})
    assert r.status_code == 200 and r.json()["user"]["role"] == "supervisor"
