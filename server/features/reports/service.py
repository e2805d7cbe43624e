"""Monthly production reports: drafts, submission, review, history, warnings, deadlines.

The life of a report (one per enterprise and month, `YYYY-MM`):

    (none) --save--> draft --submit--> submitted --approve--> approved (locked)
                       ^                   |
                       |               return(comment)
                       |                   v
                       +---save/submit-- returned

Every change bumps `version` and writes a ReportRevision, which is the history people
read. Transitions are conditional UPDATEs on (status, version): two requests racing on
the same report get one success and one 409, on SQLite and PostgreSQL alike, without
relying on locks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import Enterprise, MonthlyReport, ReportRevision, User
from models.enums import ReportStatus
from models.rules import RuleError
from models.rules.change import Change, change_beyond
from models.rules.deadline import Timeliness, timeliness
from models.rules.milk import milk_shortfalls
from models.rules.numbers import parse_count, parse_decimal, parse_money, parse_quantity
from models.rules.period import Period, parse_period
from models.rules.text import halfwidth
from server.core import audit, clock
from server.core.context import ServiceContext
from server.core.county import County
from server.core.errors import Conflict, NotFound, ValidationError
from server.core.permissions import (
    require_enterprise_reader,
    require_enterprise_staff,
    require_supervision,
)
from server.core.validation import Fields, is_blank, text
from server.features.enterprises.service import existing_enterprise

EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)

FIGURE_LABELS = {
    "revenue": "营业收入",
    "output_value": "产值",
    "output_quantity": "产量",
    "employees": "从业人数",
}
MILK_LABELS = {
    "milk_protein_pct": "乳蛋白率",
    "milk_fat_pct": "乳脂肪率",
    "milk_bacteria_per_ml": "菌落总数",
    "milk_somatic_cells_per_ml": "体细胞数",
}
# Figures compared month-on-month and year-on-year.
COMPARED = ("revenue", "output_value", "output_quantity")
# Everything a save may change, in the order the history lists changes.
DATA_FIELDS = (
    "revenue", "output_value", "output_quantity", "output_unit", "employees", "products",
    *MILK_LABELS, "change_explanation",
)
ACTION_LABELS = {
    "save": "保存草稿",
    "copy": "复制以前月份数据",
    "submit": "提交审核",
    "return": "退回修改",
    "approve": "审核通过",
}
MAX_PRODUCT_LINES = 30
MAX_EMPLOYEES = 1_000_000
EXPLANATION_MAX = 1000
COMMENT_MAX = 500


# --- reading what people type ------------------------------------------------------


def period_of(raw: object) -> Period:
    """The period in a URL or body; 422 naming `period` when it is not a real month."""
    if isinstance(raw, Period):
        return raw
    try:
        return parse_period(raw)
    except RuleError as exc:
        raise ValidationError(str(exc), fields={"period": str(exc)}) from None


def industries_of(enterprise: Enterprise) -> list[str]:
    return [enterprise.industry, *[i for i in enterprise.other_industries or []
                                   if i != enterprise.industry]]


def reports_milk(county: County, enterprise: Enterprise) -> bool:
    """Dairy enterprises also report raw-milk quality."""
    return any((ind := county.industry(code)) is not None and ind.milk_quality
               for code in industries_of(enterprise))


def output_units(county: County, enterprise: Enterprise) -> list[str]:
    """The units output may be reported in: those of the enterprise's industries.

    The plan's targets add output up per industry, so a free unit would break the sums.
    """
    units: list[str] = []
    for code in industries_of(enterprise):
        industry = county.industry(code)
        if industry and industry.output_unit not in units:
            units.append(industry.output_unit)
    return units or ["吨"]


def _without_unit(raw: Any, *units: str) -> Any:
    """'1200万元' in a 万元 field means 1200: drop a trailing unit the field already has."""
    if not isinstance(raw, str):
        return raw
    value = halfwidth(raw).strip()
    for unit in sorted((u for u in units if isinstance(u, str) and u), key=len, reverse=True):
        if value.endswith(unit) and len(value) > len(unit):
            return value[: -len(unit)].strip()
    return value


def _ten_thousands(raw: Any) -> Any:
    """'8.5万' is 85000: the plan itself writes cell counts in 万/mL."""
    if not isinstance(raw, str):
        return raw
    value = halfwidth(raw).strip().replace(",", "")
    for suffix in ("万个/mL", "万/mL", "万"):
        if value.endswith(suffix) and len(value) > len(suffix):
            try:
                return Decimal(value[: -len(suffix)]) * 10000
            except ArithmeticError:
                return raw
    return raw


def plain_number(value: Decimal | int | None) -> str:
    """A number as a person would type it: 1200, 12.5 (no trailing zeros, no exponent)."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    text_value = format(value.normalize(), "f")
    return text_value


