"""Pages: staff fill in and follow their monthly reports; supervision reviews them.

Staff:        /reports (history and what is due), /reports/{period} (form or read-only
              view, with the report's own history), ?copy=1 pre-fills from the last report.
Supervision:  /review/reports (queue), /review/reports/{enterprise_id}/{period} (figures,
              change warnings, explanation, history, approve / return with a comment).
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlencode

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from models import Enterprise, MonthlyReport, TraceabilityRegistration, User
from models.enums import ReportStatus, Role, Verification
from models.rules.period import Period
from server.core import clock
from server.core.context import ServiceContext, service_context, supervision_context
from server.core.errors import ApiError, Conflict, Forbidden, ValidationError
from server.core.flash import redirect_with_flash
from server.core.http import form_fields
from server.core.permissions import require_login
from server.core.rendering import render
from server.features.reports import service
from server.features.reports.service import MILK_LABELS, plain_number
from server.features.reports.todo import staff_todo

bp = Blueprint("reports_pages")

MIN_PRODUCT_ROWS = 3
FIGURES = ("revenue", "output_value", "output_quantity", "output_unit", "employees",
           *MILK_LABELS, "change_explanation")


def own_enterprise_id(user: User | None) -> int:
    """The enterprise of a staff account; these pages are the enterprise's own."""
    user = require_login(user)
    if user.role != Role.STAFF or user.enterprise_id is None:
        raise Forbidden("该页面供企业填报员使用，监管人员请从“审核”进入")
    return user.enterprise_id


def ack_token(warnings: list[service.ChangeWarning]) -> str:
    """Fingerprint of the warnings a person was shown: seeing the same ones again is
    their confirmation that the figures are right."""
    text = "|".join(w.message for w in warnings)
    return hashlib.sha256(text.encode()).hexdigest()[:12] if warnings else ""


# --- form values ---------------------------------------------------------------------


def values_from_report(report: MonthlyReport | None, *,
                       source: MonthlyReport | None = None) -> dict[str, str]:
    """Form values from a saved report, or from `source` when copying an earlier month."""
    values: dict[str, str] = {}
    origin = source or report
    if origin is None:
        return values
    data = service.copy_values(origin) if source else {
        name: getattr(origin, name) for name in FIGURES} | {"products": origin.products}
    for name, value in data.items():
        if name == "products":
            continue
        values[name] = plain_number(value) if not isinstance(value, str) else value
    for i, line in enumerate(data.get("products") or []):
        values[f"products-{i}-name"] = line.get("name", "")
        values[f"products-{i}-quantity"] = line.get("quantity", "")
        values[f"products-{i}-unit"] = line.get("unit", "")
    if source and report is not None:
        # Copying fills the figures, but keeps what only this month's report has.
        for name in (*MILK_LABELS, "change_explanation"):
            values[name] = plain_number(getattr(report, name)) \
                if not isinstance(getattr(report, name), str) else getattr(report, name)
    return values


def product_row_count(values: dict[str, str]) -> int:
    used = [int(k.split("-")[1]) for k in values if k.startswith("products-")
            and k.split("-")[1].isdigit()]
    return min(service.MAX_PRODUCT_LINES, max(MIN_PRODUCT_ROWS, (max(used) + 3) if used else 0))


def data_from_form(form: dict[str, str]) -> dict[str, Any]:
    """The service's input from the form: every row sent, blank ones are skipped there."""
    data: dict[str, Any] = {name: form.get(name, "") for name in FIGURES if name in form}
    rows = []
    for i in range(service.MAX_PRODUCT_LINES):
        keys = [f"products-{i}-{part}" for part in ("name", "quantity", "unit")]
        if not any(k in form for k in keys):
            continue
        rows.append({"name": form.get(keys[0], ""), "quantity": form.get(keys[1], ""),
                     "unit": form.get(keys[2], "")})
    data["products"] = rows
    return data


def _product_errors(errors: dict[str, str]) -> dict[str, str]:
    """Service errors name `products.2.quantity`; the form's fields are `products-2-quantity`."""
    return {k.replace(".", "-") if k.startswith("products.") else k: v
            for k, v in errors.items()}


def _version(form: dict[str, str]) -> int | None:
    raw = form.get("version", "")
    return int(raw) if raw.isdigit() else None


# --- staff pages ---------------------------------------------------------------------


