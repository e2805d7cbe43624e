"""Supervision pages (WeUI, phone first, wide on desktops); admin and supervisors only.

Every figure links to the list behind it; every list has its `.xlsx` twin under the same
path. Forms post back with CSRF and redirect (post-redirect-get).
"""

from __future__ import annotations

from math import ceil
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from models.enums import ComplaintStatus
from server.core import clock
from server.core.context import ServiceContext, supervision_context
from server.core.errors import ApiError, ValidationError
from server.core.flash import redirect_with_flash
from server.core.http import form_fields, int_query, page_number
from server.core.rendering import render
from server.features.supervision import (
    breakdown,
    certimport,
    complaints,
    compliance,
    dashboard,
    expiring,
    exports,
    figures,
    manual,
    milk,
    params,
    progress,
    submissions,
    view,
)
from server.features.supervision.window import Window
from server.features.supervision.xlsx import Column, Sheet, workbook, xlsx_response

bp = Blueprint("supervision_pages")
PAGE_SIZE = 50
LIST_SHOWN = 300


def _render(request: Request, template: str, **context: Any) -> HTTPResponse:
    return render(request, f"supervision/{template}", sv=view, **context)


def _window_chips(ctx: ServiceContext, window: Window, path: str) -> list:
    return view.year_chips(dashboard.year_choices(ctx), window.year, path)


# -- the 100 % rule ------------------------------------------------------------------------
@bp.get("/compliance")
async def compliance_page(request: Request) -> HTTPResponse:
    """Newly certified enterprises on a traceability platform: gauge, who is missing."""
    ctx = await supervision_context(request)
    window = params.window(request, ctx)
    report = await compliance.traceability_compliance(ctx, window, with_rows=True)
    return _render(request, "compliance.html", report=report, window=window,
                   chips=_window_chips(ctx, window, "/compliance"),
                   pending=[r for r in report.rows if r.state == "pending"],
                   xlsx=view.url("/compliance/traceability.xlsx", **window.query()))


@bp.get("/compliance/traceability.xlsx")
async def compliance_xlsx(request: Request) -> HTTPResponse:
    ctx = await supervision_context(request)
    report = await compliance.traceability_compliance(ctx, params.window(request, ctx),
                                                      with_rows=True)
    return xlsx_response(*exports.traceability(report, ctx.county))


# -- plan progress -------------------------------------------------------------------------
@bp.get("/plan")
async def plan_page(request: Request) -> HTTPResponse:
    """Every target of the plan with its bar and status; filter by status."""
    ctx = await supervision_context(request)
    year = params.year(request)
    result = await progress.plan_progress(ctx, year)
    wanted = params.arg(request, "status")
    if wanted and wanted not in progress.STATUS_LABELS:
        raise ValidationError(fields={"status": "状态无效"})
    rows = [r for r in result.rows if not wanted or r.status == wanted]
    status_chips = [("全部", view.url("/plan", year=year), not wanted)] + [
        (f"{label} {result.count(code)}", view.url("/plan", year=year, status=code),
         wanted == code)
        for code, label in progress.STATUS_LABELS.items() if result.count(code)]
    return _render(request, "plan.html", result=result, rows=rows, year=year,
                   chips=view.year_chips(dashboard.year_choices(ctx), year, "/plan"),
                   status_chips=status_chips,
                   xlsx=view.url("/plan/progress.xlsx", year=year))


@bp.get("/plan/progress.xlsx")
async def plan_xlsx(request: Request) -> HTTPResponse:
    ctx = await supervision_context(request)
    result = await progress.plan_progress(ctx, params.year(request))
    return xlsx_response(*exports.progress(result, ctx.county))


@bp.get("/plan/targets/<key:str>")
async def target_page(request: Request, key: str) -> HTTPResponse:
    """One target: its figure and what is behind it (enterprises, certificates, entries)."""
    ctx = await supervision_context(request)
    return await _target_page(request, ctx, key, values={}, errors={}, status=200)


