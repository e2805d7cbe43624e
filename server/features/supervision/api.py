"""JSON API of supervision (mounted under /api/v1); every route needs admin/supervisor.

The routes only translate HTTP: the services check permissions and hold the rules.
Spreadsheet twins (`.xlsx`) return the same list as an Excel file.
"""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from server.core.context import service_context, supervision_context
from server.core.errors import ValidationError
from server.core.http import int_query, json_body, uploaded_file
from server.core.jsonutil import json_response
from server.core.openapi import doc
from server.core.openapi_schemas import (
    BINARY,
    BOOL,
    COUNT,
    ID,
    LIMIT,
    OFFSET,
    PERIOD,
    STR,
    WINDOW,
    XLSX,
    YEAR_Q,
    array,
    enum,
    items_of,
    obj,
    query,
    ref,
)
from server.core.validation import boolean
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
)
from server.features.supervision.xlsx import xlsx_response

bp = Blueprint("supervision_api")

TAG = "supervision"
YEAR = [YEAR_Q]
FIGURES = [*WINDOW,
           query("target", STR, "a target key: the enterprises behind its figure"),
           query("township", STR), query("place", STR), query("industry", STR),
           query("order", STR), query("limit", LIMIT), query("offset", OFFSET)]
PERIOD_PARAMS = [query("period", PERIOD, "default: last month")]
DAYS = [query("days", {"type": "integer", "minimum": 1, "maximum": 3650})]
COMPLAINT_STATUS = [query("status", enum("open", "handled", "all"))]
COMPLAINT_PARAMS = [*COMPLAINT_STATUS, query("limit", {"type": "integer", "minimum": 1}),
                    query("offset", OFFSET)]
COMPLAINT_PAGE = obj({"items": array(ref("Complaint")), "total": COUNT, "open": COUNT,
                      "handled": COUNT, "limit": COUNT, "offset": COUNT})
HANDLE_IN = obj({"note": STR})
DELETED = obj({"deleted": ID})
IMPORT_UPLOAD = obj({"file": BINARY, "dry_run": BOOL}, required=["file"])
DRY_RUN = [query("dry_run", BOOL, "check every row, import nothing")]



@bp.get("/compliance/traceability")
@doc("The plan's 100 % traceability rule, with who is missing", tag=TAG, returns=ref("Compliance"),
     params=WINDOW, errors=(403, 422))
async def traceability(request: Request) -> HTTPResponse:
    """The plan's 100 % rule for `year` (or `since`/`until`), with who is missing."""
    ctx = await supervision_context(request)
    report = await compliance.traceability_compliance(ctx, params.window(request, ctx))
    return json_response(compliance.compliance_json(report))


@bp.get("/compliance/traceability.xlsx")
@doc("The traceability rule as a spreadsheet", tag=TAG, media=XLSX, returns=BINARY, params=WINDOW,
     errors=(403, 422))
async def traceability_xlsx(request: Request) -> HTTPResponse:
    """The same as a spreadsheet: one row per newly certified enterprise."""
    ctx = await supervision_context(request)
    report = await compliance.traceability_compliance(ctx, params.window(request, ctx),
                                                      with_rows=True)
    return xlsx_response(*exports.traceability(report, ctx.county))


@bp.get("/plan/progress")
@doc("Progress on every target of the plan", tag=TAG, returns=array(ref("ProgressItem")),
     params=YEAR, errors=(403, 422))
async def plan_progress(request: Request) -> HTTPResponse:
    """Every target of the plan: target, actual, unit, ratio, status, growth."""
    ctx = await supervision_context(request)
    result = await progress.plan_progress(ctx, params.year(request))
    return json_response(progress.progress_json(result, ctx.county))


@bp.get("/plan/progress.xlsx")
@doc("Plan progress as a spreadsheet", tag=TAG, media=XLSX, returns=BINARY, params=YEAR,
     errors=(403, 422))
async def plan_progress_xlsx(request: Request) -> HTTPResponse:
    ctx = await supervision_context(request)
    result = await progress.plan_progress(ctx, params.year(request))
    return xlsx_response(*exports.progress(result, ctx.county))


@bp.get("/plan/breakdown")
@doc("Revenue and counts by place and industry", tag=TAG, returns=ref("Breakdown"), params=YEAR,
     errors=(403, 422))
async def plan_breakdown(request: Request) -> HTTPResponse:
    """Revenue and counts by place (ranked) and by industry."""
    ctx = await supervision_context(request)
    result = await breakdown.breakdown(ctx, params.year(request))
    return json_response(breakdown.breakdown_json(result))


@bp.get("/plan/breakdown.xlsx")
@doc("The breakdown as a spreadsheet", tag=TAG, media=XLSX, returns=BINARY, params=YEAR,
     errors=(403, 422))
async def plan_breakdown_xlsx(request: Request) -> HTTPResponse:
    ctx = await supervision_context(request)
    return xlsx_response(*exports.areas(await breakdown.breakdown(ctx, params.year(request))))


