"""One-time notices after post-redirect-get ("已保存"), carried in a short-lived cookie."""

from __future__ import annotations

import base64

from sanic import Request
from sanic.response import HTTPResponse, redirect

from server.core.security import sign, unsign

FLASH_COOKIE = "hl_flash"


def redirect_with_flash(request: Request, url: str, message: str) -> HTTPResponse:
    """303 to url, showing message once on the page it lands on."""
    response = redirect(url, status=303)
    encoded = base64.urlsafe_b64encode(message.encode()).rstrip(b"=").decode()
    settings = request.app.ctx.settings
    response.add_cookie(
        FLASH_COOKIE,
        sign(settings.SECRET_KEY, "flash", encoded),
        path="/",
        httponly=True,
        samesite="Lax",
        secure=settings.https,
        max_age=60,
    )
    return response


def pop_flash(request: Request) -> str | None:
    """The pending notice, if any; the response middleware then clears the cookie."""
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    request.ctx.flash_consumed = True
    encoded = unsign(request.app.ctx.settings.SECRET_KEY, "flash", raw)
    if not encoded:
        return None
    try:
        return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except ValueError:
        return None


def clear_flash_if_consumed(request: Request, response: HTTPResponse) -> None:
    if getattr(request.ctx, "flash_consumed", False):
        response.cookies.delete_cookie(
            FLASH_COOKIE, path="/", secure=request.app.ctx.settings.https
        )
