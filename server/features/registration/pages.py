"""Pages: the enterprise records its traceability-platform registration with photos;
supervision verifies or rejects it (/review/registrations)."""

from __future__ import annotations

from urllib.parse import urlencode

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from models import Enterprise
from models.enums import Platform, Verification
from server.core.context import ServiceContext, service_context, supervision_context
from server.core.errors import ApiError, NotFound
from server.core.flash import redirect_with_flash
from server.core.http import form_fields
from server.core.rendering import render
from server.features.registration import service
from server.features.registration.service import MAX_PHOTOS
from server.features.reports.pages import own_enterprise_id, review_tabs

bp = Blueprint("registration_pages")
FIELDS = ("platform", "registration_no", "registered_on")
# The page offers the camera and the photo album as two pickers; the API's field is `file`.
UPLOAD_FIELDS = ("file", "file_album")


def _values(view: service.RegistrationView | None) -> dict[str, str]:
    if view is None:
        return {}
    r = view.registration
    return {"platform": r.platform.value, "registration_no": r.registration_no,
            "registered_on": r.registered_on.isoformat()}


async def _page(request: Request, ctx: ServiceContext, enterprise_id: int, *,
                values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                status: int = 200) -> HTTPResponse:
    view = await service.get_registration(ctx, enterprise_id)
    return render(request, "registration/page.html", status=status, view=view,
                  values=_values(view) if values is None else values, errors=errors or {},
                  platform_options=Platform.choices(), max_photos=MAX_PHOTOS,
                  max_mb=f"{ctx.settings.UPLOAD_MAX_BYTES / 1024 / 1024:g}")


@bp.get("/registration")
async def registration_page(request: Request) -> HTTPResponse:
    """The registration (platform, 主体码, date), its photos and its verification."""
    ctx = await service_context(request)
    return await _page(request, ctx, own_enterprise_id(ctx.actor))


@bp.post("/registration")
async def registration_submit(request: Request) -> HTTPResponse:
    ctx = await service_context(request)
    enterprise_id = own_enterprise_id(ctx.actor)
    form = form_fields(request)
    try:
        await service.save_registration(ctx, enterprise_id, {k: form.get(k, "") for k in FIELDS})
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        return await _page(request, ctx, enterprise_id, values=form, errors=exc.fields,
                           status=exc.status)
    return redirect_with_flash(request, "/registration", "注册信息已保存，等待监管部门核验")


@bp.post("/registration/evidence")
async def evidence_submit(request: Request) -> HTTPResponse:
    """Upload the photo(s) picked from the camera or the album."""
    ctx = await service_context(request)
    enterprise_id = own_enterprise_id(ctx.actor)
    files = request.files   # an empty picker may send nothing at all
    uploads = [f for name in UPLOAD_FIELDS for f in (files.getlist(name, []) if files else [])
               if f.body]
    if not uploads:
        return await _page(request, ctx, enterprise_id, errors={"file": "请先拍照或选择照片"},
                           status=422)
    for upload in uploads:
        try:
            await service.add_evidence(ctx, enterprise_id, upload.body)
        except ApiError as exc:
            if exc.status not in (409, 413, 422):
                raise
            return await _page(request, ctx, enterprise_id,
                               errors={"file": exc.fields.get("file", exc.message)},
                               status=exc.status)
    return redirect_with_flash(request, "/registration",
                               f"已上传{len(uploads)}张照片，等待监管部门核验")


@bp.post("/registration/evidence/<evidence_id:int>/delete")
async def evidence_delete(request: Request, evidence_id: int) -> HTTPResponse:
    ctx = await service_context(request)
    enterprise_id = own_enterprise_id(ctx.actor)
    await service.remove_evidence(ctx, enterprise_id, evidence_id)
    return redirect_with_flash(request, "/registration", "照片已删除")


# --- supervision review --------------------------------------------------------------

REVIEW_STATES = [(Verification.PENDING, "待核验"), (Verification.REJECTED, "未通过"),
                 (Verification.VERIFIED, "已核验")]


@bp.get("/review/registrations")
async def review_queue_page(request: Request) -> HTTPResponse:
    """Registrations waiting for verification, with their photos."""
    ctx = await supervision_context(request)
    raw = request.args.get("verification") or Verification.PENDING.value
    state = Verification(raw) if raw in {v.value for v, _ in REVIEW_STATES} \
        else Verification.PENDING
    rows = await service.registration_queue(ctx, state)
    states = [(v, label, "/review/registrations?" + urlencode({"verification": v.value}))
              for v, label in REVIEW_STATES]
    return render(request, "registration/review_list.html", rows=rows, state=state,
                  states=states, tabs=await review_tabs(ctx))


async def _review_page(request: Request, ctx: ServiceContext, enterprise_id: int, *,
                       errors: dict[str, str] | None = None, message: str | None = None,
                       values: dict[str, str] | None = None, status: int = 200) -> HTTPResponse:
    enterprise = await Enterprise.get_or_none(id=enterprise_id)
    view = await service.get_registration(ctx, enterprise_id)
    if enterprise is None or view is None:
        raise NotFound("该企业尚未填写追溯平台注册信息")
    return render(request, "registration/review.html", status=status, enterprise=enterprise,
                  view=view, errors=errors or {}, message=message, values=values or {},
                  tabs=await review_tabs(ctx))


@bp.get("/review/registrations/<enterprise_id:int>")
async def review_page(request: Request, enterprise_id: int) -> HTTPResponse:
    """One registration: data, photos at full width, verify / reject with a comment."""
    ctx = await supervision_context(request)
    return await _review_page(request, ctx, enterprise_id)


@bp.post("/review/registrations/<enterprise_id:int>/verify")
async def review_decide(request: Request, enterprise_id: int) -> HTTPResponse:
    ctx = await supervision_context(request)
    form = form_fields(request)
    decision = form.get("decision")
    comment = form.get("comment", "")
    try:
        await service.verify_registration(
            ctx, enterprise_id, {"verify": True, "reject": False}.get(decision or "", decision),
            comment, review_token=form.get("review_token") or None)
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        return await _review_page(request, ctx, enterprise_id, errors=exc.fields,
                                  message=exc.message, values={"comment": comment},
                                  status=exc.status)
    name = (await Enterprise.get(id=enterprise_id)).name
    done = "已核验通过" if decision == "verify" else "已退回，核验未通过"
    return redirect_with_flash(request, "/review/registrations", f"{name}的追溯平台注册{done}")
