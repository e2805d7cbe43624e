"""JSON API: monthly reports (API.md) plus reading one report and the county-wide queue."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from models.enums import ReportStatus
from server.core.context import ServiceContext, service_context
from server.core.errors import ValidationError
from server.core.http import json_body
from server.core.jsonutil import json_response
from server.core.openapi import doc
from server.core.openapi_schemas import (
    PERIOD,
    REPORT_STATUSES,
    STR,
    enum,
    items_of,
    obj,
    query,
    ref,
)
from server.features.reports import service
from server.features.reports.service import report_json

bp = Blueprint("reports_api")

TAG = "reports"
VERSION = {"type": "integer", "description": "the version read: a stale one is 409"}
SUBMIT_IN = obj({"change_explanation": STR, "version": VERSION}, required=[])
REVIEW_IN = obj({"comment": STR, "version": VERSION}, required=[],
                description="a return needs a comment")
QUEUE_PARAMS = [query("status", enum(*REPORT_STATUSES)), query("period", PERIOD)]



def _version(data: dict) -> int | None:
    """The optional `version` a client read: a stale one makes a change 409."""
    raw = data.get("version")
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ValidationError(fields={"version": "version 应为整数"})
    return raw


async def _full(ctx: ServiceContext, report) -> dict:
    warnings = await service.change_warnings(ctx, report)
    history = await service.report_history(report)
    return report_json(ctx, report, warnings=warnings, history=history)


@bp.get("/enterprises/<enterprise_id:int>/reports")
@doc("Every report of the enterprise, newest first", tag=TAG, returns=items_of(ref("Report")),
     errors=(403,))
async def list_(request: Request, enterprise_id: int) -> HTTPResponse:
    """Every report of the enterprise, newest month first, with status and history."""
    ctx = await service_context(request)
    reports = await service.list_reports(ctx, enterprise_id)
    histories = await service.histories_for(reports)
    warnings = await service.warnings_for(ctx, reports)
    return json_response({"items": [
        report_json(ctx, r, warnings=warnings[r.id], history=histories[r.id]) for r in reports
    ]})


@bp.get("/enterprises/<enterprise_id:int>/reports/<period:str>")
@doc("One month's report (404 before it is saved)", tag=TAG, returns=ref("Report"),
     errors=(403, 422))
async def get(request: Request, enterprise_id: int, period: str) -> HTTPResponse:
    """One month's report with its change warnings and history (404 before it is saved)."""
    ctx = await service_context(request)
    report = await service.get_report(ctx, enterprise_id, period)
    return json_response(await _full(ctx, report))


@bp.put("/enterprises/<enterprise_id:int>/reports/<period:str>")
@doc("Save the month's draft", tag=TAG, body=ref("ReportInput"), returns=ref("Report"),
     errors=(403, 409))
async def save(request: Request, enterprise_id: int, period: str) -> HTTPResponse:
    """Save the month's draft (staff of the enterprise): 200 with the report."""
    data = json_body(request)
    ctx = await service_context(request)
    report = await service.save_report(ctx, enterprise_id, period, data,
                                       expected_version=_version(data))
    return json_response(await _full(ctx, report))


@bp.post("/enterprises/<enterprise_id:int>/reports/<period:str>/copy-previous")
@doc("Start the draft from the latest earlier report", tag=TAG, returns=ref("Report"), status=201,
     errors=(403, 409, 422))
async def copy_previous(request: Request, enterprise_id: int, period: str) -> HTTPResponse:
    """Start the month's draft from the latest earlier report: 201, 409 if one exists."""
    ctx = await service_context(request)
    report = await service.copy_previous_month(ctx, enterprise_id, period)
    return json_response(await _full(ctx, report), status=201)


@bp.post("/enterprises/<enterprise_id:int>/reports/<period:str>/submit")
@doc("Submit the report for review", tag=TAG, body=SUBMIT_IN, body_required=False,
     returns=ref("Report"), errors=(403, 409))
async def submit(request: Request, enterprise_id: int, period: str) -> HTTPResponse:
    """Submit for review; a second submit of the same period is 409."""
    data = json_body(request, allow_empty=True)
    ctx = await service_context(request)
    report = await service.submit_report(
        ctx, enterprise_id, period, change_explanation=data.get("change_explanation"),
        expected_version=_version(data))
    return json_response(await _full(ctx, report))


@bp.post("/enterprises/<enterprise_id:int>/reports/<period:str>/approve")
@doc("Approve a submitted report", tag=TAG, body=REVIEW_IN, body_required=False,
     returns=ref("Report"), errors=(403, 409))
async def approve(request: Request, enterprise_id: int, period: str) -> HTTPResponse:
    """Approve a submitted report (supervision); 409 for any other state."""
    data = json_body(request, allow_empty=True)
    ctx = await service_context(request)
    report = await service.approve_report(ctx, enterprise_id, period,
                                          data.get("comment") or "",
                                          expected_version=_version(data))
    return json_response(await _full(ctx, report))


@bp.post("/enterprises/<enterprise_id:int>/reports/<period:str>/return")
@doc("Return a submitted report for correction", tag=TAG, body=REVIEW_IN, body_required=False,
     returns=ref("Report"), errors=(403, 409))
async def return_(request: Request, enterprise_id: int, period: str) -> HTTPResponse:
    """Return a submitted report for correction with a comment (supervision)."""
    data = json_body(request, allow_empty=True)
    ctx = await service_context(request)
    report = await service.return_report(ctx, enterprise_id, period, data.get("comment"),
                                         expected_version=_version(data))
    return json_response(await _full(ctx, report))


@bp.get("/reports")
@doc("Reports in one state across the county", tag=TAG, returns=items_of(ref("Report")),
     params=QUEUE_PARAMS, errors=(403, 422))
async def county_list(request: Request) -> HTTPResponse:
    """Supervision: reports in one state across the county (default: waiting for review)."""
    ctx = await service_context(request)
    raw_status = (request.args.get("status") or "submitted").strip()
    if raw_status not in {s.value for s in ReportStatus}:
        raise ValidationError(
            fields={"status": "status 应为 draft、submitted、returned 或 approved"})
    reports = await service.review_queue(ctx, ReportStatus(raw_status),
                                         period=request.args.get("period") or None)
    warnings = await service.warnings_for(ctx, reports)
    items = []
    for r in reports:
        body = report_json(ctx, r, warnings=warnings[r.id])
        body["enterprise_name"] = r.enterprise.name
        items.append(body)
    return json_response({"items": items})
