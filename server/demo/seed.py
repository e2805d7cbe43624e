"""`seed-demo`: load the demo county. Idempotent: every record is found by its natural key
(credit code, phone, certificate number, enterprise + period, ...) and only created when
missing, with figures drawn from a fixed random seed, so running it twice adds nothing
and running it next month only adds next month's reports.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from tortoise.transactions import in_transaction

from models import (
    Batch,
    Certification,
    Complaint,
    Enterprise,
    MonthlyReport,
    Product,
    ReportRevision,
    TargetEntry,
    TraceabilityRegistration,
    TraceCode,
    TraceEvent,
    User,
)
from models.enums import (
    AnnualInspection,
    CertificateKind,
    CodeStatus,
    EventType,
    LeadingLevel,
    Platform,
    RecordSource,
    ReportStatus,
    Role,
    Verification,
)
from models.rules.credit_code import ALPHABET, check_character, org_check_character
from models.rules.period import Period, periods_between
from qr.codes import new_code
from server.core import clock
from server.core.clock import LOCAL_TZ
from server.core.context import ServiceContext
from server.demo.data import (
    DEMO_PASSWORD,
    ENTERPRISES,
    SEASONS,
    STAFF_PHONE_BASE,
    SUPERVISORS,
    TARGET_ENTRIES,
    YEAR_FACTORS,
    DemoEnterprise,
)

FIRST_PERIOD = Period(2024, 1)
CODES_PER_BATCH = 20
VALIDITY_YEARS = {"green_food": 3, "organic": 1, "geo_indication": 10,
                  "brand_hulin_linden_honey": 3, "brand_heitu_youpin": 2}


@dataclass
class SeedSummary:
    created: dict[str, int]
    logins: list[tuple[str, str, str]]   # (role label, phone, name)

    def text(self) -> str:
        made = ", ".join(f"{k} {v}" for k, v in self.created.items() if v) or "nothing new"
        lines = [f"demo county loaded ({made})", "", "demo log-ins (password: "
                 f"{DEMO_PASSWORD}):"]
        lines += [f"  {role:<8} {phone}  {name}" for role, phone, name in self.logins]
        return "\n".join(lines)


def demo_credit_code(name: str) -> str:
    """A valid 统一社会信用代码 for a demo name: 91 (enterprise) + 230381 (虎林市)."""
    rng = random.Random(f"credit:{name}")
    body = "MA" + "".join(rng.choice(ALPHABET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    first17 = "91230381" + body + org_check_character(body)
    return first17 + check_character(first17)


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def _qty(value: float) -> Decimal:
    return Decimal(str(round(value, 3)))


class Seeder:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.created: dict[str, int] = {}
        self.today = clock.today()
        self.last_period = Period.of(self.today).previous

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n

    async def run(self) -> SeedSummary:
        password_hash = await self.ctx.passwords.hash(DEMO_PASSWORD)
        supervisors = await self.supervisors(password_hash)
        reviewer = supervisors[1]
        logins = [(Role(r).label, p, n) for p, n, r in SUPERVISORS]
        for index, demo in enumerate(ENTERPRISES):
            async with in_transaction():
                enterprise = await self.enterprise(index, demo)
                staff = await self.staff(index, demo, enterprise, password_hash)
                await self.reports(index, demo, enterprise, staff, reviewer)
                certificates = await self.certificates(demo, enterprise, staff)
                await self.registration(demo, enterprise, reviewer)
                await self.products(index, demo, enterprise, staff, certificates)
            if index < 4:
                logins.append((Role.STAFF.label, staff.phone, f"{staff.name}（{demo.name}）"))
        await self.target_entries(reviewer)
        await self.complaints()
        return SeedSummary(self.created, logins)

    async def supervisors(self, password_hash: str) -> list[User]:
        users = []
        for phone, name, role in SUPERVISORS:
            user, made = await User.get_or_create(
                phone=phone,
                defaults={"name": name, "role": Role(role), "password_hash": password_hash,
                          "password_changed_at": clock.now()},
            )
            self.count("users", made)
            users.append(user)
        return users

    async def enterprise(self, index: int, demo: DemoEnterprise) -> Enterprise:
        code = demo_credit_code(demo.name)
        enterprise, made = await Enterprise.get_or_create(
            credit_code=code,
            defaults={
                "name": demo.name,
                "township": demo.township,
                "industry": demo.industry,
                "other_industries": list(demo.other_industries),
                "leading_level": LeadingLevel(demo.leading_level),
                "above_scale": demo.above_scale,
                "above_scale_since": date.fromisoformat(demo.above_scale_since)
                if demo.above_scale_since else None,
                "legal_representative": demo.legal_representative,
                "contact_name": demo.contact_name,
                "contact_phone": f"0467-52{index + 10:05d}",
                "address": f"黑龙江省虎林市{demo.township}",
            },
        )
        self.count("enterprises", made)
        return enterprise

    async def staff(self, index: int, demo: DemoEnterprise, enterprise: Enterprise,
                    password_hash: str) -> User:
        user, made = await User.get_or_create(
            phone=str(STAFF_PHONE_BASE + index + 1),
            defaults={"name": demo.contact_name or "填报员", "role": Role.STAFF,
                      "enterprise": enterprise, "password_hash": password_hash,
                      "password_changed_at": clock.now()},
        )
        self.count("users", made)
        return user

    def _status_for(self, index: int, period: Period) -> ReportStatus | None:
        """Old months are approved; the last two show every state, and some are missing."""
        if period < self.last_period.previous:
            return ReportStatus.APPROVED
        if period == self.last_period.previous:
            return ReportStatus.SUBMITTED if index % 7 == 3 else ReportStatus.APPROVED
        return [None, ReportStatus.DRAFT, ReportStatus.RETURNED, ReportStatus.SUBMITTED,
                ReportStatus.SUBMITTED, ReportStatus.APPROVED][index % 6]

    async def reports(self, index: int, demo: DemoEnterprise, enterprise: Enterprise,
                      staff: User, reviewer: User) -> None:
        existing = set(await MonthlyReport.filter(enterprise=enterprise)
                       .values_list("period", flat=True))
        industry = self.ctx.county.industry(demo.industry)
        season = SEASONS[demo.industry]
        reports, snapshots = [], []
        for period in periods_between(FIRST_PERIOD, self.last_period):
            status = self._status_for(index, period)
            if status is None or str(period) in existing:
                continue
            rng = random.Random(f"report:{demo.name}:{period}")
            yearly = demo.revenue_2025 * YEAR_FACTORS.get(period.year, 1.1)
            revenue = yearly * season[period.month - 1] / sum(season) * rng.uniform(0.93, 1.07)
            deadline = period.deadline(self.ctx.settings.REPORT_DEADLINE_DAY)
            submitted_at = datetime.combine(deadline - timedelta(days=rng.randint(1, 8)),
                                            time(10, 30), LOCAL_TZ)
            report = MonthlyReport(
                enterprise=enterprise,
                period=str(period),
                status=status,
                revenue=_money(revenue),
                output_value=_money(revenue * rng.uniform(1.02, 1.10)),
                output_quantity=_qty(revenue * demo.output_per_10k),
                output_unit=industry.output_unit if industry else "吨",
                employees=max(6, int(demo.revenue_2025 / 180 * rng.uniform(0.95, 1.05))),
                products=[{"name": name, "quantity": str(_qty(revenue * demo.output_per_10k
                                                              / max(1, len(demo.products)))),
                           "unit": industry.output_unit if industry else "吨"}
                          for name, _spec in demo.products],
                submitted_at=None if status == ReportStatus.DRAFT else submitted_at,
                first_submitted_at=None if status == ReportStatus.DRAFT else submitted_at,
                submitted_by=None if status == ReportStatus.DRAFT else staff,
                reviewed_at=submitted_at + timedelta(days=2)
                if status in (ReportStatus.APPROVED, ReportStatus.RETURNED) else None,
                reviewed_by=reviewer
                if status in (ReportStatus.APPROVED, ReportStatus.RETURNED) else None,
                review_comment="营业收入与上年同期相比变化较大，请核实并补充说明"
                if status == ReportStatus.RETURNED else "",
                # one revision for the draft, one for submitting, one for the review
                version={ReportStatus.DRAFT: 1, ReportStatus.SUBMITTED: 2}.get(status, 3),
            )
            if industry and industry.milk_quality:
                report.milk_protein_pct = Decimal(str(round(rng.uniform(3.12, 3.42), 2)))
                report.milk_fat_pct = Decimal(str(round(rng.uniform(3.72, 4.10), 2)))
                report.milk_bacteria_per_ml = rng.randrange(40_000, 115_000, 1000)
                report.milk_somatic_cells_per_ml = rng.randrange(110_000, 230_000, 1000)
            reports.append(report)
        if not reports:
            return
        await MonthlyReport.bulk_create(reports)
        saved = await MonthlyReport.filter(
            enterprise=enterprise, period__in=[r.period for r in reports]
        )
        for report in saved:
            snapshots.append(ReportRevision(report=report, version=1, action="save",
                                            status=ReportStatus.DRAFT,
                                            data=_report_data(report), actor=staff))
            if report.status != ReportStatus.DRAFT:
                snapshots.append(ReportRevision(report=report, version=2, action="submit",
                                                status=ReportStatus.SUBMITTED,
                                                data=_report_data(report), actor=staff))
            if report.status in (ReportStatus.APPROVED, ReportStatus.RETURNED):
                snapshots.append(ReportRevision(
                    report=report, version=3,
                    action="approve" if report.status == ReportStatus.APPROVED else "return",
                    status=report.status, data=_report_data(report),
                    comment=report.review_comment, actor=reviewer))
        await ReportRevision.bulk_create(snapshots)
        self.count("reports", len(saved))

    async def _certificate(self, enterprise: Enterprise, staff: User, kind: str, number: str,
                           product: str, issued: str) -> Certification:
        issued_on = date.fromisoformat(issued)
        years = VALIDITY_YEARS[kind]
        expires_on = date(issued_on.year + years, issued_on.month, min(issued_on.day, 28))
        expires_on -= timedelta(days=1)
        age_years = (self.today - issued_on).days // 365
        inspection = (AnnualInspection.NOT_DUE if age_years < 1 else
                      AnnualInspection.PASSED if expires_on > self.today else
                      AnnualInspection.PENDING)
        cert, made = await Certification.get_or_create(
            kind=CertificateKind(kind),
            certificate_no=number,
            defaults={"enterprise": enterprise, "product_name": product, "issued_on": issued_on,
                      "expires_on": expires_on, "annual_inspection": inspection,
                      "source": RecordSource.IMPORT if kind == "green_food" else RecordSource.SELF,
                      "created_by": staff},
        )
        self.count("certificates", made)
        return cert

    async def certificates(self, demo: DemoEnterprise, enterprise: Enterprise,
                           staff: User) -> list[Certification]:
        rng = random.Random(f"cert:{demo.name}")
        product = demo.products[0][0] if demo.products else demo.name[4:10]
        out = []
        for issued in demo.green_food:
            # 绿色食品证书编号, e.g. LB-18-2104121234A (product class - year/month - serial)
            # (draw order matters: the numbers must stay the same from run to run)
            product_class = rng.randint(10, 68)
            serial = rng.randint(10000000, 99999999)
            number = f"LB-{product_class}-{issued[2:4]}{issued[5:7]}{serial}A"
            out.append(await self._certificate(enterprise, staff, "green_food", number,
                                               product, issued))
        for issued in demo.organic:
            number = f"{rng.randint(100, 999)}OP{issued[2:4]}{rng.randint(100000, 999999)}"
            out.append(await self._certificate(enterprise, staff, "organic", number,
                                               product, issued))
        for issued in demo.geo:
            number = f"AGI{issued[:4]}-{rng.randint(1000, 9999)}"
            out.append(await self._certificate(enterprise, staff, "geo_indication", number,
                                               product, issued))
        if demo.linden_brand:
            number = f"HLDSM-{demo.linden_brand[:4]}-{rng.randint(100, 999)}"
            out.append(await self._certificate(enterprise, staff, "brand_hulin_linden_honey",
                                               number, "虎林椴树蜜", demo.linden_brand))
        for name in demo.heitu_products:
            number = f"HTYP-FC-{rng.randint(10000, 99999)}"
            out.append(await self._certificate(enterprise, staff, "brand_heitu_youpin", number,
                                               name, "2025-05-20"))
        return out

    async def registration(self, demo: DemoEnterprise, enterprise: Enterprise,
                           reviewer: User) -> None:
        if demo.registration is None or await TraceabilityRegistration.exists(
            enterprise=enterprise
        ):
            return
        platform, day, verification = demo.registration
        prefix = "GJ" if platform == "national" else "HLJ"
        verified = verification == "verified"
        await TraceabilityRegistration.create(
            enterprise=enterprise,
            platform=Platform(platform),
            registration_no=f"{prefix}{enterprise.credit_code[8:16]}{day[2:4]}",
            registered_on=date.fromisoformat(day),
            verification=Verification(verification),
            verified_by=reviewer if verified else None,
            verified_at=datetime.combine(date.fromisoformat(day) + timedelta(days=10),
                                         time(15, 0), LOCAL_TZ) if verified else None,
            verification_comment="已在平台核对主体信息" if verified else "",
        )
        self.count("registrations")

    async def products(self, index: int, demo: DemoEnterprise, enterprise: Enterprise,
                       staff: User, certificates: list[Certification]) -> None:
        green = next((c for c in certificates if c.kind == CertificateKind.GREEN_FOOD), None)
        for p_index, (name, spec) in enumerate(demo.products):
            product, made = await Product.get_or_create(
                enterprise=enterprise, name=name,
                defaults={"industry": demo.industry, "spec": spec,
                          "certification": green if p_index == 0 else None},
            )
            self.count("products", made)
            for b_index in range(3):
                await self.batch(index, demo, product, staff, b_index)

    async def batch(self, index: int, demo: DemoEnterprise, product: Product, staff: User,
                    b_index: int) -> None:
        produced = self.today - timedelta(days=20 + 45 * b_index + index % 9)
        batch_no = f"{produced:%Y%m%d}-{b_index + 1:02d}"
        batch, made = await Batch.get_or_create(
            product=product, batch_no=batch_no,
            defaults={"production_date": produced, "quantity": Decimal(1000 + 250 * b_index),
                      "quantity_unit": "件", "origin": f"{demo.township}种植（养殖）基地"},
        )
        if not made:
            return
        self.count("batches")
        steps = [
            (EventType.HARVEST, -6, f"{demo.township}基地", "原料采收，批次抽样留存"),
            (EventType.RECEIVE, -5, f"{demo.name}原料库", "原料验收入库"),
            (EventType.PROCESS, -2, f"{demo.name}加工车间", "按企业标准加工"),
            (EventType.INSPECT, -1, f"{demo.name}化验室", "出厂检验合格"),
            (EventType.PACK, 0, f"{demo.name}包装车间", f"包装规格 {product.spec}"),
            (EventType.SHIP, 2, "虎林市物流园", "发往哈尔滨经销商"),
        ]
        await TraceEvent.bulk_create([
            TraceEvent(batch=batch, type=kind,
                       at=datetime.combine(produced + timedelta(days=offset), time(9, 0),
                                           LOCAL_TZ),
                       location=where, note=note, operator=staff, operator_name=staff.name)
            for kind, offset, where, note in steps
        ])
        secret = self.ctx.settings.SECRET_KEY
        rng = random.Random(f"scans:{batch_no}:{product.name}")
        codes = []
        for serial in range(1, CODES_PER_BATCH + 1):
            scans = rng.choice([0, 0, 0, 1, 1, 2, 3])
            if serial == 7 and b_index == 0 and index % 3 == 0:
                scans = 23  # a copied label: the trace page warns about it
            first = (datetime.combine(produced + timedelta(days=5 + serial % 7), time(19, 12),
                                      LOCAL_TZ) if scans else None)
            codes.append(TraceCode(
                code=new_code(secret), batch=batch, serial=serial, scan_count=scans,
                first_scan_at=first, last_scan_at=first + timedelta(days=scans) if first else None,
                status=CodeStatus.VOID if serial == CODES_PER_BATCH and b_index == 1
                else CodeStatus.ACTIVE,
                void_reason="标签打印错误，已重新打印" if serial == CODES_PER_BATCH and b_index == 1
                else "",
            ))
        await TraceCode.bulk_create(codes)
        self.count("codes", len(codes))

    async def target_entries(self, reviewer: User) -> None:
        for key, value, as_of, note in TARGET_ENTRIES:
            _, made = await TargetEntry.get_or_create(
                target_key=key, as_of=date.fromisoformat(as_of),
                defaults={"value": Decimal(value), "note": note, "entered_by": reviewer},
            )
            self.count("target entries", made)

    async def complaints(self) -> None:
        if await Complaint.exists():
            return
        code = await TraceCode.filter(scan_count__gte=20).select_related("batch__product").first()
        if code is None:
            return
        await Complaint.create(
            trace_code=code, enterprise_id=code.batch.product.enterprise_id,
            code_text=code.code, text="扫码显示已被查询二十多次，怀疑买到的是假货，请核实。",
            contact="137****5521",
        )
        self.count("complaints")


def _report_data(report: MonthlyReport) -> dict:
    return {
        "revenue": str(report.revenue), "output_value": str(report.output_value),
        "output_quantity": str(report.output_quantity), "output_unit": report.output_unit,
        "employees": report.employees, "products": report.products,
    }


async def seed_demo(ctx: ServiceContext) -> SeedSummary:
    return await Seeder(ctx).run()
