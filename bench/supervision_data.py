"""A county at scale for the supervision benchmark: 5,000 enterprises, 60,000 monthly
reports (every enterprise, every month of 2025), 20,000 certificates, registrations,
complaints and a supervisor to log in with.

    .venv/bin/python bench/supervision_data.py DATABASE_URL      # migrate + generate

`bench/supervision_speed.py` (run by `make bench`) uses it on both engines. Run without
an argument (as `make bench` does) it only says so. Figures are drawn from a fixed seed.
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ENTERPRISES = 5000
REPORT_YEAR = 2025
CERTIFICATES = 20000
SUPERVISOR_PHONE = "13900009999"
SUPERVISOR_PASSWORD = "bench-supervisor-password"
BATCH = 2000


def _credit_code(rng: random.Random) -> str:
    from models.rules.credit_code import ALPHABET, check_character, org_check_character

    body = "".join(rng.choice(ALPHABET) for _ in range(8))
    first17 = "91230381" + body + org_check_character(body)
    return first17 + check_character(first17)


async def generate(settings) -> dict[str, int]:
    from models import (
        Certification,
        Complaint,
        Enterprise,
        MonthlyReport,
        TargetEntry,
        TraceabilityRegistration,
        User,
    )
    from models.enums import (
        CertificateKind,
        EnterpriseStatus,
        LeadingLevel,
        Platform,
        ReportStatus,
        Role,
        Verification,
    )
    from server.core.clock import LOCAL_TZ
    from server.core.county import load_county
    from server.core.security import Passwords

    county = load_county(settings.county_path)
    rng = random.Random(20251231)
    places = county.place_names
    industries = [i.code for i in county.industries]
    weights = [3, 2, 6, 2, 1, 1, 2, 3, 2, 1, 2, 1, 1]
    units = {i.code: i.output_unit for i in county.industries}

    await User.create(phone=SUPERVISOR_PHONE, name="压测监管员", role=Role.SUPERVISOR,
                      password_hash=await Passwords(settings).hash(SUPERVISOR_PASSWORD))

    codes: set[str] = set()
    enterprises = []
    for index in range(ENTERPRISES):
        code = _credit_code(rng)
        while code in codes:
            code = _credit_code(rng)
        codes.add(code)
        above = rng.random() < 0.2
        enterprises.append(Enterprise(
            credit_code=code, name=f"虎林市压测{index:04d}号农产品加工有限公司",
            township=rng.choice(places), industry=rng.choices(industries, weights)[0],
            leading_level=rng.choices(list(LeadingLevel), [86, 10, 3, 1])[0],
            above_scale=above,
            above_scale_since=date(rng.randint(2010, 2026), rng.randint(1, 12), 1)
            if above and rng.random() < 0.9 else None,
            contact_name="联系人", contact_phone=f"0467-{index:07d}",
            status=rng.choices(list(EnterpriseStatus), [95, 3, 2])[0],
        ))
    await Enterprise.bulk_create(enterprises, batch_size=BATCH)
    saved = await Enterprise.all().order_by("id").values_list("id", "industry")

    reports = []
    for enterprise_id, industry in saved:
        scale = rng.lognormvariate(6, 1.2)            # 万元 a month, median ~400
        for month in range(1, 13):
            status = rng.choices(list(ReportStatus), [3, 8, 4, 85])[0]
            deadline = date(REPORT_YEAR + (month == 12), month % 12 + 1, 10)
            late = rng.random() < 0.1
            submitted = datetime.combine(deadline + timedelta(days=rng.randint(1, 9) if late
                                                              else -rng.randint(0, 9)),
                                         clock_time(10, 30), LOCAL_TZ)
            revenue = Decimal(str(round(scale * rng.uniform(0.7, 1.3), 4)))
            report = MonthlyReport(
                enterprise_id=enterprise_id, period=f"{REPORT_YEAR}-{month:02d}", status=status,
                revenue=revenue,
                output_value=(revenue * Decimal("1.05")).quantize(Decimal("0.0001")),
                output_quantity=(revenue * Decimal("0.8")).quantize(Decimal("0.001")),
                output_unit=units[industry],
                submitted_at=None if status == ReportStatus.DRAFT else submitted,
            )
            if industry == "dairy":
                report.milk_protein_pct = Decimal(str(round(rng.uniform(3.1, 3.4), 2)))
                report.milk_fat_pct = Decimal(str(round(rng.uniform(3.7, 4.1), 2)))
                report.milk_bacteria_per_ml = rng.randrange(40000, 120000, 1000)
                report.milk_somatic_cells_per_ml = rng.randrange(100000, 230000, 1000)
            reports.append(report)
    await MonthlyReport.bulk_create(reports, batch_size=BATCH)

    kinds = list(CertificateKind)
    certificates = []
    green_firms = {}
    for number in range(CERTIFICATES):
        enterprise_id, _industry = rng.choice(saved)
        kind = rng.choices(kinds, [50, 20, 10, 10, 10])[0]
        issued = date(2015, 1, 1) + timedelta(days=rng.randint(0, 4300))
        certificates.append(Certification(
            enterprise_id=enterprise_id, kind=kind, certificate_no=f"BENCH-{number:06d}",
            product_name=f"产品{number % 97}", issued_on=issued,
            expires_on=issued + timedelta(days=rng.choice([365, 730, 1095])),
        ))
        if kind == CertificateKind.GREEN_FOOD:
            green_firms[enterprise_id] = min(issued, green_firms.get(enterprise_id, issued))
    await Certification.bulk_create(certificates, batch_size=BATCH)

    registrations = []
    for enterprise_id, first in green_firms.items():
        if rng.random() < 0.75:
            registrations.append(TraceabilityRegistration(
                enterprise_id=enterprise_id, platform=rng.choice(list(Platform)),
                registration_no=f"GJ{enterprise_id:010d}",
                registered_on=first + timedelta(days=rng.randint(-200, 400)),
                verification=rng.choices(list(Verification), [20, 75, 5])[0]))
    await TraceabilityRegistration.bulk_create(registrations, batch_size=BATCH)
    await Complaint.bulk_create([Complaint(text=f"压测投诉{i}") for i in range(200)])
    await TargetEntry.create(target_key="investment_attracted", value=Decimal("71.2"),
                             as_of=date(2025, 12, 31), note="压测")
    return {"enterprises": len(enterprises), "reports": len(reports),
            "certificates": len(certificates), "registrations": len(registrations)}


async def build(database_url: str) -> dict[str, int]:
    """Migrate an empty database at `database_url` and fill it."""
    from server.core.config import load_settings
    from server.core.db import close_db, init_db, migrate

    settings = load_settings({"DATABASE_URL": database_url,
                              "SECRET_KEY": "bench-secret-key-not-used-for-anything-0000",
                              "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024})
    await migrate(settings, quiet=True)
    await init_db(settings)
    try:
        return await generate(settings)
    finally:
        await close_db()


def main() -> int:
    if len(sys.argv) < 2:
        print("supervision_data.py: the generator of supervision_speed.py "
              "(to fill a database yourself: supervision_data.py DATABASE_URL)")
        return 0
    started = time.perf_counter()
    counts = asyncio.run(build(sys.argv[1]))
    print(", ".join(f"{k} {v}" for k, v in counts.items()),
          f"in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
