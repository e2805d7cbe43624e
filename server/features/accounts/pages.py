"""Pages: log-in, log-out, and one's own account (password, log out everywhere)."""

from urllib.parse import urlsplit

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from models import Enterprise
from server.core.auth import (
    clear_session_cookie,
    end_all_sessions,
    end_session,
    restart_sessions,
    set_session_cookie,
    start_session,
)
from server.core.context import service_context
from server.core.errors import ApiError, ValidationError
from server.core.flash import redirect_with_flash
from server.core.http import form_fields
from server.core.permissions import require_login
from server.core.rendering import render
from server.features.accounts import service

bp = Blueprint("accounts_pages")


def safe_next(value: str | None) -> str:
    """Only same-site paths: `next` must never send someone to another site."""
    if not value:
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return "/"
    if "\\" in value:
        return "/"
    return value


@bp.get("/login")
async def login_form(request: Request) -> HTTPResponse:
    """The log-in form; someone already logged in goes straight to their home."""
    ctx = await service_context(request)
    if ctx.actor is not None:
        return redirect("/")
    return render(request, "accounts/login.html", values={}, errors={}, message=None,
                  next_url=safe_next(request.args.get("next")))


@bp.post("/login")
async def login_submit(request: Request) -> HTTPResponse:
    """Check phone and password; on success start a session and go on (PRG)."""
    form = form_fields(request)
    ctx = await service_context(request)
    next_url = safe_next(form.get("next"))
    try:
        user = await service.log_in(ctx, form.get("phone"), form.get("password"))
    except ApiError as exc:
        return render(
            request, "accounts/login.html", status=exc.status, headers=exc.headers,
            values={"phone": form.get("phone", "")},
            errors=exc.fields if isinstance(exc, ValidationError) else {},
            message=None if isinstance(exc, ValidationError) else exc.message,
            next_url=next_url,
        )
    await end_session(request)
    cookie = await start_session(request, user)
    response = redirect(next_url, status=303)
    set_session_cookie(response, cookie, ctx.settings)
    return response


@bp.post("/logout")
async def logout(request: Request) -> HTTPResponse:
    """End this session and return to the log-in page."""
    ctx = await service_context(request)
    await end_session(request)
    response = redirect_with_flash(request, "/login", "已退出登录")
    clear_session_cookie(response, ctx.settings)
    return response


@bp.get("/account")
async def account(request: Request) -> HTTPResponse:
    """One's own account: who one is, change the password, log out everywhere."""
    ctx = await service_context(request)
    user = require_login(ctx.actor)
    enterprise = await Enterprise.get_or_none(id=user.enterprise_id) if user.enterprise_id else None
    return render(request, "accounts/account.html", enterprise=enterprise, errors={})


@bp.post("/account/password")
async def account_password(request: Request) -> HTTPResponse:
    """Change the password; on success every other device is logged out."""
    form = form_fields(request)
    ctx = await service_context(request)
    user = require_login(ctx.actor)
    try:
        await service.change_password(ctx, form.get("current_password"), form.get("new_password"))
    except ValidationError as exc:
        enterprise = (
            await Enterprise.get_or_none(id=user.enterprise_id) if user.enterprise_id else None
        )
        return render(request, "accounts/account.html", status=422, enterprise=enterprise,
                      errors=exc.fields)
    cookie = await restart_sessions(request, user)
    response = redirect_with_flash(request, "/account", "密码已修改，其他设备已退出登录")
    set_session_cookie(response, cookie, ctx.settings)
    return response


@bp.post("/account/logout-all")
async def logout_everywhere(request: Request) -> HTTPResponse:
    """End every session of this account, this one included."""
    ctx = await service_context(request)
    user = require_login(ctx.actor)
    await end_all_sessions(user)
    response = redirect_with_flash(request, "/login", "已退出所有设备上的登录")
    clear_session_cookie(response, ctx.settings)
    return response