def _parse_products(f: Fields, raw: Any, default_unit: str) -> list[dict[str, str]]:
    if is_blank(raw):
        return []
    if not isinstance(raw, list):
        f.add("products", "产品明细应为列表")
        return []
    if len(raw) > MAX_PRODUCT_LINES:
        f.add("products", f"产品明细最多{MAX_PRODUCT_LINES}行")
        return []
    lines = []
    for i, line in enumerate(raw):
        if not isinstance(line, dict):
            f.add(f"products.{i}", "产品明细格式有误")
            continue
        name, quantity, unit = line.get("name"), line.get("quantity"), line.get("unit")
        if is_blank(name) and is_blank(quantity) and is_blank(unit):
            continue   # an empty row of the form
        row = Fields({"name": name, "quantity": _without_unit(quantity, unit or default_unit),
                      "unit": unit})
        clean_name = row.required("name", "产品名称", text(100, "产品名称"))
        clean_qty = row.required("quantity", "产品数量", lambda v: parse_quantity(v, "产品数量"))
        clean_unit = row.optional("unit", "单位", text(16, "单位"), default_unit) or default_unit
        for key, message in row.errors.items():
            f.add(f"products.{i}.{key}", message)
        if not row.errors:
            lines.append({"name": clean_name, "quantity": plain_number(clean_qty),
                          "unit": clean_unit})
    return lines


def parse_report_input(county: County, enterprise: Enterprise,
                       data: dict[str, Any]) -> dict[str, Any]:
    """Checked figures of a report (a draft may leave any of them blank).

    Bad input (negative revenue, letters in a number, a unit of another industry) is a
    422 naming each field; blanks are only refused when the report is submitted.
    """
    f = Fields(data)
    units = output_units(county, enterprise)
    out: dict[str, Any] = {}
    money_units = ("万元", "万")
    for name in ("revenue", "output_value"):
        label = FIGURE_LABELS[name]
        out[name] = f.optional(name, label, lambda v, label=label: parse_money(
            _without_unit(v, *money_units), label))
    unit = f.optional("output_unit", "产量单位", text(16, "产量单位"), "") or units[0]
    if unit not in units:
        f.add("output_unit", f"产量单位应为{'或'.join(units)}（与所属产业的统计口径一致）")
    out["output_unit"] = unit
    out["output_quantity"] = f.optional(
        "output_quantity", "产量",
        lambda v: parse_quantity(_without_unit(v, unit, *units), "产量"))
    out["employees"] = f.optional(
        "employees", "从业人数",
        lambda v: parse_count(_without_unit(v, "人"), "从业人数", maximum=MAX_EMPLOYEES))
    out["products"] = _parse_products(f, data.get("products"), unit)

    if reports_milk(county, enterprise):
        out["milk_protein_pct"] = f.optional(
            "milk_protein_pct", "乳蛋白率",
            lambda v: parse_decimal(_without_unit(v, "%"), "乳蛋白率", places=2,
                                    maximum=Decimal(10)))
        out["milk_fat_pct"] = f.optional(
            "milk_fat_pct", "乳脂肪率",
            lambda v: parse_decimal(_without_unit(v, "%"), "乳脂肪率", places=2,
                                    maximum=Decimal(15)))
        out["milk_bacteria_per_ml"] = f.optional(
            "milk_bacteria_per_ml", "菌落总数",
            lambda v: parse_count(_ten_thousands(_without_unit(v, "个/mL", "/mL")),
                                  "菌落总数", maximum=100_000_000))
        out["milk_somatic_cells_per_ml"] = f.optional(
            "milk_somatic_cells_per_ml", "体细胞数",
            lambda v: parse_count(_ten_thousands(_without_unit(v, "个/mL", "/mL")),
                                  "体细胞数", maximum=100_000_000))
    else:
        for name in MILK_LABELS:
            if not is_blank(data.get(name)):
                f.add(name, "只有乳品企业填报生鲜乳质量指标")

    if f.present("change_explanation"):
        out["change_explanation"] = f.optional(
            "change_explanation", "变化说明", text(EXPLANATION_MAX, "变化说明"), "") or ""
    f.raise_if_invalid()
    return out


