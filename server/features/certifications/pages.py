"""Pages: the enterprise's certificates and brand authorisations (list, add, correct)."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from models.enums import AnnualInspection, CertificateKind, RecordSource
from server.core.context import service_context
from server.core.errors import ApiError
from server.core.flash import redirect_with_flash
from server.core.http import form_fields
from server.core.rendering import render
from server.features.certifications import service
from server.features.reports.pages import own_enterprise_id

bp = Blueprint("certifications_pages")
FIELDS = ("kind", "certificate_no", "product_name", "issued_on", "expires_on", "annual_inspection")


def _choices() -> dict:
    return {"kind_options": CertificateKind.choices(),
            "inspection_options": AnnualInspection.choices()}


def _values(cert) -> dict[str, str]:
    return {
        "kind": cert.kind.value, "certificate_no": cert.certificate_no,
        "product_name": cert.product_name, "issued_on": cert.issued_on.isoformat(),
        "expires_on": cert.expires_on.isoformat(),
        "annual_inspection": cert.annual_inspection.value,
    }


@bp.get("/certifications")
async def list_page(request: Request) -> HTTPResponse:
    """Every certificate with its validity today; expiring ones first."""
    ctx = await service_context(request)
    enterprise_id = own_enterprise_id(ctx.actor)
    views = await service.list_certifications(ctx, enterprise_id)
    return render(request, "certifications/list.html", views=views,
                  warn_days=ctx.settings.CERT_EXPIRY_WARN_DAYS)


@bp.get("/certifications/new")
async def new_page(request: Request) -> HTTPResponse:
    ctx = await service_context(request)
    own_enterprise_id(ctx.actor)
    return render(request, "certifications/form.html", cert=None, locked=False,
                  values={"annual_inspection": "not_due"}, errors={}, message=None,
                  **_choices())


@bp.post("/certifications/new")
async def create_submit(request: Request) -> HTTPResponse:
    ctx = await service_context(request)
    enterprise_id = own_enterprise_id(ctx.actor)
    form = form_fields(request)
    try:
        await service.create_certification(ctx, enterprise_id,
                                           {k: form.get(k, "") for k in FIELDS})
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        return render(request, "certifications/form.html", status=exc.status, cert=None,
                      locked=False, values=form, errors=exc.fields,
                      message=None if exc.fields else exc.message, **_choices())
    return redirect_with_flash(request, "/certifications", "证书已添加")


@bp.get("/certifications/<cert_id:int>/edit")
async def edit_page(request: Request, cert_id: int) -> HTTPResponse:
    ctx = await service_context(request)
    enterprise_id = own_enterprise_id(ctx.actor)
    cert = await service.get_certification(ctx, enterprise_id, cert_id)
    return render(request, "certifications/form.html", cert=service.view(ctx, cert),
                  locked=cert.source == RecordSource.IMPORT, values=_values(cert), errors={},
                  message=None, **_choices())


@bp.post("/certifications/<cert_id:int>/edit")
async def edit_submit(request: Request, cert_id: int) -> HTTPResponse:
    ctx = await service_context(request)
    enterprise_id = own_enterprise_id(ctx.actor)
    cert = await service.get_certification(ctx, enterprise_id, cert_id)
    locked = cert.source == RecordSource.IMPORT
    form = form_fields(request)
    # Official-list certificates: only the annual inspection is the enterprise's to change.
    fields = ("annual_inspection",) if locked else FIELDS
    try:
        await service.update_certification(ctx, enterprise_id, cert_id,
                                           {k: form.get(k, "") for k in fields})
    except ApiError as exc:
        if exc.status not in (403, 409, 422):
            raise
        values = {**_values(cert), **form} if locked else form
        return render(request, "certifications/form.html", status=exc.status,
                      cert=service.view(ctx, cert), locked=locked, values=values,
                      errors=exc.fields, message=None if exc.fields else exc.message,
                      **_choices())
    return redirect_with_flash(request, "/certifications", "证书信息已保存")
