"""Pages: supervision registers and browses enterprises; staff keep their own profile."""

from __future__ import annotations

from math import ceil
from urllib.parse import urlencode

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from models.enums import LeadingLevel
from server.core.audit import changed_fields, describe
from server.core.context import ServiceContext, service_context, supervision_context
from server.core.errors import ApiError, NotFound, ValidationError
from server.core.flash import redirect_with_flash
from server.core.http import form_fields, page_number
from server.core.permissions import require_login
from server.core.rendering import render
from server.features.accounts.service import update_user
from server.features.enterprises import service

bp = Blueprint("enterprises_pages")
PAGE_SIZE = 30
PROFILE_FIELDS = (
    "credit_code", "name", "township", "industry", "leading_level", "above_scale",
    "above_scale_since", "legal_representative", "contact_name", "contact_phone", "address",
)


def _choices(ctx: ServiceContext) -> dict:
    return {
        "place_options": [(p.name, f"{p.name}（{p.kind_label}）") for p in ctx.county.places],
        "industry_options": [(i.code, i.name) for i in ctx.county.industries],
        "level_options": LeadingLevel.choices(),
    }


def _profile_values(enterprise) -> dict:
    values = {name: getattr(enterprise, name) for name in PROFILE_FIELDS}
    values["leading_level"] = enterprise.leading_level.value
    values["above_scale"] = "1" if enterprise.above_scale else ""
    values["above_scale_since"] = (
        enterprise.above_scale_since.isoformat() if enterprise.above_scale_since else ""
    )
    return values


def _form_profile(form: dict) -> dict:
    data = {name: form.get(name, "") for name in PROFILE_FIELDS}
    data["above_scale"] = "1" if form.get("above_scale") else "0"  # unchecked boxes send nothing
    return data


@bp.get("/enterprises")
async def list_page(request: Request) -> HTTPResponse:
    """Supervision's list of enterprises, searchable by name or code, by place and industry."""
    ctx = await supervision_context(request)
    filters = {k: (request.args.get(k) or "").strip() for k in ("township", "industry", "q")}
    page_no = page_number(request)
    errors: dict[str, str] = {}
    try:
        page = await service.list_enterprises(
            ctx, township=filters["township"] or None, industry=filters["industry"] or None,
            q=filters["q"] or None, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE,
        )
    except ValidationError as exc:
        errors = exc.fields
        page = await service.list_enterprises(ctx, limit=PAGE_SIZE)
    pages = max(1, ceil(page.total / PAGE_SIZE))

    def page_url(number: int) -> str:
        return "/enterprises?" + urlencode({**{k: v for k, v in filters.items() if v},
                                            "page": number})

    return render(
        request, "enterprises/list.html", page=page, filters=filters, errors=errors,
        page_no=page_no, pages=pages,
        prev_url=page_url(page_no - 1) if page_no > 1 else None,
        next_url=page_url(page_no + 1) if page_no < pages else None,
        **_choices(ctx),
    )


@bp.get("/enterprises/new")
async def new_page(request: Request) -> HTTPResponse:
    """Form to register an enterprise."""
    ctx = await supervision_context(request)
    return render(request, "enterprises/form.html", enterprise=None, values={}, errors={},
                  **_choices(ctx))


@bp.post("/enterprises/new")
async def create_submit(request: Request) -> HTTPResponse:
    """Register the enterprise, or show the form again with each problem by its field."""
    ctx = await supervision_context(request)
    form = form_fields(request)
    try:
        enterprise = await service.create_enterprise(ctx, _form_profile(form))
    except (ValidationError, ApiError) as exc:
        if exc.status not in (409, 422):
            raise
        return render(request, "enterprises/form.html", status=exc.status, enterprise=None,
                      values=form, errors=exc.fields, **_choices(ctx))
    return redirect_with_flash(request, f"/enterprises/{enterprise.id}", "企业已登记")


def _user_choices(users) -> list[tuple[str, str]]:
    return [(str(u.id), f"{u.name}（{u.phone}）") for u in users]


@bp.get("/enterprises/<enterprise_id:int>")
async def detail_page(request: Request, enterprise_id: int) -> HTTPResponse:
    """One enterprise's profile and accounts, with a form to open a staff account."""
    ctx = await supervision_context(request)
    enterprise = await service.get_enterprise(ctx, enterprise_id)
    users = await service.staff_of(ctx, enterprise_id)
    return render(request, "enterprises/detail.html", enterprise=enterprise, users=users,
                  user_choices=_user_choices(users), values={}, errors={})


@bp.post("/enterprises/<enterprise_id:int>/users/<user_id:int>/active")
async def staff_active_submit(request: Request, enterprise_id: int,
                              user_id: int) -> HTTPResponse:
    """Disable (or enable again) one of the enterprise's staff accounts."""
    ctx = await supervision_context(request)
    users = await service.staff_of(ctx, enterprise_id)
    if user_id not in {u.id for u in users}:
        raise NotFound("该企业没有这个账号")
    active = form_fields(request).get("active") == "1"
    await update_user(ctx, user_id, {"is_active": active})
    return redirect_with_flash(request, f"/enterprises/{enterprise_id}",
                               "账号已启用" if active else "账号已停用，已退出所有登录")


