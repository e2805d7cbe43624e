"""JSON API: health check for load balancers and monitoring."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from server.core.db import ping
from server.core.jsonutil import json_response

bp = Blueprint("health_api")


@bp.get("/healthz")
async def healthz(request: Request) -> HTTPResponse:
    """200 when the database answers, 503 when it does not."""
    if await ping():
        return json_response({"status": "ok", "database": "ok"})
    return json_response({"status": "degraded", "database": "unavailable"}, status=503)