async def _target_page(request: Request, ctx: ServiceContext, key: str, *, values: dict,
                       errors: dict, status: int) -> HTTPResponse:
    target = params.target(ctx, key)
    year = params.year(request)
    result = await progress.plan_progress(ctx, year)
    row = next(r for r in result.rows if r.key == key)
    page_no = page_number(request)
    context: dict[str, Any] = {"row": row, "target": target, "year": year,
                               "chips": view.year_chips(dashboard.year_choices(ctx), year,
                                                        f"/plan/targets/{key}"),
                               "values": values, "errors": errors, "page": None,
                               "certificates": None, "entries": None, "pages": 1,
                               "page_no": page_no, "xlsx": None}
    window = Window.of_year(year)
    if target.measure in progress.FLOWS or target.measure == "enterprise_count":
        query = params.figures_filter(ctx, key)
        page = await figures.enterprise_figures(ctx, window, limit=PAGE_SIZE,
                                                offset=(page_no - 1) * PAGE_SIZE, **query)
        context.update(page=page, pages=max(1, ceil(page.total / PAGE_SIZE)),
                       xlsx=view.url("/plan/enterprises.xlsx", year=year, target=key))
    elif target.measure in ("certificate_count", "certified_enterprise_count"):
        items, total = await figures.target_certificates(
            ctx, target, result.timeline.as_of, limit=PAGE_SIZE,
            offset=(page_no - 1) * PAGE_SIZE)
        context.update(certificates=items, cert_total=total,
                       pages=max(1, ceil(total / PAGE_SIZE)))
    elif target.measure == "manual":
        context["entries"] = await manual.list_entries(ctx, key)
    context["prev_url"] = view.url(f"/plan/targets/{key}", year=year, page=page_no - 1) \
        if page_no > 1 else None
    context["next_url"] = view.url(f"/plan/targets/{key}", year=year, page=page_no + 1) \
        if page_no < context["pages"] else None
    return render(request, "supervision/target.html", status=status, sv=view, **context)


@bp.post("/plan/targets/<key:str>/entries")
async def target_entry_submit(request: Request, key: str) -> HTTPResponse:
    """Enter a manual figure; the form comes back with the problems marked."""
    ctx = await supervision_context(request)
    form = form_fields(request)
    try:
        await manual.add_entry(ctx, key, form)
    except ValidationError as exc:
        return await _target_page(request, ctx, key, values=form, errors=exc.fields,
                                  status=422)
    return redirect_with_flash(request, f"/plan/targets/{key}", "已录入")


@bp.post("/plan/targets/<key:str>/entries/<entry_id:int>/delete")
async def target_entry_delete(request: Request, key: str, entry_id: int) -> HTTPResponse:
    ctx = await supervision_context(request)
    await manual.delete_entry(ctx, key, entry_id)
    return redirect_with_flash(request, f"/plan/targets/{key}", "已删除该条录入")


@bp.get("/plan/areas")
async def areas_page(request: Request) -> HTTPResponse:
    """Places ranked by revenue, and the industries, for a year."""
    ctx = await supervision_context(request)
    year = params.year(request)
    result = await breakdown.breakdown(ctx, year)
    top_place = max((a.sums.revenue for a in result.places), default=0)
    top_industry = max((a.sums.revenue for a in result.industries), default=0)
    return _render(request, "areas.html", result=result, year=year,
                   top_place=top_place, top_industry=top_industry,
                   chips=view.year_chips(dashboard.year_choices(ctx), year, "/plan/areas"),
                   xlsx=view.url("/plan/breakdown.xlsx", year=year))


@bp.get("/plan/breakdown.xlsx")
async def areas_xlsx(request: Request) -> HTTPResponse:
    ctx = await supervision_context(request)
    return xlsx_response(*exports.areas(await breakdown.breakdown(ctx, params.year(request))))


