"""JSON API: enterprises and their staff accounts."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from server.core.audit import describe
from server.core.context import service_context
from server.core.errors import ValidationError
from server.core.http import json_body
from server.core.jsonutil import json_response
from server.features.accounts.service import user_json
from server.features.enterprises import service
from server.features.enterprises.service import enterprise_json

bp = Blueprint("enterprises_api")


def _int_arg(request: Request, name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValidationError(fields={name: "应为整数"}) from None


@bp.post("/enterprises")
async def create(request: Request) -> HTTPResponse:
    """Register an enterprise (supervision); 422 for a wrong credit code, 409 for a known one."""
    data = json_body(request)
    ctx = await service_context(request)
    enterprise = await service.create_enterprise(ctx, data)
    return json_response(enterprise_json(enterprise, ctx.county), status=201)


@bp.get("/enterprises")
async def list_(request: Request) -> HTTPResponse:
    """Enterprises (supervision), filtered by `township`, `industry` and `q`, paged."""
    ctx = await service_context(request)
    page = await service.list_enterprises(
        ctx,
        township=request.args.get("township"),
        industry=request.args.get("industry"),
        q=request.args.get("q"),
        limit=_int_arg(request, "limit", 50),
        offset=_int_arg(request, "offset", 0),
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
async def get(request: Request, enterprise_id: int) -> HTTPResponse:
    """One enterprise, for supervision or its own staff."""
    ctx = await service_context(request)
    enterprise = await service.get_enterprise(ctx, enterprise_id)
    return json_response(enterprise_json(enterprise, ctx.county))


@bp.patch("/enterprises/<enterprise_id:int>")
async def update(request: Request, enterprise_id: int) -> HTTPResponse:
    """Change some profile fields (staff: contacts only; supervision: all)."""
    data = json_body(request)
    ctx = await service_context(request)
    enterprise = await service.update_enterprise(ctx, enterprise_id, data)
    return json_response(enterprise_json(enterprise, ctx.county))


@bp.post("/enterprises/<enterprise_id:int>/users")
async def create_staff(request: Request, enterprise_id: int) -> HTTPResponse:
    """Open a staff account for the enterprise (supervision)."""
    data = json_body(request)
    ctx = await service_context(request)
    user = await service.create_staff_account(ctx, enterprise_id, data)
    return json_response(user_json(user), status=201)


@bp.get("/enterprises/<enterprise_id:int>/users")
async def list_staff(request: Request, enterprise_id: int) -> HTTPResponse:
    """The enterprise's accounts (supervision)."""
    ctx = await service_context(request)
    users = await service.staff_of(ctx, enterprise_id)
    return json_response({"items": [user_json(u) for u in users]})


@bp.get("/enterprises/<enterprise_id:int>/audit")
async def audit_trail(request: Request, enterprise_id: int) -> HTTPResponse:
    """Who changed what for this enterprise, with the record before and after (supervision)."""
    ctx = await service_context(request)
    entries, total = await service.audit_trail(
        ctx, enterprise_id, limit=_int_arg(request, "limit", 50),
        offset=_int_arg(request, "offset", 0))
    return json_response({
        "items": [
            {"id": e.id, "at": e.at, "actor_id": e.actor_id, "actor": e.actor_label,
             "action": e.action, "description": describe(e), "entity": e.entity,
             "entity_id": e.entity_id, "before": e.before, "after": e.after, "ip": e.ip}
            for e in entries
        ],
        "total": total,
    })