async def _figures(request: Request):
    ctx = await supervision_context(request)
    window = params.window(request, ctx)
    page = await figures.enterprise_figures(
        ctx, window, **params.figures_query(request, ctx),
        limit=int_query(request, "limit", 50, minimum=1, maximum=figures.MAX_LIMIT),
        offset=int_query(request, "offset", 0))
    return ctx, window, page


@bp.get("/plan/enterprises")
@doc("The enterprises behind a figure", tag=TAG, returns=ref("FiguresPage"), params=FIGURES,
     errors=(403, 404, 422))
async def plan_enterprises(request: Request) -> HTTPResponse:
    """The enterprises behind a figure, with their report sums, largest first."""
    ctx, _window, page = await _figures(request)
    return json_response(figures.figures_json(page, ctx.county))


@bp.get("/plan/enterprises.xlsx")
@doc("The enterprises behind a figure as a spreadsheet", tag=TAG, media=XLSX, returns=BINARY,
     params=FIGURES, errors=(403, 404, 422))
async def plan_enterprises_xlsx(request: Request) -> HTTPResponse:
    ctx = await supervision_context(request)
    window = params.window(request, ctx)
    page = await figures.enterprise_figures(ctx, window, **params.figures_query(request, ctx),
                                            limit=figures.EXPORT_LIMIT, export=True)
    return xlsx_response(*exports.figures(page, ctx.county, "企业明细", window))


@bp.get("/plan/targets/<key:str>/entries")
@doc("The figures entered for a manual target", tag=TAG, returns=items_of(ref("TargetEntry")),
     errors=(403, 422))
async def target_entries(request: Request, key: str) -> HTTPResponse:
    """The figures entered for a manual target, newest first."""
    ctx = await service_context(request)
    entries = await manual.list_entries(ctx, key)
    return json_response({"items": [manual.entry_json(e) for e in entries]})


@bp.post("/plan/targets/<key:str>/entries")
@doc("Enter a manual target's figure", tag=TAG, body=ref("TargetEntryInput"),
     returns=ref("TargetEntry"), status=201, errors=(403, 422))
async def add_target_entry(request: Request, key: str) -> HTTPResponse:
    """Enter a manual target's figure `{value, as_of, note}`."""
    data = json_body(request)
    ctx = await service_context(request)
    entry = await manual.add_entry(ctx, key, data)
    return json_response(manual.entry_json(entry), status=201)


@bp.delete("/plan/targets/<key:str>/entries/<entry_id:int>")
@doc("Delete an entered figure", tag=TAG, returns=DELETED, errors=(403, 422))
async def delete_target_entry(request: Request, key: str, entry_id: int) -> HTTPResponse:
    ctx = await service_context(request)
    await manual.delete_entry(ctx, key, entry_id)
    return json_response({"deleted": entry_id})


@bp.get("/supervision/reporting")
@doc("Report submission for a period", tag=TAG, returns=ref("Reporting"), params=PERIOD_PARAMS,
     errors=(403, 422))
async def reporting(request: Request) -> HTTPResponse:
    """Report submission for `period` (default last month) and its year month by month."""
    ctx = await supervision_context(request)
    period = params.reporting_period(request)
    return json_response(submissions.submissions_json(
        await submissions.submissions(ctx, period)))


@bp.get("/supervision/reporting.xlsx")
@doc("Report submission as a spreadsheet", tag=TAG, media=XLSX, returns=BINARY,
     params=PERIOD_PARAMS, errors=(403, 422))
async def reporting_xlsx(request: Request) -> HTTPResponse:
    ctx = await supervision_context(request)
    period = params.reporting_period(request)
    return xlsx_response(*exports.reporting(await submissions.submissions(ctx, period),
                                            ctx.county))


def _days(request: Request, ctx) -> int:
    return int_query(request, "days", ctx.settings.CERT_EXPIRY_WARN_DAYS, minimum=1,
                          maximum=3650)


@bp.get("/supervision/certificates/expiring")
@doc("Certificates expiring soon, and just expired", tag=TAG, returns=ref("Expiring"), params=DAYS,
     errors=(403, 422))
async def certificates_expiring(request: Request) -> HTTPResponse:
    """Certificates expiring within `days` (default CERT_EXPIRY_WARN_DAYS), and just expired."""
    ctx = await supervision_context(request)
    return json_response(expiring.expiring_json(
        await expiring.expiring_certificates(ctx, _days(request, ctx))))


@bp.get("/supervision/certificates/expiring.xlsx")
@doc("Expiring certificates as a spreadsheet", tag=TAG, media=XLSX, returns=BINARY, params=DAYS,
     errors=(403, 422))
async def certificates_expiring_xlsx(request: Request) -> HTTPResponse:
    ctx = await supervision_context(request)
    return xlsx_response(*exports.expiring(
        await expiring.expiring_certificates(ctx, _days(request, ctx))))


