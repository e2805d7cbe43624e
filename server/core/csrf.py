"""CSRF protection for HTML forms (signed double-submit token).

A random seed lives in a cookie; each form carries HMAC(SECRET_KEY, seed). A forged
cross-site form can make the browser send the cookie but cannot read it, so it cannot
compute the token. Every page POST is checked by middleware unless its route opts out
with `ctx_csrf_exempt=True`.

The JSON API takes no token: bearer tokens are not sent by browsers on their own, JSON
bodies need a CORS preflight, and the session cookie is SameSite=Lax. What is left —
a form posted from a sibling site (same-site, so Lax sends the cookie) to an API route
that accepts an empty or multipart body (submit, approve, a photo upload) — is closed
by `verify_api_origin`: a cookie-authenticated unsafe API call whose Origin is another
site's is refused.
"""

from __future__ import annotations

import base64
import hmac
from urllib.parse import urlsplit

from sanic import Request
from sanic.response import HTTPResponse

from server.core.errors import Forbidden
from server.core.http import read_cookie
from server.core.security import mac, new_token

CSRF_COOKIE = "hl_csrf"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _seed(request: Request) -> str:
    seed = getattr(request.ctx, "csrf_seed", None)
    if seed:
        return seed
    seed = read_cookie(request, CSRF_COOKIE) or ""
    if len(seed) < 20:
        seed = new_token(18)
        request.ctx.csrf_seed_is_new = True
    request.ctx.csrf_seed = seed
    return seed


def _token_for(request: Request, seed: str) -> str:
    digest = mac(request.app.ctx.settings.SECRET_KEY, "csrf", seed)
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def csrf_token(request: Request) -> str:
    """The token to put in a form's hidden field (sets the cookie if needed)."""
    return _token_for(request, _seed(request))


def verify_csrf(request: Request) -> None:
    seed = read_cookie(request, CSRF_COOKIE) or ""
    submitted = (request.form or {}).get(CSRF_FIELD) or request.headers.get("x-csrf-token") or ""
    if not seed or not submitted or not hmac.compare_digest(
        submitted, _token_for(request, seed)
    ):
        raise Forbidden("页面已过期或来源不明，请返回刷新后重试")


def verify_api_origin(request: Request, session_cookie: str) -> None:
    """403 for an unsafe API call with the session cookie sent from another origin."""
    if request.method not in UNSAFE_METHODS or not request.path.startswith("/api/"):
        return
    if "authorization" in request.headers or not read_cookie(request, session_cookie):
        return
    origin = request.headers.get("origin")
    if origin is None:      # not a browser, or an old one: SameSite still applies
        return
    public = urlsplit(request.app.ctx.settings.PUBLIC_BASE_URL).netloc
    host = urlsplit(origin).netloc if origin != "null" else ""
    if not host or host not in (public, request.host):
        raise Forbidden("请求来源不明，已拒绝")


def needs_check(request: Request) -> bool:
    if request.method not in UNSAFE_METHODS or request.path.startswith("/api/"):
        return False
    route = request.route
    return not (route is not None and getattr(route.ctx, "csrf_exempt", False))


def set_csrf_cookie_if_new(request: Request, response: HTTPResponse) -> None:
    if getattr(request.ctx, "csrf_seed_is_new", False):
        settings = request.app.ctx.settings
        response.add_cookie(
            CSRF_COOKIE,
            request.ctx.csrf_seed,
            path="/",
            httponly=True,
            samesite="Lax",
            secure=settings.https,
            host_prefix=settings.https,
        )
