"""Reading request bodies: JSON objects for the API, form fields for pages."""

from __future__ import annotations

from typing import Any

from sanic import Request
from sanic.headers import parse_content_header
from sanic.request import File

from server.core.errors import BadRequest, UnsupportedMediaType, ValidationError
from server.core.jsonutil import loads


def json_body(request: Request, *, allow_empty: bool = False) -> dict[str, Any]:
    """The request's JSON object; 400 when it is malformed or not an object.

    Requiring application/json also keeps plain cross-site forms (which cannot set
    that type) from reaching the API with a browser's cookie.
    """
    body = request.body or b""
    if not body.strip():
        if allow_empty:
            return {}
        raise BadRequest("请求体不能为空，应为 JSON 对象")
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise UnsupportedMediaType("请求体应为 JSON（Content-Type: application/json）")
    try:
        data = loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("请求体不是有效的 JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("请求体应为 JSON 对象")
    return data


def form_fields(request: Request) -> dict[str, str]:
    """First value of each submitted form field (urlencoded or multipart)."""
    form = request.form or {}
    return {key: (values[0] if values else "") for key, values in form.items()}


def query_value(request: Request, name: str) -> str | None:
    value = request.args.get(name)
    return value.strip() if isinstance(value, str) else None



def int_query(request: Request, name: str, default: int, *, minimum: int = 0,
              maximum: int = 1_000_000) -> int:
    """A whole-number query argument within bounds (422 otherwise: a huge offset would
    overflow the database's integer, a negative one means nothing)."""
    raw = query_value(request, name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError(fields={name: "应为整数"}) from None
    if not minimum <= value <= maximum:
        raise ValidationError(fields={name: f"应在{minimum}至{maximum}之间"})
    return value

# Beyond any real list, and small enough that page × page size stays a valid SQL offset.
PAGE_MAX = 100_000


def page_number(request: Request) -> int:
    """The 1-based `page` of a paged page: unreadable is 1, and it stops at PAGE_MAX."""
    try:
        return min(max(1, int(query_value(request, "page") or 1)), PAGE_MAX)
    except ValueError:
        return 1


def uploaded_file(request: Request, name: str) -> File | None:
    """The multipart upload `name`, or None when the request carries none.

    The content type is checked first: Sanic's parser logs a traceback at ERROR level for a
    multipart body without a boundary, which is only a client's mistake."""
    content_type, params = parse_content_header(request.headers.get("content-type") or "")
    if content_type != "multipart/form-data" or not params.get("boundary"):
        return None
    files = request.files
    return files.get(name) if files else None


def read_cookie(request: Request, name: str) -> str | None:
    """Exactly the cookie this deployment sets: under https only its `__Host-` form.

    Sanic's `request.cookies.get(name)` falls back to `name` and `__Secure-name`, which
    a sibling subdomain can plant (cookie tossing); reading only the `__Host-` cookie
    keeps a planted session or CSRF seed from ever being used.
    """
    full = ("__Host-" if request.app.ctx.settings.https else "") + name
    values = dict.get(request.cookies, full)
    return values[0] if values else None
