"""JSON API: traceability-platform registration, its photo evidence, and verification."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw

from models.enums import Verification
from server.core.context import service_context
from server.core.errors import NotFound, ValidationError
from server.core.http import json_body, uploaded_file
from server.core.jsonutil import json_response
from server.core.openapi import doc
from server.core.openapi_schemas import BINARY, enum, items_of, obj, query, ref
from server.features.registration import service

bp = Blueprint("registration_api")
BASE = "/enterprises/<enterprise_id:int>/traceability-registration"

TAG = "registration"
UPLOAD = obj({"file": BINARY})
SIZE_PARAMS = [query("size", enum("thumb"), "a small thumbnail")]
VERIFICATION_PARAMS = [query("verification", enum("pending", "verified", "rejected"))]



async def _current(ctx, enterprise_id: int) -> dict:
    view = await service.get_registration(ctx, enterprise_id)
    if view is None:
        raise NotFound("该企业尚未填写追溯平台注册信息")
    return view.json()


@bp.get(BASE)
@doc("The traceability-platform registration", tag=TAG, returns=ref("Registration"), errors=(403,))
async def get(request: Request, enterprise_id: int) -> HTTPResponse:
    """The registration with its photos and verification (404 before it is recorded)."""
    ctx = await service_context(request)
    return json_response(await _current(ctx, enterprise_id))


@bp.put(BASE)
@doc("Record or correct the registration", tag=TAG, body=ref("RegistrationInput"),
     returns=ref("Registration"), errors=(403, 409))
async def save(request: Request, enterprise_id: int) -> HTTPResponse:
    """Record or correct the registration (staff): 200. A change needs verifying again."""
    data = json_body(request)
    ctx = await service_context(request)
    await service.save_registration(ctx, enterprise_id, data)
    return json_response(await _current(ctx, enterprise_id))


@bp.post(f"{BASE}/evidence")
@doc("Upload a photo as evidence (re-encoded as JPEG)", tag=TAG, multipart=UPLOAD,
     returns=ref("Registration"), status=201, errors=(403,))
async def add_evidence(request: Request, enterprise_id: int) -> HTTPResponse:
    """Upload a photo (multipart field `file`): 201; 422 not an image; 413 over the cap."""
    ctx = await service_context(request)
    upload = uploaded_file(request, "file")
    if upload is None:
        raise ValidationError(fields={"file": "请用 multipart/form-data 的 file 字段上传照片"})
    await service.add_evidence(ctx, enterprise_id, upload.body)
    return json_response(await _current(ctx, enterprise_id), status=201)


@bp.get(f"{BASE}/evidence/<evidence_id:int>")
@doc("One evidence photo", tag=TAG, media="image/jpeg", returns=BINARY, params=SIZE_PARAMS,
     errors=(403,))
async def evidence_image(request: Request, enterprise_id: int, evidence_id: int) -> HTTPResponse:
    """A photo (JPEG), `?size=thumb` for a small one; only that enterprise and supervision."""
    ctx = await service_context(request)
    data = await service.evidence_image(ctx, enterprise_id, evidence_id,
                                        thumbnail=request.args.get("size") == "thumb")
    return raw(data, content_type="image/jpeg", headers={
        # Personal evidence: the browser may keep it, shared caches may not.
        "Cache-Control": "private, max-age=3600",
        "Content-Disposition": "inline",
    })


@bp.delete(f"{BASE}/evidence/<evidence_id:int>")
@doc("Remove an evidence photo", tag=TAG, returns=ref("Registration"), errors=(403, 409))
async def remove_evidence(request: Request, enterprise_id: int, evidence_id: int) -> HTTPResponse:
    ctx = await service_context(request)
    await service.remove_evidence(ctx, enterprise_id, evidence_id)
    return json_response(await _current(ctx, enterprise_id))


@bp.post(f"{BASE}/verify")
@doc("Verify or reject the registration", tag=TAG, body=ref("VerifyInput"),
     returns=ref("Registration"), errors=(403, 409))
async def verify(request: Request, enterprise_id: int) -> HTTPResponse:
    """Supervision verifies `{verified: true}` or rejects `{verified: false, comment}`."""
    data = json_body(request)
    ctx = await service_context(request)
    token = data.get("review_token")
    await service.verify_registration(ctx, enterprise_id, data.get("verified"),
                                      data.get("comment") or "",
                                      review_token=None if token is None else str(token))
    return json_response(await _current(ctx, enterprise_id))


@bp.get("/traceability-registrations")
@doc("Registrations by verification state", tag=TAG, returns=items_of(ref("Registration")),
     params=VERIFICATION_PARAMS, errors=(403, 422))
async def queue(request: Request) -> HTTPResponse:
    """Supervision: registrations by verification state (default: waiting, oldest first)."""
    ctx = await service_context(request)
    state = (request.args.get("verification") or "pending").strip()
    if state not in {v.value for v in Verification}:
        raise ValidationError(fields={"verification": "应为 pending、verified 或 rejected"})
    rows = await service.registration_queue(ctx, Verification(state))
    return json_response({"items": [
        {**view.json(), "enterprise_name": enterprise.name} for enterprise, view in rows
    ]})
