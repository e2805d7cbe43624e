"""JSON API: an enterprise's certificates and brand authorisations, with their validity."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from server.core.context import service_context
from server.core.http import json_body
from server.core.jsonutil import json_response
from server.core.openapi import doc
from server.core.openapi_schemas import items_of, ref
from server.features.certifications import service

bp = Blueprint("certifications_api")

TAG = "certifications"



@bp.post("/enterprises/<enterprise_id:int>/certifications")
@doc("Record a certificate", tag=TAG, body=ref("CertificationInput"), returns=ref("Certification"),
     status=201, errors=(403, 409))
async def create(request: Request, enterprise_id: int) -> HTTPResponse:
    """Record a certificate: 201; 422 for bad dates (expiry before issue); 409 known number."""
    data = json_body(request)
    ctx = await service_context(request)
    cert = await service.create_certification(ctx, enterprise_id, data)
    return json_response(service.view(ctx, cert).json(), status=201)


@bp.get("/enterprises/<enterprise_id:int>/certifications")
@doc("The enterprise's certificates with their validity", tag=TAG,
     returns=items_of(ref("Certification")), errors=(403,))
async def list_(request: Request, enterprise_id: int) -> HTTPResponse:
    """The enterprise's certificates, each with its validity status today."""
    ctx = await service_context(request)
    views = await service.list_certifications(ctx, enterprise_id)
    return json_response({"items": [v.json() for v in views]})


@bp.get("/enterprises/<enterprise_id:int>/certifications/<cert_id:int>")
@doc("One certificate", tag=TAG, returns=ref("Certification"), errors=(403,))
async def get(request: Request, enterprise_id: int, cert_id: int) -> HTTPResponse:
    ctx = await service_context(request)
    cert = await service.get_certification(ctx, enterprise_id, cert_id)
    return json_response(service.view(ctx, cert).json())


@bp.patch("/enterprises/<enterprise_id:int>/certifications/<cert_id:int>")
@doc("Correct a certificate or record its annual inspection", tag=TAG,
     body=ref("CertificationPatch"), returns=ref("Certification"), errors=(403, 409))
async def update(request: Request, enterprise_id: int, cert_id: int) -> HTTPResponse:
    """Correct a certificate or record its annual inspection (年检)."""
    data = json_body(request)
    ctx = await service_context(request)
    cert = await service.update_certification(ctx, enterprise_id, cert_id, data)
    return json_response(service.view(ctx, cert).json())
