"""Request and response middleware: CSRF checks, cookies, and security headers."""

from __future__ import annotations

from sanic import Request, Sanic
from sanic.response import HTTPResponse

from server.core.auth import SESSION_COOKIE
from server.core.csrf import (
    needs_check,
    set_csrf_cookie_if_new,
    verify_api_origin,
    verify_csrf,
)
from server.core.errors import NotFound, PayloadTooLarge
from server.core.flash import clear_flash_if_consumed

# No inline scripts or styles anywhere: every page works without JavaScript, and the
# CSS is in versioned files. Images may be data: URIs (inline QR previews).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def security_headers(https: bool) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(self), geolocation=(), microphone=(), payment=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if https:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


# Row ids are 32-bit on PostgreSQL (serial) and 64-bit on SQLite: a larger number in a
# path cannot name a row, and handed to the database it fails the query instead (a 500).
MAX_ID = 2**31 - 1


def _out_of_range_id(request: Request) -> bool:
    return any(isinstance(v, int) and not isinstance(v, bool) and not -MAX_ID <= v <= MAX_ID
               for v in request.match_info.values())


def register_middleware(app: Sanic) -> None:
    headers = security_headers(app.ctx.settings.https)

    max_body = app.config.REQUEST_MAX_SIZE

    @app.on_request
    async def check_request(request: Request) -> None:
        # Sanic's own server refuses big bodies before reading them; this also covers
        # ASGI servers, which do not enforce REQUEST_MAX_SIZE.
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > max_body:
            raise PayloadTooLarge()
        if _out_of_range_id(request):
            raise NotFound()
        if needs_check(request):
            verify_csrf(request)
        verify_api_origin(request, SESSION_COOKIE)

    @app.on_response
    async def finish_response(request: Request, response: HTTPResponse) -> None:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        if request.path.startswith("/api/"):
            # API answers carry enterprise data: no browser or proxy keeps a copy, unless
            # a route chose otherwise (evidence photos: private, an hour).
            response.headers.setdefault("Cache-Control", "no-store")
        set_csrf_cookie_if_new(request, response)
        clear_flash_if_consumed(request, response)