def missing_for_submit(report: MonthlyReport, milk: bool) -> dict[str, str]:
    """What a report still lacks before it can be submitted, by field."""
    missing = {name: f"提交前请填写{label}" for name, label in FIGURE_LABELS.items()
               if getattr(report, name) is None}
    if milk:
        missing.update({name: f"乳品企业提交前请填写{label}" for name, label in MILK_LABELS.items()
                        if getattr(report, name) is None})
    return missing


# --- what a report says about itself -------------------------------------------------


def report_data(report: MonthlyReport) -> dict[str, Any]:
    """The figures as plain JSON values (numbers as typed text): a revision's snapshot."""
    out: dict[str, Any] = {}
    for name in DATA_FIELDS:
        value = getattr(report, name)
        out[name] = plain_number(value) if isinstance(value, Decimal) else value
    return out


@dataclass(frozen=True)
class ChangeWarning:
    field: str
    label: str
    basis: str            # "mom" (month-on-month) or "yoy" (year-on-year)
    compared_period: Period
    change: Change
    unit: str

    @property
    def basis_label(self) -> str:
        return "环比" if self.basis == "mom" else "同比"

    @property
    def message(self) -> str:
        c = self.change
        then = f"{self.compared_period.label}为{plain_number(c.previous)}{self.unit}"
        if c.percent is None:
            now = f"{plain_number(c.current)}{self.unit}"
            return f"{self.label}{self.basis_label}由0增至{now}（{then}）"
        verb = "增长" if c.rising else "下降"
        return f"{self.label}{self.basis_label}{verb}{abs(c.percent)}%（{then}）"

    def json(self) -> dict[str, Any]:
        return {
            "field": self.field, "basis": self.basis, "compared_period": str(self.compared_period),
            "previous": self.change.previous, "current": self.change.current,
            "change_percent": None if self.change.percent is None else str(self.change.percent),
            "message": self.message,
        }


def _units(report: MonthlyReport) -> dict[str, str]:
    return {"revenue": "万元", "output_value": "万元", "output_quantity": report.output_unit}


async def warnings_for(ctx: ServiceContext,
                       reports: list[MonthlyReport]) -> dict[int, list[ChangeWarning]]:
    """Change warnings of many reports with one query for everything they compare with."""
    if not reports:
        return {}
    bound = Decimal(str(ctx.settings.REPORT_CHANGE_WARN_RATIO))
    wanted: dict[tuple[int, str], None] = {}
    for r in reports:
        p = period_of(r.period)
        wanted[(r.enterprise_id, str(p.previous))] = None
        wanted[(r.enterprise_id, str(p.same_month_last_year))] = None
    enterprise_ids = sorted({key[0] for key in wanted})
    periods = sorted({key[1] for key in wanted})
    others = {
        (o.enterprise_id, o.period): o
        for o in await MonthlyReport.filter(enterprise_id__in=enterprise_ids, period__in=periods)
    }
    out: dict[int, list[ChangeWarning]] = {}
    for r in reports:
        p = period_of(r.period)
        found = []
        for basis, compared in (("mom", p.previous), ("yoy", p.same_month_last_year)):
            other = others.get((r.enterprise_id, str(compared)))
            if other is None:
                continue
            for name in COMPARED:
                if name == "output_quantity" and other.output_unit != r.output_unit:
                    continue
                change = change_beyond(getattr(other, name), getattr(r, name), bound)
                if change:
                    found.append(ChangeWarning(name, FIGURE_LABELS[name], basis, compared,
                                               change, _units(r)[name]))
        out[r.id] = found
    return out