@bp.get("/plan/enterprises")
async def enterprises_page(request: Request) -> HTTPResponse:
    """The enterprises behind a figure (a place, an industry, a month, a target)."""
    ctx = await supervision_context(request)
    window = params.window(request, ctx)
    query = params.figures_query(request, ctx)
    page_no = page_number(request)
    page = await figures.enterprise_figures(ctx, window, limit=PAGE_SIZE,
                                            offset=(page_no - 1) * PAGE_SIZE, **query)
    pages = max(1, ceil(page.total / PAGE_SIZE))
    keep = {k: params.arg(request, k) for k in ("year", "since", "until", "period",
                                                 "township", "industry", "target", "order")}
    industry = ctx.county.industry(query["industry"]) if query["industry"] else None
    target = ctx.county.target(params.arg(request, "target")) if keep["target"] else None
    title = "、".join(x for x in (query["township"], industry.name if industry else "",
                                  target.label if target else "") if x) or "全部企业"
    return _render(
        request, "enterprises.html", page=page, window=window, title=title,
        industry=industry, page_no=page_no, pages=pages,
        prev_url=view.url("/plan/enterprises", **keep, page=page_no - 1) if page_no > 1
        else None,
        next_url=view.url("/plan/enterprises", **keep, page=page_no + 1) if page_no < pages
        else None,
        xlsx=view.url("/plan/enterprises.xlsx", **keep))


@bp.get("/plan/enterprises.xlsx")
async def enterprises_xlsx(request: Request) -> HTTPResponse:
    ctx = await supervision_context(request)
    window = params.window(request, ctx)
    page = await figures.enterprise_figures(ctx, window, **params.figures_query(request, ctx),
                                            limit=figures.EXPORT_LIMIT, export=True)
    return xlsx_response(*exports.figures(page, ctx.county, "企业明细", window))


# -- monthly reports -------------------------------------------------------------------------
@bp.get("/supervision/reporting")
async def reporting_page(request: Request) -> HTTPResponse:
    """Report submission by month and by place; late and missing enterprises."""
    ctx = await supervision_context(request)
    period = params.reporting_period(request)
    result = await submissions.submissions(ctx, period, list_limit=LIST_SHOWN + 1)
    collecting = submissions.default_period(clock.today())
    year_chips = [(f"{y}年", view.url("/supervision/reporting",
                                     period=str(collecting) if y == collecting.year
                                     else f"{y}-12"), y == period.year)
                  for y in dashboard.year_choices(ctx) if y <= collecting.year]
    # latest month first: on a phone the month being collected is the one in view
    month_chips = [(f"{m.period.month}月", view.url("/supervision/reporting",
                                                   period=str(m.period)), m.period == period)
                   for m in reversed(result.months)]
    chart = view.columns(
        [view.Column(f"{m.period.month}", [m.rate.rate],
                     href=view.url("/supervision/reporting", period=str(m.period)),
                     title=f"报送率 {m.rate.rate}%，逾期{m.rate.late}家，未报{m.rate.missing}家")
         for m in result.months],
        series=["报送率"], unit="%", title=f"{result.year}年各月月报报送率", maximum=100,
        reference=100)
    return _render(request, "reporting.html", result=result, year_chips=year_chips,
                   month_chips=month_chips, chart=chart,
                   xlsx=view.url("/supervision/reporting.xlsx", period=str(period)),
                   shown=LIST_SHOWN)


@bp.get("/supervision/reporting.xlsx")
async def reporting_xlsx(request: Request) -> HTTPResponse:
    ctx = await supervision_context(request)
    result = await submissions.submissions(ctx, params.reporting_period(request))
    return xlsx_response(*exports.reporting(result, ctx.county))


# -- certificates ----------------------------------------------------------------------------
@bp.get("/supervision/certificates")
async def certificates_page(request: Request) -> HTTPResponse:
    """Certificates expiring soon, and those just expired without a renewal."""
    ctx = await supervision_context(request)
    days = int_query(request, "days", ctx.settings.CERT_EXPIRY_WARN_DAYS, minimum=1,
                          maximum=3650)
    result = await expiring.expiring_certificates(ctx, days)
    chips = [(f"{d}天内", view.url("/supervision/certificates", days=d), d == days)
             for d in sorted({30, 60, 90, 180, ctx.settings.CERT_EXPIRY_WARN_DAYS})]
    return _render(request, "certificates.html", result=result, chips=chips,
                   xlsx=view.url("/supervision/certificates.xlsx", days=days))


