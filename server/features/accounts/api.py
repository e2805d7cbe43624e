"""JSON API: log-in sessions, the current user, passwords and API tokens."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from server.core.auth import (
    clear_session_cookie,
    end_session,
    restart_sessions,
    set_session_cookie,
    start_session,
)
from server.core.context import service_context
from server.core.http import json_body
from server.core.jsonutil import json_response
from server.core.openapi import doc
from server.core.openapi_schemas import ID, STATUS_BODY, STR, items_of, obj, ref
from server.core.permissions import require_login
from server.features.accounts import service
from server.features.accounts.service import user_json

bp = Blueprint("accounts_api")

TAG = "accounts"
LOGIN = obj({"phone": STR, "password": STR})
USER_BODY = obj({"user": ref("User")})
PASSWORD = obj({"current_password": STR, "new_password": STR})
TOKEN_IN = obj({"name": {"type": "string", "maxLength": 64}})
NEW_TOKEN = obj({"id": ID, "name": STR, "prefix": STR,
                 "token": {"type": "string", "description": "shown only in this answer"}})
USER_PATCH = obj({"name": STR, "is_active": {"type": "boolean"},
                  "role": {"type": "string", "enum": ["admin", "supervisor"]},
                  "password": {"type": "string", "description": "a new password (sessions end)"}})



@bp.post("/session")
@doc("Log in with phone and password", tag=TAG, public=True, body=LOGIN, returns=USER_BODY,
     errors=(401, 429))
async def log_in(request: Request) -> HTTPResponse:
    """Log in with phone and password; answers the user and sets the session cookie."""
    data = json_body(request)
    ctx = await service_context(request)
    user = await service.log_in(ctx, data.get("phone"), data.get("password"))
    await end_session(request)  # a new log-in never reuses an old session (fixation)
    cookie = await start_session(request, user)
    response = json_response({"user": user_json(user)})
    set_session_cookie(response, cookie, ctx.settings)
    return response


@bp.get("/session")
@doc("The logged-in user", tag=TAG, returns=USER_BODY)
async def who_am_i(request: Request) -> HTTPResponse:
    """The logged-in user (401 when not logged in)."""
    ctx = await service_context(request)
    return json_response({"user": user_json(require_login(ctx.actor))})


@bp.delete("/session")
@doc("Log out (the session is deleted)", tag=TAG, returns=STATUS_BODY)
async def log_out(request: Request) -> HTTPResponse:
    """End this session and clear its cookie."""
    ctx = await service_context(request)
    require_login(ctx.actor)
    await end_session(request)
    response = json_response({"status": "logged_out"})
    clear_session_cookie(response, ctx.settings)
    return response


@bp.post("/session/password")
@doc("Change one's own password; other sessions end", tag=TAG, body=PASSWORD, returns=STATUS_BODY,
     errors=(429,))
async def change_password(request: Request) -> HTTPResponse:
    """Change one's own password; other sessions of the account end."""
    data = json_body(request)
    ctx = await service_context(request)
    await service.change_password(ctx, data.get("current_password"), data.get("new_password"))
    cookie = await restart_sessions(request, require_login(ctx.actor))
    response = json_response({"status": "password_changed"})
    set_session_cookie(response, cookie, ctx.settings)
    return response


@bp.post("/tokens")
@doc("Create an API token (shown once)", tag=TAG, body=TOKEN_IN, returns=NEW_TOKEN, status=201)
async def create_token(request: Request) -> HTTPResponse:
    """A new API token for the caller; the token text is shown only in this answer."""
    data = json_body(request)
    ctx = await service_context(request)
    plain, token = await service.create_api_token(ctx, data.get("name"))
    return json_response(
        {"id": token.id, "name": token.name, "prefix": token.prefix, "token": plain}, status=201
    )


@bp.get("/tokens")
@doc("The caller's API tokens", tag=TAG, returns=items_of(ref("Token")))
async def list_tokens(request: Request) -> HTTPResponse:
    """The caller's active API tokens (without their secret part)."""
    ctx = await service_context(request)
    tokens = await service.list_api_tokens(ctx)
    return json_response(
        {
            "items": [
                {"id": t.id, "name": t.name, "prefix": t.prefix, "created_at": t.created_at,
                 "last_used_at": t.last_used_at}
                for t in tokens
            ]
        }
    )


@bp.delete("/tokens/<token_id:int>")
@doc("Revoke an API token", tag=TAG, returns=STATUS_BODY)
async def revoke_token(request: Request, token_id: int) -> HTTPResponse:
    """Revoke one of the caller's API tokens."""
    ctx = await service_context(request)
    await service.revoke_api_token(ctx, token_id)
    return json_response({"status": "revoked"})


@bp.patch("/users/<user_id:int>")
@doc("Rename, disable/enable, reset the password of, or switch the role of an account",
     tag=TAG, body=USER_PATCH, returns=ref("User"), errors=[404])
async def update_user(request: Request, user_id: int) -> HTTPResponse:
    """Rename, disable or re-enable an account, set a new password for it, or switch
    admin/supervisor (supervision; supervision accounts only by an admin)."""
    data = json_body(request)
    ctx = await service_context(request)
    user = await service.update_user(ctx, user_id, data)
    return json_response(user_json(user))