async def _form_page(request: Request, ctx: ServiceContext, enterprise_id: int, period: Period,
                     *, values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                     message: str | None = None, status: int = 200,
                     copied_from: MonthlyReport | None = None,
                     confirm: bool = False) -> HTTPResponse:
    report = await service.find_report(ctx, enterprise_id, period)
    enterprise = await Enterprise.get(id=enterprise_id)
    editable = report is None or report.status in service.EDITABLE
    warnings = await service.change_warnings(ctx, report) if report else []
    history = await service.report_history(report) if report else []
    source = await service.previous_report(ctx, enterprise_id, period) if editable else None
    if values is None:
        values = values_from_report(report, source=copied_from)
    return render(
        request, "reports/form.html", status=status,
        enterprise=enterprise, period=period, report=report, editable=editable,
        timeliness=service.timeliness_of(ctx, period, report),
        values=values, errors=_product_errors(errors or {}), message=message,
        warnings=warnings, ack=ack_token(warnings), confirm=confirm,
        milk=service.reports_milk(ctx.county, enterprise),
        milk_problems=service.milk_problems(ctx, report) if report else [],
        units=service.output_units(ctx.county, enterprise),
        unit_options=[(u, u) for u in service.output_units(ctx.county, enterprise)],
        product_rows=product_row_count(values), history=history,
        copy_source=source, copied_from=copied_from,
        version=report.version if report else "",
        standard=ctx.county.milk_standard,
    )


@bp.get("/reports")
async def reports_page(request: Request) -> HTTPResponse:
    """The enterprise's reports: what is due, every month's status, and opening a month."""
    ctx = await service_context(request)
    enterprise_id = own_enterprise_id(ctx.actor)
    return await _reports_list(request, ctx, enterprise_id)


async def _reports_list(request: Request, ctx: ServiceContext, enterprise_id: int, *,
                        errors: dict[str, str] | None = None, typed: str = "",
                        status: int = 200) -> HTTPResponse:
    reports = await service.list_reports(ctx, enterprise_id)
    todo = await staff_todo(ctx, enterprise_id)
    rows = [(r, service.timeliness_of(ctx, r.period, r)) for r in reports]
    return render(request, "reports/list.html", status=status, rows=rows, todo=todo,
                  errors=errors or {}, values={"period": typed})


@bp.get("/reports/open")
async def open_period(request: Request) -> HTTPResponse:
    """The month picker's target: go to that month's report, or say what is wrong."""
    ctx = await service_context(request)
    enterprise_id = own_enterprise_id(ctx.actor)
    typed = (request.args.get("period") or "").strip()
    try:
        period = service.period_of(typed)
        if period > Period.of(clock.today()):
            raise ValidationError(fields={"period": f"{period.label}还没有到，不能填报以后的月份"})
    except ValidationError as exc:
        return await _reports_list(request, ctx, enterprise_id, errors=exc.fields, typed=typed,
                                   status=422)
    return redirect(f"/reports/{period}", status=303)


@bp.get("/reports/<period:str>")
async def report_page(request: Request, period: str) -> HTTPResponse:
    """The month's form (new, draft or returned) or its read-only view, with its history."""
    ctx = await service_context(request)
    enterprise_id = own_enterprise_id(ctx.actor)
    p = service.period_of(period)
    if p > Period.of(clock.today()):
        raise ValidationError(fields={"period": f"{p.label}还没有到，不能填报以后的月份"})
    copied_from = None
    if request.args.get("copy"):
        copied_from = await service.previous_report(ctx, enterprise_id, p)
    return await _form_page(request, ctx, enterprise_id, p, copied_from=copied_from,
                            confirm=bool(request.args.get("confirm")))


@bp.post("/reports/<period:str>")
async def report_submit(request: Request, period: str) -> HTTPResponse:
    """Save the draft, or save and submit it; problems come back next to their fields."""
    ctx = await service_context(request)
    enterprise_id = own_enterprise_id(ctx.actor)
    p = service.period_of(period)
    form = form_fields(request)
    action = form.get("action", "save")
    try:
        report = await service.save_report(ctx, enterprise_id, p, data_from_form(form),
                                           expected_version=_version(form))
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        # A problem with the month itself has no field on the form: say it on top.
        message = exc.message if exc.status == 409 else exc.fields.get("period")
        return await _form_page(request, ctx, enterprise_id, p, values=form, errors=exc.fields,
                                message=message, status=exc.status)
    if action != "submit":
        return redirect_with_flash(request, f"/reports/{p}", "草稿已保存")
    warnings = await service.change_warnings(ctx, report)
    if warnings and not report.change_explanation.strip() \
            and form.get("warnings_ack") != ack_token(warnings):
        return redirect_with_flash(
            request, f"/reports/{p}?confirm=1",
            "草稿已保存。有数据变化较大，请填写变化说明后再提交；如确认无误，也可直接提交。")
    try:
        await service.submit_report(ctx, enterprise_id, p)
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        values = values_from_report(await service.find_report(ctx, enterprise_id, p))
        return await _form_page(request, ctx, enterprise_id, p, values=values,
                                errors=exc.fields, status=exc.status,
                                message=f"草稿已保存，但还不能提交：{exc.message}")
    return redirect_with_flash(request, "/reports", f"{p.label}月报已提交，等待监管部门审核")