@bp.get("/supervision/certificates.xlsx")
async def certificates_xlsx(request: Request) -> HTTPResponse:
    ctx = await supervision_context(request)
    days = int_query(request, "days", ctx.settings.CERT_EXPIRY_WARN_DAYS, minimum=1,
                          maximum=3650)
    return xlsx_response(*exports.expiring(await expiring.expiring_certificates(ctx, days)))


@bp.get("/supervision/import")
async def import_page(request: Request) -> HTTPResponse:
    """Upload the official certificate list."""
    await supervision_context(request)
    return _render(request, "import.html", result=None, errors={}, columns=_IMPORT_COLUMNS,
                   labels=certimport.LABELS)


_IMPORT_COLUMNS = [
    ("credit_code", "统一社会信用代码", "必填，须为已登记企业"),
    ("enterprise_name", "企业名称", "选填，仅用于核对"),
    ("kind", "类型", "绿色食品、有机农产品、农产品地理标志、虎林椴树蜜、黑土优品"),
    ("certificate_no", "证书编号", "必填"),
    ("product_name", "产品名称", "必填"),
    ("issued_on", "颁证日期", "必填，如 2025-03-18"),
    ("expires_on", "有效期至", "必填，晚于颁证日期"),
]


@bp.post("/supervision/import")
async def import_submit(request: Request) -> HTTPResponse:
    """Check and import the uploaded file; show what happened, row by row."""
    ctx = await supervision_context(request)
    upload = request.files.get("file") if request.files else None
    dry_run = bool(form_fields(request).get("dry_run"))
    if upload is None or not upload.body:
        return _render_import(request, None, {"file": "请选择要导入的 .xlsx 或 .csv 文件"}, 422)
    try:
        result = await certimport.import_certificates(ctx, upload.name or "", upload.body,
                                                      dry_run=dry_run)
    except certimport.ImportRejected as exc:
        return _render_import(request, exc.result, {}, 422)
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        return _render_import(request, None, exc.fields or {"file": exc.message}, exc.status)
    return _render_import(request, result, {}, 200)


def _render_import(request: Request, result, errors: dict, status: int) -> HTTPResponse:
    return render(request, "supervision/import.html", status=status, sv=view, result=result,
                  errors=errors, columns=_IMPORT_COLUMNS, labels=certimport.LABELS)


@bp.get("/supervision/import/template.xlsx")
async def import_template(request: Request) -> HTTPResponse:
    """An empty list with the headers and one example row."""
    await supervision_context(request)
    sheet = Sheet("证书名录", [Column(label, 22) for _code, label, _hint in _IMPORT_COLUMNS])
    sheet.rows.append(["91230381MA00000000", "示例：虎林市某某米业有限公司", "绿色食品",
                       "LB-18-2503123456A", "长粒香大米", "2025-03-18", "2028-03-17"])
    return xlsx_response("证书名录导入模板.xlsx", workbook([sheet]))


# -- raw milk ----------------------------------------------------------------------------------
@bp.get("/supervision/milk")
async def milk_page(request: Request) -> HTTPResponse:
    """Raw-milk quality against the plan's standard: months, enterprises, failing reports."""
    ctx = await supervision_context(request)
    window = params.window(request, ctx)
    result = await milk.milk_quality(ctx, window)
    return _render(request, "milk.html", result=result, window=window,
                   chips=_window_chips(ctx, window, "/supervision/milk"),
                   xlsx=view.url("/supervision/milk.xlsx", **window.query()))


@bp.get("/supervision/milk.xlsx")
async def milk_xlsx(request: Request) -> HTTPResponse:
    ctx = await supervision_context(request)
    return xlsx_response(*exports.milk(await milk.milk_quality(ctx, params.window(request, ctx))))