@bp.post("/enterprises/<enterprise_id:int>/users/password")
async def staff_password_submit(request: Request, enterprise_id: int) -> HTTPResponse:
    """Set a new password for one of the enterprise's staff who forgot theirs."""
    ctx = await supervision_context(request)
    form = form_fields(request)
    users = await service.staff_of(ctx, enterprise_id)
    chosen = next((u for u in users if str(u.id) == form.get("user_id", "")), None)
    try:
        if chosen is None:
            raise ValidationError(fields={"user_id": "请选择该企业的一个账号"})
        await update_user(ctx, chosen.id, {"password": form.get("new_password", "")})
    except ValidationError as exc:
        enterprise = await service.get_enterprise(ctx, enterprise_id)
        fields = {("new_password" if k == "password" else k): v for k, v in exc.fields.items()}
        return render(request, "enterprises/detail.html", status=422, enterprise=enterprise,
                      users=users, user_choices=_user_choices(users), values={}, errors={},
                      reset_values=form, reset_errors=fields)
    return redirect_with_flash(request, f"/enterprises/{enterprise_id}",
                               f"已为{chosen.name}设置新密码，其所有设备已退出登录")


@bp.post("/enterprises/<enterprise_id:int>/users")
async def create_staff_submit(request: Request, enterprise_id: int) -> HTTPResponse:
    """Open a staff account; the new person logs in with the phone and this password."""
    ctx = await supervision_context(request)
    form = form_fields(request)
    try:
        await service.create_staff_account(ctx, enterprise_id, form)
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        enterprise = await service.get_enterprise(ctx, enterprise_id)
        users = await service.staff_of(ctx, enterprise_id)
        values = {k: v for k, v in form.items() if k != "password"}
        return render(request, "enterprises/detail.html", status=exc.status,
                      enterprise=enterprise, users=users, user_choices=_user_choices(users),
                      values=values, errors=exc.fields)
    return redirect_with_flash(request, f"/enterprises/{enterprise_id}", "填报账号已开通")


@bp.get("/enterprises/<enterprise_id:int>/audit")
async def audit_page(request: Request, enterprise_id: int) -> HTTPResponse:
    """The enterprise's change history: who, when, and what changed from what."""
    ctx = await service_context(request)
    enterprise = await service.get_enterprise(ctx, enterprise_id)
    entries, total = await service.audit_trail(ctx, enterprise_id, limit=100)
    return render(request, "enterprises/audit.html", enterprise=enterprise, total=total,
                  entries=[(e, describe(e), changed_fields(e)) for e in entries])


@bp.get("/enterprises/<enterprise_id:int>/edit")
async def edit_page(request: Request, enterprise_id: int) -> HTTPResponse:
    """Form to change an enterprise's registered profile."""
    ctx = await supervision_context(request)
    enterprise = await service.get_enterprise(ctx, enterprise_id)
    return render(request, "enterprises/form.html", enterprise=enterprise,
                  values=_profile_values(enterprise), errors={}, **_choices(ctx))


@bp.post("/enterprises/<enterprise_id:int>/edit")
async def edit_submit(request: Request, enterprise_id: int) -> HTTPResponse:
    """Save the profile, or show the form again with the problems."""
    ctx = await supervision_context(request)
    form = form_fields(request)
    try:
        await service.update_enterprise(ctx, enterprise_id, _form_profile(form))
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        enterprise = await service.get_enterprise(ctx, enterprise_id)
        return render(request, "enterprises/form.html", status=exc.status,
                      enterprise=enterprise, values=form, errors=exc.fields, **_choices(ctx))
    return redirect_with_flash(request, f"/enterprises/{enterprise_id}", "企业信息已保存")


@bp.get("/enterprise")
async def own_page(request: Request) -> HTTPResponse:
    """Staff: their enterprise's profile; contacts can be corrected here."""
    ctx = await service_context(request)
    user = require_login(ctx.actor)
    if user.enterprise_id is None:
        return redirect_with_flash(request, "/", "监管账号没有所属企业")
    enterprise = await service.get_enterprise(ctx, user.enterprise_id)
    return render(request, "enterprises/own.html", enterprise=enterprise,
                  values=_profile_values(enterprise), errors={})


@bp.post("/enterprise")
async def own_submit(request: Request) -> HTTPResponse:
    """Staff: save the contacts of their enterprise."""
    ctx = await service_context(request)
    user = require_login(ctx.actor)
    if user.enterprise_id is None:
        return redirect_with_flash(request, "/", "监管账号没有所属企业")
    form = form_fields(request)
    data = {name: form.get(name, "") for name in service.STAFF_EDITABLE}
    try:
        await service.update_enterprise(ctx, user.enterprise_id, data)
    except ValidationError as exc:
        enterprise = await service.get_enterprise(ctx, user.enterprise_id)
        return render(request, "enterprises/own.html", status=422, enterprise=enterprise,
                      values=form, errors=exc.fields)
    return redirect_with_flash(request, "/enterprise", "联系信息已保存")