# --- supervision review --------------------------------------------------------------


async def review_tabs(ctx: ServiceContext) -> dict[str, int]:
    """How much waits in each review queue (the tabs of both review pages)."""
    return {
        "reports": await MonthlyReport.filter(status=ReportStatus.SUBMITTED).count(),
        "registrations": await TraceabilityRegistration.filter(
            verification=Verification.PENDING).count(),
    }


REVIEW_STATES = [(ReportStatus.SUBMITTED, "待审核"), (ReportStatus.RETURNED, "已退回"),
                 (ReportStatus.APPROVED, "已通过")]


@bp.get("/review")
async def review_home(request: Request) -> HTTPResponse:
    await supervision_context(request)     # 401/403 before the redirect
    return redirect("/review/reports", status=303)


@bp.get("/review/reports")
async def review_queue_page(request: Request) -> HTTPResponse:
    """Reports waiting for review, oldest first (or returned / approved ones)."""
    ctx = await supervision_context(request)
    raw = request.args.get("status") or ReportStatus.SUBMITTED.value
    state = ReportStatus(raw) if raw in {s.value for s, _ in REVIEW_STATES} \
        else ReportStatus.SUBMITTED
    reports = await service.review_queue(ctx, state, limit=200)
    warnings = await service.warnings_for(ctx, reports)
    rows = [(r, service.timeliness_of(ctx, r.period, r), warnings[r.id],
             service.milk_problems(ctx, r)) for r in reports]
    return render(request, "reports/review_list.html", rows=rows, state=state,
                  states=[(s, label, f"/review/reports?{urlencode({'status': s.value})}")
                          for s, label in REVIEW_STATES],
                  tabs=await review_tabs(ctx))


async def _review_page(request: Request, ctx: ServiceContext, enterprise_id: int, period: Period,
                       *, errors: dict[str, str] | None = None, message: str | None = None,
                       values: dict[str, str] | None = None, status: int = 200) -> HTTPResponse:
    report = await service.get_report(ctx, enterprise_id, period)
    enterprise = await Enterprise.get(id=enterprise_id)
    return render(
        request, "reports/review.html", status=status, report=report, enterprise=enterprise,
        period=period, timeliness=service.timeliness_of(ctx, period, report),
        warnings=await service.change_warnings(ctx, report),
        milk=service.reports_milk(ctx.county, enterprise),
        milk_problems=service.milk_problems(ctx, report),
        history=await service.report_history(report), errors=errors or {},
        message=message, values=values or {}, tabs=await review_tabs(ctx),
        standard=ctx.county.milk_standard,
    )


@bp.get("/review/reports/<enterprise_id:int>/<period:str>")
async def review_page(request: Request, enterprise_id: int, period: str) -> HTTPResponse:
    """One report for review: figures, warnings and explanation, history, decisions."""
    ctx = await supervision_context(request)
    return await _review_page(request, ctx, enterprise_id, service.period_of(period))


@bp.post("/review/reports/<enterprise_id:int>/<period:str>/approve")
async def review_approve(request: Request, enterprise_id: int, period: str) -> HTTPResponse:
    """Approve (an optional comment); back to the queue with a notice (PRG)."""
    return await _decide(request, enterprise_id, period, "approve")


@bp.post("/review/reports/<enterprise_id:int>/<period:str>/return")
async def review_return(request: Request, enterprise_id: int, period: str) -> HTTPResponse:
    """Return for correction with a comment (required)."""
    return await _decide(request, enterprise_id, period, "return")


async def _decide(request: Request, enterprise_id: int, period: str,
                  decision: str) -> HTTPResponse:
    ctx = await supervision_context(request)
    p = service.period_of(period)
    form = form_fields(request)
    comment = form.get("comment", "")
    try:
        if decision == "approve":
            report = await service.approve_report(ctx, enterprise_id, p, comment,
                                                  expected_version=_version(form))
        else:
            report = await service.return_report(ctx, enterprise_id, p, comment,
                                                 expected_version=_version(form))
    except (ValidationError, Conflict) as exc:
        return await _review_page(request, ctx, enterprise_id, p, errors=exc.fields,
                                  message=exc.message, values={"comment": comment},
                                  status=exc.status)
    name = (await Enterprise.get(id=report.enterprise_id)).name
    done = "已审核通过" if decision == "approve" else "已退回企业修改"
    return redirect_with_flash(request, "/review/reports", f"{name} {p.label}月报{done}")