@bp.get("/supervision/milk-quality")
@doc("Raw-milk quality of the dairy reports", tag=TAG, returns=ref("MilkQuality"), params=WINDOW,
     errors=(403, 422))
async def milk_quality(request: Request) -> HTTPResponse:
    """Raw-milk quality compliance of the dairy reports of the window."""
    ctx = await supervision_context(request)
    return json_response(milk.milk_json(await milk.milk_quality(ctx, params.window(request, ctx))))


@bp.get("/supervision/milk-quality.xlsx")
@doc("Raw-milk quality as a spreadsheet", tag=TAG, media=XLSX, returns=BINARY, params=WINDOW,
     errors=(403, 422))
async def milk_quality_xlsx(request: Request) -> HTTPResponse:
    ctx = await supervision_context(request)
    return xlsx_response(*exports.milk(await milk.milk_quality(ctx, params.window(request, ctx))))


@bp.get("/supervision/queues")
@doc("What waits in each supervision queue", tag=TAG, returns=ref("Queues"), errors=(403,))
async def queues(request: Request) -> HTTPResponse:
    """How much waits in each queue (the dashboard's to-do counts)."""
    ctx = await service_context(request)
    q = await dashboard.queues(ctx)
    return json_response({
        "reports_to_review": q.reports_to_review,
        "registrations_to_verify": q.registrations_to_verify,
        "complaints_open": q.complaints_open,
        "certificates_to_chase": q.certificates_to_chase,
    })


@bp.get("/complaints")
@doc("Consumer complaints", tag=TAG, returns=COMPLAINT_PAGE, params=COMPLAINT_PARAMS,
     errors=(403, 422))
async def complaint_list(request: Request) -> HTTPResponse:
    """Consumer complaints, `status` open (default) / handled / all, newest first."""
    ctx = await supervision_context(request)
    page = await complaints.list_complaints(
        ctx, complaints.parse_status(params.arg(request, "status") or "open"),
        limit=int_query(request, "limit", 50, minimum=1, maximum=complaints.MAX_PAGE),
        offset=int_query(request, "offset", 0))
    return json_response({"items": [complaints.complaint_json(c) for c in page.items],
                          "total": page.total, "open": page.open, "handled": page.handled,
                          "limit": page.limit, "offset": page.offset})


@bp.get("/complaints.xlsx")
@doc("Consumer complaints as a spreadsheet", tag=TAG, media=XLSX, returns=BINARY,
     params=COMPLAINT_STATUS, errors=(403, 422))
async def complaint_list_xlsx(request: Request) -> HTTPResponse:
    ctx = await supervision_context(request)
    page = await complaints.list_complaints(
        ctx, complaints.parse_status(params.arg(request, "status") or "all"),
        limit=complaints.MAX_PAGE)
    return xlsx_response(*exports.complaints(page.items))


@bp.get("/complaints/<complaint_id:int>")
@doc("One complaint", tag=TAG, returns=ref("Complaint"), errors=(403,))
async def complaint_get(request: Request, complaint_id: int) -> HTTPResponse:
    ctx = await service_context(request)
    return json_response(complaints.complaint_json(
        await complaints.get_complaint(ctx, complaint_id)))


@bp.post("/complaints/<complaint_id:int>/handle")
@doc("Mark a complaint handled", tag=TAG, body=HANDLE_IN, returns=ref("Complaint"),
     errors=(403, 409))
async def complaint_handle(request: Request, complaint_id: int) -> HTTPResponse:
    """Mark a complaint handled `{note}`; 409 when it already is."""
    data = json_body(request)
    ctx = await service_context(request)
    complaint = await complaints.handle_complaint(ctx, complaint_id, data)
    return json_response(complaints.complaint_json(complaint))


@bp.post("/certifications/import")
@doc("Import the official certificate list (.xlsx or .csv)", tag=TAG, multipart=IMPORT_UPLOAD,
     returns=ref("ImportResult"), params=DRY_RUN, errors=(403,))
async def import_certifications(request: Request) -> HTTPResponse:
    """Import the official certificate list: multipart `file` (.xlsx/.csv), `dry_run`.

    200 with the counts; 422 with every problem row (nothing imported).
    """
    ctx = await supervision_context(request)
    upload = uploaded_file(request, "file")
    if upload is None or not upload.body:
        raise ValidationError(fields={"file": "请选择要导入的 .xlsx 或 .csv 文件"})
    dry_run = False
    raw = (request.form or {}).get("dry_run") or params.arg(request, "dry_run")
    if raw:
        try:
            dry_run = boolean(raw)
        except ValueError:
            raise ValidationError(fields={"dry_run": "应为 true 或 false"}) from None
    result = await certimport.import_certificates(ctx, upload.name or "", upload.body,
                                                  dry_run=dry_run)
    return json_response(certimport.result_json(result))
