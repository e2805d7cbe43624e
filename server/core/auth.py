"""Who is making this request: a session cookie (people) or a bearer token (integrations).

The session cookie carries a random token signed with SECRET_KEY; the database keeps only
the token's hash, its absolute expiry and the last time it was used (idle timeout), so a
log-out, or a log-out everywhere, takes effect on every worker at once.
"""

from __future__ import annotations

from datetime import timedelta

from sanic import Request
from sanic.response import HTTPResponse

from models import ApiToken, User, UserSession
from server.core import clock
from server.core.config import Settings
from server.core.errors import Unauthorized
from server.core.http import read_cookie
from server.core.security import new_token, sign, token_hash, unsign

SESSION_COOKIE = "hl_session"
API_TOKEN_PREFIX = "hlt_"
# Writing last_seen_at on every request would turn each page view into a write.
_TOUCH_EVERY = timedelta(seconds=60)


def settings_of(request: Request) -> Settings:
    return request.app.ctx.settings


def client_ip(request: Request) -> str:
    # remote_addr honours PROXIES_COUNT/X-Forwarded-For; ip is the socket peer.
    return (request.remote_addr or request.ip or "")[:64]


async def current_user(request: Request) -> User | None:
    """The logged-in user, resolved once per request (None when anonymous).

    A request that presents a bearer token that is wrong gets 401 at once rather than
    quietly being treated as anonymous.
    """
    if hasattr(request.ctx, "user"):
        return request.ctx.user
    user: User | None = None
    request.ctx.session = None
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Authorization 头应为 Bearer <令牌>")
        user = await user_for_api_token(token.strip())
        if user is None:
            raise Unauthorized("API 令牌无效或已撤销")
        request.ctx.auth_via = "token"
    else:
        settings = settings_of(request)
        raw = unsign(settings.SECRET_KEY, "session", read_cookie(request, SESSION_COOKIE))
        if raw:
            session = await session_for_token(raw, settings)
            if session is not None:
                request.ctx.session = session
                user = session.user
        request.ctx.auth_via = "session" if user else None
    request.ctx.user = user
    return user


async def session_for_token(token: str, settings: Settings) -> UserSession | None:
    session = await UserSession.get_or_none(token_hash=token_hash(token)).select_related("user")
    if session is None:
        return None
    now = clock.now()
    idle_limit = timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    if session.expires_at <= now or session.last_seen_at + idle_limit <= now:
        await session.delete()
        return None
    if not session.user.is_active:
        return None
    if now - session.last_seen_at >= _TOUCH_EVERY:
        await UserSession.filter(id=session.id).update(last_seen_at=now)
        session.last_seen_at = now
    return session


async def user_for_api_token(token: str) -> User | None:
    if not token.startswith(API_TOKEN_PREFIX):
        return None
    api_token = await ApiToken.get_or_none(
        token_hash=token_hash(token), revoked_at=None
    ).select_related("user")
    if api_token is None or not api_token.user.is_active:
        return None
    now = clock.now()
    if api_token.last_used_at is None or now - api_token.last_used_at >= _TOUCH_EVERY:
        await ApiToken.filter(id=api_token.id).update(last_used_at=now)
    return api_token.user


async def start_session(request: Request, user: User) -> str:
    """Create a session for the user; returns the signed cookie value."""
    settings = settings_of(request)
    token = new_token()
    now = clock.now()
    await UserSession.create(
        token_hash=token_hash(token),
        user=user,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.SESSION_MAX_AGE_HOURS),
        ip=client_ip(request),
        user_agent=(request.headers.get("user-agent") or "")[:255],
    )
    request.ctx.user = user
    return sign(settings.SECRET_KEY, "session", token)


async def end_session(request: Request) -> None:
    settings = settings_of(request)
    raw = unsign(settings.SECRET_KEY, "session", read_cookie(request, SESSION_COOKIE))
    if raw:
        await UserSession.filter(token_hash=token_hash(raw)).delete()
    request.ctx.user = None


async def end_all_sessions(user: User) -> int:
    """Log the user out everywhere (after a password change, or on request)."""
    return await UserSession.filter(user_id=user.id).delete()


async def restart_sessions(request: Request, user: User) -> str:
    """End every session of the user and start a fresh one here (after a password change)."""
    await end_all_sessions(user)
    return await start_session(request, user)


def set_session_cookie(response: HTTPResponse, value: str, settings: Settings) -> None:
    response.add_cookie(
        SESSION_COOKIE,
        value,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=settings.https,
        host_prefix=settings.https,
        max_age=int(settings.SESSION_MAX_AGE_HOURS * 3600),
    )


def clear_session_cookie(response: HTTPResponse, settings: Settings) -> None:
    # Through the cookie jar: only it lets a deletion match the cookie's Secure flag.
    response.cookies.delete_cookie(
        SESSION_COOKIE, path="/", secure=settings.https, host_prefix=settings.https
    )