async def change_warnings(ctx: ServiceContext, report: MonthlyReport) -> list[ChangeWarning]:
    return (await warnings_for(ctx, [report]))[report.id]


def milk_problems(ctx: ServiceContext, report: MonthlyReport) -> list[str]:
    """Where the report's raw milk misses the county's standard (empty when it meets it)."""
    return milk_shortfalls(
        ctx.county.milk_standard,
        protein_pct=report.milk_protein_pct, fat_pct=report.milk_fat_pct,
        bacteria_per_ml=report.milk_bacteria_per_ml,
        somatic_cells_per_ml=report.milk_somatic_cells_per_ml,
    )


def timeliness_of(ctx: ServiceContext, period: Period | str,
                  report: MonthlyReport | None) -> Timeliness:
    """Deadline, countdown and late flags of a period's report (which may not exist)."""
    first = (report.first_submitted_at or report.submitted_at) if report else None
    submitted_on = clock.local(first).date() if first else None
    return timeliness(period_of(period), submitted_on, clock.today(),
                      ctx.settings.REPORT_DEADLINE_DAY)


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    action: str
    status: ReportStatus
    actor_name: str
    at: datetime
    comment: str
    changes: list[tuple[str, str, str]]   # (label, before, after)
    data: dict[str, Any]

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    def json(self) -> dict[str, Any]:
        return {
            "version": self.version, "action": self.action, "action_label": self.action_label,
            "status": self.status.value, "actor": self.actor_name, "at": self.at,
            "comment": self.comment,
            "changes": [{"field": label, "before": b, "after": a} for label, b, a in self.changes],
        }


_CHANGE_LABELS = {**FIGURE_LABELS, "output_unit": "产量单位", "products": "产品明细",
                  **MILK_LABELS, "change_explanation": "变化说明"}


