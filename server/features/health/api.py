"""JSON API: health check for load balancers and monitoring."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from server.core.db import ping
from server.core.jsonutil import json_response
from server.core.openapi import doc
from server.core.openapi_schemas import enum, obj

bp = Blueprint("health_api")

TAG = "health"
HEALTH = obj({"status": enum("ok", "degraded"), "database": enum("ok", "unavailable")})



@bp.get("/healthz")
@doc("Health check", tag=TAG, public=True, returns=HEALTH, errors=(503,))
async def healthz(request: Request) -> HTTPResponse:
    """200 when the database answers, 503 when it does not."""
    if await ping():
        return json_response({"status": "ok", "database": "ok"})
    return json_response({"status": "degraded", "database": "unavailable"}, status=503)
