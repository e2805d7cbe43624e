"""JSON API: enterprises and their staff accounts."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from server.core.audit import describe
from server.core.context import service_context
from server.core.http import int_query, json_body
from server.core.jsonutil import json_response
from server.core.openapi import doc
from server.core.openapi_schemas import (
    COUNT,
    PAGING,
    STR,
    array,
    items_of,
    obj,
    page_of,
    query,
    ref,
)
from server.features.accounts.service import user_json
from server.features.enterprises import service
from server.features.enterprises.service import enterprise_json

bp = Blueprint("enterprises_api")

TAG = "enterprises"
LIST_PARAMS = [
    query("township", STR, "a place: name or alias"),
    query("industry", STR, "an industry: code, Chinese name or alias"),
    query("q", STR, "part of the name or credit code"),
    *PAGING,
]
STAFF_IN = obj({"phone": STR, "name": {"type": "string", "maxLength": 64}, "password": STR})
AUDIT_PAGE = obj({"items": array(ref("AuditEntry")), "total": COUNT})




@bp.post("/enterprises")
@doc("Register an enterprise", tag=TAG, body=ref("EnterpriseInput"), returns=ref("Enterprise"),
     status=201, errors=(403, 409))
async def create(request: Request) -> HTTPResponse:
    """Register an enterprise (supervision); 422 for a wrong credit code, 409 for a known one."""
    data = json_body(request)
    ctx = await service_context(request)
    enterprise = await service.create_enterprise(ctx, data)
    return json_response(enterprise_json(enterprise, ctx.county), status=201)


@bp.get("/enterprises")
@doc("Enterprises, filtered and paged", tag=TAG, returns=page_of(ref("Enterprise")),
     params=LIST_PARAMS, errors=(403, 422))
async def list_(request: Request) -> HTTPResponse:
    """Enterprises (supervision), filtered by `township`, `industry` and `q`, paged."""
    ctx = await service_context(request)
    page = await service.list_enterprises(
        ctx,
        township=request.args.get("township"),
        industry=request.args.get("industry"),
        q=request.args.get("q"),
        limit=int_query(request, "limit", 50),
        offset=int_query(request, "offset", 0),
    )
    return json_response(
        {
            "items": [enterprise_json(e, ctx.county) for e in page.items],
            "total": page.total,
            "limit": page.limit,
            "offset": page.offset,
        }
    )


@bp.get("/enterprises/<enterprise_id:int>")
@doc("One enterprise", tag=TAG, returns=ref("Enterprise"), errors=(403,))
async def get(request: Request, enterprise_id: int) -> HTTPResponse:
    """One enterprise, for supervision or its own staff."""
    ctx = await service_context(request)
    enterprise = await service.get_enterprise(ctx, enterprise_id)
    return json_response(enterprise_json(enterprise, ctx.county))


@bp.patch("/enterprises/<enterprise_id:int>")
@doc("Change some profile fields (staff: contacts only)", tag=TAG, body=ref("EnterprisePatch"),
     returns=ref("Enterprise"), errors=(403, 409))
async def update(request: Request, enterprise_id: int) -> HTTPResponse:
    """Change some profile fields (staff: contacts only; supervision: all)."""
    data = json_body(request)
    ctx = await service_context(request)
    enterprise = await service.update_enterprise(ctx, enterprise_id, data)
    return json_response(enterprise_json(enterprise, ctx.county))


@bp.post("/enterprises/<enterprise_id:int>/users")
@doc("Open a staff account for the enterprise", tag=TAG, body=STAFF_IN, returns=ref("User"),
     status=201, errors=(403, 409))
async def create_staff(request: Request, enterprise_id: int) -> HTTPResponse:
    """Open a staff account for the enterprise (supervision)."""
    data = json_body(request)
    ctx = await service_context(request)
    user = await service.create_staff_account(ctx, enterprise_id, data)
    return json_response(user_json(user), status=201)


@bp.get("/enterprises/<enterprise_id:int>/users")
@doc("The enterprise's accounts", tag=TAG, returns=items_of(ref("User")), errors=(403,))
async def list_staff(request: Request, enterprise_id: int) -> HTTPResponse:
    """The enterprise's accounts (supervision)."""
    ctx = await service_context(request)
    users = await service.staff_of(ctx, enterprise_id)
    return json_response({"items": [user_json(u) for u in users]})


@bp.get("/enterprises/<enterprise_id:int>/audit")
@doc("The enterprise's audit trail", tag=TAG, returns=AUDIT_PAGE, params=PAGING, errors=(403, 422))
async def audit_trail(request: Request, enterprise_id: int) -> HTTPResponse:
    """Who changed what for this enterprise, with the record before and after (supervision)."""
    ctx = await service_context(request)
    entries, total = await service.audit_trail(
        ctx, enterprise_id, limit=int_query(request, "limit", 50),
        offset=int_query(request, "offset", 0))
    return json_response({
        "items": [
            {"id": e.id, "at": e.at, "actor_id": e.actor_id, "actor": e.actor_label,
             "action": e.action, "description": describe(e), "entity": e.entity,
             "entity_id": e.entity_id, "before": e.before, "after": e.after, "ip": e.ip}
            for e in entries
        ],
        "total": total,
    })