def _shown(name: str, value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if name == "products":
        return "；".join(f"{p.get('name')} {p.get('quantity')}{p.get('unit')}" for p in value) \
            or "（空）"
    if isinstance(value, str) and name not in ("output_unit", "change_explanation"):
        try:
            return plain_number(Decimal(value))     # '6967.1100' from older snapshots
        except ArithmeticError:
            return value
    return str(value)


def _same(a: Any, b: Any) -> bool:
    """Equal as figures: '1200.00' (older snapshots) is the same as '1200'."""
    if a == b or (a in (None, "") and b in (None, "")):
        return True
    if isinstance(a, str | int) and isinstance(b, str | int):
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except ArithmeticError:
            return False
    return False


def _history(revisions: list[ReportRevision]) -> list[HistoryEntry]:
    entries, previous = [], None
    for rev in sorted(revisions, key=lambda r: r.version):
        data = rev.data or {}
        changes = []
        if previous is not None:
            for name, label in _CHANGE_LABELS.items():
                if not _same(previous.get(name), data.get(name)):
                    changes.append((label, _shown(name, previous.get(name)),
                                    _shown(name, data.get(name))))
        actor = rev.actor.name if rev.actor_id and rev.actor else "（已删除的账号）"
        entries.append(HistoryEntry(rev.version, rev.action, rev.status, actor, rev.at,
                                    rev.comment, changes, data))
        previous = data
    return entries


async def histories_for(reports: list[MonthlyReport]) -> dict[int, list[HistoryEntry]]:
    """Each report's history, oldest first, with what changed at every step."""
    if not reports:
        return {}
    by_report: dict[int, list[ReportRevision]] = {r.id: [] for r in reports}
    revisions = await ReportRevision.filter(report_id__in=list(by_report)) \
        .select_related("actor").order_by("report_id", "version")
    for rev in revisions:
        by_report[rev.report_id].append(rev)
    return {rid: _history(revs) for rid, revs in by_report.items()}


async def report_history(report: MonthlyReport) -> list[HistoryEntry]:
    return (await histories_for([report]))[report.id]


def report_json(ctx: ServiceContext, report: MonthlyReport, *,
                warnings: list[ChangeWarning] | None = None,
                history: list[HistoryEntry] | None = None) -> dict[str, Any]:
    t = timeliness_of(ctx, report.period, report)
    milk = report.milk_protein_pct is not None or report.milk_bacteria_per_ml is not None \
        or report.milk_fat_pct is not None or report.milk_somatic_cells_per_ml is not None
    body: dict[str, Any] = {
        "id": report.id,
        "enterprise_id": report.enterprise_id,
        "period": report.period,
        "status": report.status.value,
        "status_label": report.status.label,
        "locked": report.status == ReportStatus.APPROVED,
        "revenue": report.revenue,
        "output_value": report.output_value,
        "output_quantity": report.output_quantity,
        "output_unit": report.output_unit,
        "employees": report.employees,
        "products": report.products or [],
        "milk_protein_pct": report.milk_protein_pct,
        "milk_fat_pct": report.milk_fat_pct,
        "milk_bacteria_per_ml": report.milk_bacteria_per_ml,
        "milk_somatic_cells_per_ml": report.milk_somatic_cells_per_ml,
        "milk_shortfalls": milk_problems(ctx, report) if milk else [],
        "change_explanation": report.change_explanation,
        "review_comment": report.review_comment,
        "deadline": t.deadline,
        "late": t.late,
        "overdue": t.overdue,
        "submitted_at": report.submitted_at,
        "first_submitted_at": report.first_submitted_at,
        "reviewed_at": report.reviewed_at,
        "version": report.version,
        "updated_at": report.updated_at,
    }
    if warnings is not None:
        body["warnings"] = [w.json() for w in warnings]
    if history is not None:
        body["history"] = [h.json() for h in history]
    return body


# --- reading -------------------------------------------------------------------------



async def find_report(ctx: ServiceContext, enterprise_id: int,
                      period: Period | str) -> MonthlyReport | None:
    """The period's report, or None (staff of the enterprise, or supervision)."""
    require_enterprise_reader(ctx.actor, enterprise_id)
    p = period_of(period)
    return await MonthlyReport.get_or_none(enterprise_id=enterprise_id, period=str(p))


async def get_report(ctx: ServiceContext, enterprise_id: int,
                     period: Period | str) -> MonthlyReport:
    report = await find_report(ctx, enterprise_id, period)
    if report is None:
        raise NotFound(f"{period_of(period).label}的月报尚未填报")
    return report


async def list_reports(ctx: ServiceContext, enterprise_id: int) -> list[MonthlyReport]:
    """All reports of the enterprise, newest month first."""
    require_enterprise_reader(ctx.actor, enterprise_id)
    await existing_enterprise(enterprise_id)
    return await MonthlyReport.filter(enterprise_id=enterprise_id).order_by("-period")


async def previous_report(ctx: ServiceContext, enterprise_id: int,
                          period: Period | str) -> MonthlyReport | None:
    """The latest report before this period: what "copy last month" copies."""
    require_enterprise_reader(ctx.actor, enterprise_id)
    p = period_of(period)
    return await MonthlyReport.filter(enterprise_id=enterprise_id, period__lt=str(p)) \
        .order_by("-period").first()


def copy_values(report: MonthlyReport) -> dict[str, Any]:
    """A report's figures as input for another month (raw-milk tests are never copied:
    they must be this month's measurements)."""
    return {
        "revenue": report.revenue, "output_value": report.output_value,
        "output_quantity": report.output_quantity, "output_unit": report.output_unit,
        "employees": report.employees,
        "products": [dict(p) for p in report.products or []],
    }


async def review_queue(ctx: ServiceContext, status: ReportStatus = ReportStatus.SUBMITTED,
                       *, period: Period | str | None = None,
                       limit: int = 200) -> list[MonthlyReport]:
    """Reports in one state across the county, with their enterprise (supervision).

    Submitted reports come oldest first (first come, first reviewed); others newest first.
    """
    require_supervision(ctx.actor)
    query = MonthlyReport.filter(status=status).select_related("enterprise")
    if period is not None:
        query = query.filter(period=str(period_of(period)))
    order = ("submitted_at", "id") if status == ReportStatus.SUBMITTED else ("-updated_at", "-id")
    return await query.order_by(*order).limit(max(1, min(limit, 1000)))


# --- writing -------------------------------------------------------------------------


def _locked(report: MonthlyReport) -> Conflict | None:
    p = period_of(report.period)
    if report.status == ReportStatus.SUBMITTED:
        return Conflict(f"{p.label}的月报已提交，正在等待审核，不能重复提交或修改")
    if report.status == ReportStatus.APPROVED:
        return Conflict(f"{p.label}的月报已审核通过并锁定，不能再修改")
    return None


def _stale() -> Conflict:
    return Conflict("月报刚刚被其他人修改过，请刷新页面后再操作")


async def _add_revision(report: MonthlyReport, action: str, actor: User | None,
                        comment: str = "") -> None:
    await ReportRevision.create(report=report, version=report.version, action=action,
                                status=report.status, data=report_data(report),
                                comment=comment, actor=actor)


async def _conditional_update(report: MonthlyReport, allowed: tuple[ReportStatus, ...],
                              **changes: Any) -> bool:
    """Apply changes only if nobody changed the report since it was read."""
    now = clock.now()
    updated = await MonthlyReport.filter(
        id=report.id, version=report.version, status__in=list(allowed)
    ).update(**changes, version=report.version + 1, updated_at=now)
    if updated:
        await report.refresh_from_db()
    return bool(updated)


async def save_report(ctx: ServiceContext, enterprise_id: int, period: Period | str,
                      data: dict[str, Any], *, expected_version: int | None = None,
                      action: str = "save") -> MonthlyReport:
    """Create or change the period's draft (staff of the enterprise).

    A draft may be incomplete; a submitted report cannot be changed (409), an approved
    one is locked (409). `expected_version` (the version the form was built from) turns
    a change someone else made in between into a 409 instead of overwriting it.
    """
    user = require_enterprise_staff(ctx.actor, enterprise_id)
    p = period_of(period)
    current = Period.of(clock.today())
    if p > current:
        raise ValidationError(fields={"period": f"{p.label}还没有到，不能填报以后的月份"})
    enterprise = await existing_enterprise(enterprise_id)
    values = parse_report_input(ctx.county, enterprise, data)
    try:
        async with in_transaction():
            report = await MonthlyReport.get_or_none(enterprise_id=enterprise_id, period=str(p))
            if report is None:
                report = await MonthlyReport.create(
                    enterprise_id=enterprise_id, period=str(p), status=ReportStatus.DRAFT,
                    version=1, **values)
                await _add_revision(report, action, user)
                await audit.record(user, f"report.{action}", report,
                                   after=audit.snapshot(report), enterprise_id=enterprise_id,
                                   ip=ctx.ip)
                return report
            problem = _locked(report)
            if problem:
                raise problem
            if expected_version is not None and expected_version != report.version:
                raise _stale()
            changes = {k: v for k, v in values.items() if getattr(report, k) != v}
            if not changes:
                return report
            before = audit.snapshot(report)
            if not await _conditional_update(report, EDITABLE, **changes):
                raise _stale()
            await _add_revision(report, action, user)
            await audit.record(user, f"report.{action}", report, before=before,
                               after=audit.snapshot(report), enterprise_id=enterprise_id,
                               ip=ctx.ip)
            return report
    except IntegrityError:
        # Another request created the same month's report at the same moment.
        raise _stale() from None


async def copy_previous_month(ctx: ServiceContext, enterprise_id: int,
                              period: Period | str) -> MonthlyReport:
    """Start the period's draft from the latest earlier report (API)."""
    require_enterprise_staff(ctx.actor, enterprise_id)
    p = period_of(period)
    if await MonthlyReport.exists(enterprise_id=enterprise_id, period=str(p)):
        raise Conflict(f"{p.label}已有月报，不能用以前月份的数据覆盖")
    source = await previous_report(ctx, enterprise_id, p)
    if source is None:
        raise NotFound("没有以前月份的月报可以复制")
    return await save_report(ctx, enterprise_id, p, copy_values(source), action="copy")


async def submit_report(ctx: ServiceContext, enterprise_id: int, period: Period | str, *,
                        change_explanation: str | None = None,
                        expected_version: int | None = None) -> MonthlyReport:
    """Submit the saved report for review (staff). A second submit of the period is 409.

    Incomplete reports are 422 naming what is missing; a month that has not ended yet
    cannot be submitted. Large changes against last month or last year do not block:
    the explanation, when given, is stored with the report.
    """
    user = require_enterprise_staff(ctx.actor, enterprise_id)
    p = period_of(period)
    enterprise = await existing_enterprise(enterprise_id)
    report = await MonthlyReport.get_or_none(enterprise_id=enterprise_id, period=str(p))
    if report is None:
        raise NotFound(f"{p.label}的月报尚未保存，请先填写")
    problem = _locked(report)
    if problem:
        raise problem
    if expected_version is not None and expected_version != report.version:
        raise _stale()
    if not timeliness_of(ctx, p, report).month_ended:
        following = p.next
        raise ValidationError(
            f"{p.label}尚未结束，{following.month}月1日起可以提交",
            fields={"period": f"{p.label}尚未结束，{following.month}月1日起可以提交"})
    changes: dict[str, Any] = {}
    if change_explanation is not None:
        f = Fields({"change_explanation": change_explanation})
        changes["change_explanation"] = f.optional(
            "change_explanation", "变化说明", text(EXPLANATION_MAX, "变化说明"), "") or ""
        f.raise_if_invalid()
    missing = missing_for_submit(report, reports_milk(ctx.county, enterprise))
    if missing:
        raise ValidationError(f"还有{len(missing)}项未填写，填写后才能提交", fields=missing)
    now = clock.now()
    async with in_transaction():
        before = audit.snapshot(report)
        if not await _conditional_update(
            report, EDITABLE, status=ReportStatus.SUBMITTED, submitted_at=now,
            submitted_by_id=user.id, first_submitted_at=report.first_submitted_at or now,
            **changes,
        ):
            fresh = await MonthlyReport.get(id=report.id)
            raise _locked(fresh) or _stale()
        await _add_revision(report, "submit", user)
        await audit.record(user, "report.submit", report, before=before,
                           after=audit.snapshot(report), enterprise_id=enterprise_id, ip=ctx.ip)
    return report


async def _review(ctx: ServiceContext, enterprise_id: int, period: Period | str, *,
                  action: str, status: ReportStatus, comment: str,
                  expected_version: int | None) -> MonthlyReport:
    user = require_supervision(ctx.actor)
    p = period_of(period)
    if action == "return" and is_blank(comment):
        raise ValidationError(fields={"comment": "请填写退回原因，告诉企业需要修改什么"})
    f = Fields({"comment": comment})
    clean = f.optional("comment", "意见", text(COMMENT_MAX, "意见"), "")
    f.raise_if_invalid()
    report = await MonthlyReport.get_or_none(enterprise_id=enterprise_id, period=str(p))
    if report is None:
        raise NotFound(f"{p.label}的月报尚未填报")
    if report.status != ReportStatus.SUBMITTED:
        raise Conflict(f"只有已提交待审核的月报可以审核，该月报当前为“{report.status.label}”")
    if expected_version is not None and expected_version != report.version:
        raise Conflict("企业刚刚修改了这份月报，请刷新后重新审核")
    async with in_transaction():
        before = audit.snapshot(report)
        if not await _conditional_update(
            report, (ReportStatus.SUBMITTED,), status=status, reviewed_at=clock.now(),
            reviewed_by_id=user.id, review_comment=clean or "",
        ):
            raise Conflict("这份月报刚刚被其他人审核或修改过，请刷新后查看")
        await _add_revision(report, action, user, clean or "")
        await audit.record(user, f"report.{action}", report, before=before,
                           after=audit.snapshot(report), enterprise_id=enterprise_id, ip=ctx.ip)
    return report


async def approve_report(ctx: ServiceContext, enterprise_id: int, period: Period | str,
                         comment: str = "", *,
                         expected_version: int | None = None) -> MonthlyReport:
    """Approve a submitted report (supervision); it is locked from then on. 409 otherwise."""
    return await _review(ctx, enterprise_id, period, action="approve",
                         status=ReportStatus.APPROVED, comment=comment,
                         expected_version=expected_version)


async def return_report(ctx: ServiceContext, enterprise_id: int, period: Period | str,
                        comment: str, *, expected_version: int | None = None) -> MonthlyReport:
    """Send a submitted report back for correction with a comment (required)."""
    return await _review(ctx, enterprise_id, period, action="return",
                         status=ReportStatus.RETURNED, comment=comment,
                         expected_version=expected_version)
