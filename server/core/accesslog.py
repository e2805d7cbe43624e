"""Structured access logs: one JSON line per request on the `hulin.access` logger.

    {"ts": "...", "method": "GET", "path": "/t/ABC", "status": 200, "bytes": 5120,
     "ms": 3.2, "ip": "1.2.3.4", "user": 12, "request_id": "...", "worker": 4242}

Sanic's own text access log is turned off in `serve`; these lines are what a log
collector parses. Cookies, tokens and bodies are never logged.
"""

from __future__ import annotations

import json
import logging
import os
import time

from sanic import Request, Sanic
from sanic.response import HTTPResponse

from server.core import clock

logger = logging.getLogger("hulin.access")


def register_access_log(app: Sanic) -> None:
    worker = os.getpid()

    @app.on_request(priority=100)
    async def start_timer(request: Request) -> None:
        request.ctx.started = time.perf_counter()

    @app.on_response(priority=-100)
    async def log_request(request: Request, response: HTTPResponse) -> None:
        started = getattr(request.ctx, "started", None)
        user = getattr(request.ctx, "user", None)
        response.headers.setdefault("X-Request-ID", str(request.id))
        if not logger.isEnabledFor(logging.INFO):
            return
        logger.info(json.dumps({
            "ts": clock.now().isoformat(timespec="milliseconds"),
            "method": request.method,
            "path": request.path,
            "status": response.status,
            "bytes": len(response.body or b""),
            "ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
            "ip": request.remote_addr or request.ip,
            "user": user.id if user is not None else None,
            "request_id": str(request.id),
            "worker": worker,
        }, ensure_ascii=False))