# -- complaints --------------------------------------------------------------------------------
@bp.get("/complaints")
async def complaints_page(request: Request) -> HTTPResponse:
    """Consumer complaints: open first; each opens to be handled."""
    ctx = await supervision_context(request)
    raw = params.arg(request, "status") or "open"
    status = complaints.parse_status(raw)
    page_no = page_number(request)
    page = await complaints.list_complaints(ctx, status, limit=PAGE_SIZE,
                                            offset=(page_no - 1) * PAGE_SIZE)
    pages = max(1, ceil(page.total / PAGE_SIZE))
    chips = [(f"待处理 {page.open}", "/complaints?status=open", raw == "open"),
             (f"已处理 {page.handled}", "/complaints?status=handled", raw == "handled"),
             ("全部", "/complaints?status=all", raw == "all")]
    return _render(
        request, "complaints.html", page=page, chips=chips, page_no=page_no, pages=pages,
        prev_url=view.url("/complaints", status=raw, page=page_no - 1) if page_no > 1 else None,
        next_url=view.url("/complaints", status=raw, page=page_no + 1) if page_no < pages
        else None,
        xlsx=view.url("/complaints.xlsx", status=raw))


@bp.get("/complaints.xlsx")
async def complaints_xlsx(request: Request) -> HTTPResponse:
    ctx = await supervision_context(request)
    status = complaints.parse_status(params.arg(request, "status") or "all")
    page = await complaints.list_complaints(ctx, status, limit=complaints.MAX_PAGE)
    return xlsx_response(*exports.complaints(page.items))


@bp.get("/complaints/<complaint_id:int>")
async def complaint_page(request: Request, complaint_id: int) -> HTTPResponse:
    ctx = await supervision_context(request)
    item = await complaints.get_complaint(ctx, complaint_id)
    return _render(request, "complaint.html", item=item, values={}, errors={},
                   open_status=ComplaintStatus.OPEN)


@bp.post("/complaints/<complaint_id:int>/handle")
async def complaint_handle(request: Request, complaint_id: int) -> HTTPResponse:
    ctx = await supervision_context(request)
    form = form_fields(request)
    try:
        await complaints.handle_complaint(ctx, complaint_id, form)
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        item = await complaints.get_complaint(ctx, complaint_id)
        return render(request, "supervision/complaint.html", status=exc.status, sv=view,
                      item=item, values=form, errors=exc.fields or {"note": exc.message},
                      open_status=ComplaintStatus.OPEN)
    return redirect_with_flash(request, "/complaints", "投诉已处理")


# -- the dashboard (rendered by the home page) ------------------------------------------------
async def dashboard_page(request: Request, ctx: ServiceContext) -> HTTPResponse:
    """The supervision home: called by server/features/home/pages.py."""
    year = params.year(request)
    data = await dashboard.dashboard(ctx, year)
    months_chart = view.columns(
        [view.Column(f"{p.month}", [now.revenue if now.reports else None,
                                   last.revenue if last.reports else None],
                     href=view.url("/plan/enterprises", period=str(p)) if now.reports else None)
         for p, now, last in data.months],
        series=[f"{year}年", f"{year - 1}年"], unit="万元",
        title=f"{year}年与{year - 1}年各月营业收入（万元）")
    reporting_chart = view.columns(
        [view.Column(f"{m.period.month}", [m.rate.rate],
                     href=view.url("/supervision/reporting", period=str(m.period)),
                     title=f"报送率 {m.rate.rate}%，逾期{m.rate.late}家，未报{m.rate.missing}家")
         for m in data.reporting.months],
        series=["报送率"], unit="%", title=f"{year}年各月月报报送率", maximum=100,
        reference=100)
    top_place = max((a.sums.revenue for a in data.areas.places), default=0)
    top_industry = max((a.sums.revenue for a in data.areas.industries), default=0)
    return render(request, "home/supervision.html", sv=view, d=data, year=year,
                  chips=view.year_chips(data.years, year, "/"),
                  months_chart=months_chart, reporting_chart=reporting_chart,
                  top_place=top_place, top_industry=top_industry,
                  review_reports_url=dashboard.REVIEW_REPORTS_URL,
                  review_registrations_url=dashboard.REVIEW_REGISTRATIONS_URL)
