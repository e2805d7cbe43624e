"""Errors the app raises on purpose, and how each reaches the client.

The JSON API answers every failure with one envelope (API.md):
    {"error": {"code": "...", "message": "...", "fields": {"name": "why"}}}
Pages show the same message in a Chinese error page, or send a visitor who is not
logged in to the log-in page.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from sanic import Request, Sanic
from sanic import exceptions as sanic_exceptions
from sanic.response import HTTPResponse, redirect

from server.core.db import describe, is_unavailable
from server.core.jsonutil import json_response

log = logging.getLogger(__name__)


class ApiError(Exception):
    status = 400
    code = "bad_request"
    default_message = "请求有误"

    def __init__(
        self,
        message: str | None = None,
        *,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.fields = fields or {}
        self.headers = headers or {}
        super().__init__(self.message)

    def envelope(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return {"error": body}


class BadRequest(ApiError):
    status, code, default_message = 400, "bad_request", "请求格式有误"


class Unauthorized(ApiError):
    status, code, default_message = 401, "unauthorized", "请先登录"


class Forbidden(ApiError):
    status, code, default_message = 403, "forbidden", "无权访问该内容"


class NotFound(ApiError):
    status, code, default_message = 404, "not_found", "未找到该内容"


class MethodNotAllowed(ApiError):
    status, code, default_message = 405, "method_not_allowed", "不支持该请求方法"


class Conflict(ApiError):
    status, code, default_message = 409, "conflict", "与现有数据冲突"


class Gone(ApiError):
    status, code, default_message = 410, "gone", "该内容已失效"


class PayloadTooLarge(ApiError):
    status, code, default_message = 413, "too_large", "上传内容过大"


class UnsupportedMediaType(ApiError):
    status, code, default_message = 415, "unsupported_media_type", "不支持的内容类型"


class ValidationError(ApiError):
    status, code, default_message = 422, "invalid", "输入有误，请检查标出的项目"


class TooManyRequests(ApiError):
    status, code, default_message = 429, "too_many_attempts", "尝试次数过多，请稍后再试"

    def __init__(self, message: str | None = None, *, retry_after: int = 60) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, int(retry_after)))})


class ServiceUnavailable(ApiError):
    status, code, default_message = 503, "unavailable", "服务暂时不可用，请稍后再试"


class DatabaseUnavailable(ServiceUnavailable):
    code, default_message = "database_unavailable", "数据库暂时无法连接，请稍后再试"


class InternalError(ApiError):
    status, code, default_message = 500, "internal", "服务器内部错误，请稍后再试"


# Sanic's own exceptions (routing, body size, malformed requests) mapped to ours.
_SANIC_MAP: list[tuple[type[Exception], type[ApiError]]] = [
    (sanic_exceptions.NotFound, NotFound),
    (sanic_exceptions.MethodNotAllowed, MethodNotAllowed),
    (sanic_exceptions.PayloadTooLarge, PayloadTooLarge),
    (sanic_exceptions.RangeNotSatisfiable, BadRequest),
    (sanic_exceptions.BadRequest, BadRequest),
    (sanic_exceptions.Unauthorized, Unauthorized),
    (sanic_exceptions.Forbidden, Forbidden),
    (sanic_exceptions.ServiceUnavailable, ServiceUnavailable),
    (sanic_exceptions.RequestTimeout, BadRequest),
]


def as_api_error(exc: Exception) -> ApiError:
    if isinstance(exc, ApiError):
        return exc
    for sanic_type, ours in _SANIC_MAP:
        if isinstance(exc, sanic_type):
            return ours()
    if is_unavailable(exc):
        return DatabaseUnavailable(headers={"Retry-After": "5"})
    return InternalError()


def is_api_request(request: Request) -> bool:
    return request.path.startswith("/api/")


async def handle_exception(request: Request, exc: Exception) -> HTTPResponse:
    """The app's single error handler: JSON for the API, Chinese pages for people."""
    error = as_api_error(exc)
    if isinstance(error, DatabaseUnavailable):
        log.warning("database unavailable on %s %s: %s", request.method, request.path,
                    describe(exc))
    elif error.status >= 500:
        log.error("unhandled error on %s %s", request.method, request.path, exc_info=exc)
    if is_api_request(request):
        return json_response(error.envelope(), status=error.status, headers=error.headers)
    if error.status == 401:
        target = request.path + (f"?{request.query_string}" if request.query_string else "")
        return redirect(f"/login?next={quote(target)}")
    from server.core.rendering import render  # late import: rendering needs the app

    return render(
        request,
        "error.html",
        status=error.status,
        headers=error.headers,
        error=error,
    )


def register_error_handlers(app: Sanic) -> None:
    app.error_handler.add(Exception, handle_exception)
