"""The OpenAPI 3 document of the JSON API, served at /api/v1/openapi.json.

Each API route carries its description (`@doc(...)` under the route decorator); the
document is built from the app's router, so paths, methods and path-parameter types are
the ones really registered, and a route without `@doc` is missing from the document
(a test compares the two). Schemas are defined once in `server/core/openapi_schemas.py`
and referenced.

Not sanic-ext's generator: it skips every route under its own URL prefix (so it cannot
serve /api/v1/openapi.json while describing /api/v1), keeps its operations in
process-wide singletons, and needs `Extend`, which also installs CORS and automatic
OPTIONS routes the app does not want. Nor its Redoc/Swagger pages: they load from a CDN,
which the CSP forbids.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse

from server.core.jsonutil import json_response
from server.core.openapi_schemas import ERROR_RESPONSES, SCHEMAS, ref

API_PREFIX = "/api/v1"
SPEC_PATH = f"{API_PREFIX}/openapi.json"
OPENAPI_VERSION = "3.0.3"

# Path parameters whose form is known: generated requests then reach the handler.
PATH_PARAMS: dict[str, dict[str, Any]] = {
    "period": {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$",
               "example": "2025-06"},
    "code": {"type": "string", "minLength": 1, "maxLength": 64,
             "description": "a signed trace code (case, spaces and dashes are forgiven)"},
    "raw": {"type": "string", "minLength": 1, "maxLength": 64,
            "description": "a signed trace code (case, spaces and dashes are forgiven)"},
    "key": {"type": "string", "minLength": 1, "maxLength": 64,
            "description": "a target key of the county file"},
}

SECURITY = [{"session": []}, {"bearer": []}]
JSON = "application/json"


def doc(
    summary: str,
    *,
    tag: str,
    returns: dict[str, Any] | None = None,
    status: int = 200,
    media: str = JSON,
    body: dict[str, Any] | None = None,
    body_required: bool = True,
    multipart: dict[str, Any] | None = None,
    params: Iterable[dict[str, Any]] = (),
    errors: Iterable[int] = (),
    public: bool = False,
    description: str | None = None,
    headers: dict[str, Any] | None = None,
) -> Callable[[Callable], Callable]:
    """Describe an API route. Put it under the route decorator.

    `errors` lists the statuses the route's own rules give; the ones every route of its
    kind can give are added: 401 and 403 when logged in, 404 for a path parameter,
    400/415/422 for a JSON body.
    """
    codes = set(errors)
    if not public:
        codes |= {401, 403}
    if body is not None:
        codes |= {400, 415, 422}
    if multipart is not None:
        codes |= {413, 422}
    op: dict[str, Any] = {
        "summary": summary,
        "tags": [tag],
        "parameters": list(params),
        "_status": status,
        "_returns": returns,
        "_media": media,
        "_errors": codes,
        "_headers": headers,
    }
    if description:
        op["description"] = description
    op["security"] = [] if public else SECURITY
    if body is not None:
        op["requestBody"] = {"required": body_required,
                             "content": {JSON: {"schema": body}}}
    elif multipart is not None:
        op["requestBody"] = {"required": True,
                             "content": {"multipart/form-data": {"schema": multipart}}}

    def attach(handler: Callable) -> Callable:
        handler.__openapi__ = op  # type: ignore[attr-defined]
        return handler

    return attach


_PARAM = re.compile(r"<([a-zA-Z_][a-zA-Z0-9_]*)(?::[^>]*)?>")


def _operation(op: dict[str, Any], route_params: list[tuple[str, type]]) -> dict[str, Any]:
    out = {k: v for k, v in op.items() if not k.startswith("_")}
    params = []
    for name, cast in route_params:
        schema = {"type": "integer", "minimum": 1} if cast is int else \
            dict(PATH_PARAMS.get(name, {"type": "string", "minLength": 1}))
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    out["parameters"] = params + list(op["parameters"])
    if not out["parameters"]:
        del out["parameters"]
    codes = set(op["_errors"])
    if route_params:
        codes.add(404)
    success: dict[str, Any] = {"description": "OK" if op["_status"] == 200 else "Created"}
    if op["_returns"] is not None:
        success["content"] = {op["_media"]: {"schema": op["_returns"]}}
    if op["_headers"]:
        success["headers"] = op["_headers"]
    responses: dict[str, Any] = {str(op["_status"]): success}
    for code in sorted(codes):
        responses[str(code)] = {"$ref": f"#/components/responses/{ERROR_RESPONSES[code]}"}
    out["responses"] = responses
    return out


def documented_routes(app: Sanic) -> list[tuple[str, str, Any]]:
    """(method, path in OpenAPI form, handler) of every route under /api/v1."""
    found = []
    for route in app.router.routes:
        uri = "/" + route.path.lstrip("/")
        if not uri.startswith(API_PREFIX + "/"):
            continue
        path = _PARAM.sub(lambda m: "{" + m.group(1) + "}", "/" + route.raw_path.lstrip("/"))
        for method in sorted(route.methods):
            if method in ("HEAD", "OPTIONS"):
                continue
            found.append((method.lower(), path, route))
    return found


def build_document(app: Sanic) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for method, path, route in documented_routes(app):
        op = getattr(route.handler, "__openapi__", None)
        if op is None:
            continue            # undocumented: tests/core/test_openapi.py fails on it
        route_params = sorted(((p.name, p.cast) for p in route.params.values()),
                              key=lambda p: path.index("{" + p[0] + "}"))
        operation = _operation(op, route_params)
        operation["operationId"] = route.name.split(".", 1)[-1].replace("_api.", ".") + f".{method}"
        paths.setdefault(path[len(API_PREFIX):], {})[method] = operation
    tags = sorted({op["tags"][0] for item in paths.values() for op in item.values()})
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Hulin agricultural-product reporting and traceability API",
            "version": "1",
            "description": (
                "JSON API of the Hulin City reporting and traceability system. Errors "
                "are `{\"error\": {\"code\", \"message\", \"fields\"?}}` with Chinese "
                "messages. Money is a decimal string in 万元, dates `YYYY-MM-DD`, "
                "periods `YYYY-MM`. Log in with `POST /session` (cookie) or send "
                "`Authorization: Bearer hlt_…` (API tokens)."
            ),
        },
        "servers": [{"url": API_PREFIX}],
        "tags": [{"name": t} for t in tags],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": SCHEMAS,
            "responses": {
                name: {"description": name,
                       "content": {JSON: {"schema": ref("Error")}},
                       **({"headers": {"Retry-After": {"schema": {"type": "integer"}}}}
                          if code == 429 else {})}
                for code, name in ERROR_RESPONSES.items()
            },
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "hl_session",
                            "description": "set by POST /session (`__Host-hl_session` "
                                           "when served over HTTPS)"},
                "bearer": {"type": "http", "scheme": "bearer",
                           "bearerFormat": "hlt_… API token (POST /tokens)"},
            },
        },
    }


bp = Blueprint("openapi_api")


@bp.get("/openapi.json")
@doc("This OpenAPI document", tag="meta", returns={"type": "object"}, public=True)
async def openapi_json(request: Request) -> HTTPResponse:
    app = request.app
    document = getattr(app.ctx, "openapi_document", None)
    if document is None:    # built once per worker: the routes do not change
        document = app.ctx.openapi_document = build_document(app)
    return json_response(document)
