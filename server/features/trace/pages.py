"""Staff pages: products, batches, their history, codes and labels - from a phone."""

from __future__ import annotations

from math import ceil

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from models.enums import CodeStatus, EventType
from server.core import clock
from server.core.context import ServiceContext, service_context
from server.core.errors import ApiError
from server.core.flash import redirect_with_flash
from server.core.http import form_fields, page_number
from server.core.permissions import is_supervision, require_login
from server.core.rendering import render
from server.features.enterprises.service import get_enterprise
from server.features.trace import service
from server.features.trace.api import forget_batch

bp = Blueprint("trace_pages")
CODES_PAGE = 50


def _form_error(exc: ApiError) -> bool:
    return exc.status in (409, 422)


def _industries(ctx: ServiceContext) -> list[tuple[str, str]]:
    return [(i.code, i.name) for i in ctx.county.industries]


async def _own_enterprise_id(request: Request, ctx: ServiceContext) -> int:
    user = require_login(ctx.actor)
    if user.enterprise_id is not None:
        return user.enterprise_id
    if is_supervision(user):       # supervision looks at one enterprise's products
        raw = request.args.get("enterprise_id", "")
        if raw.isdigit():
            return int(raw)
    raise ApiError("请从企业详情进入产品追溯", fields={})


# -- products ---------------------------------------------------------------------------------

@bp.get("/products")
async def products_page(request: Request) -> HTTPResponse:
    ctx = await service_context(request)
    enterprise_id = await _own_enterprise_id(request, ctx)
    enterprise = await get_enterprise(ctx, enterprise_id)
    products = await service.list_products(ctx, enterprise_id)
    return render(request, "trace/products.html", enterprise=enterprise, products=products,
                  can_write=not is_supervision(ctx.actor))


async def _product_form(request: Request, ctx: ServiceContext, enterprise_id: int, *,
                        values: dict, errors: dict, status: int = 200) -> HTTPResponse:
    certs = await service.certification_choices(ctx, enterprise_id)
    cert_options = [(str(c.id), f"{c.kind.label} · {c.product_name} · {c.certificate_no}")
                    for c in certs]
    return render(request, "trace/product_form.html", status=status, values=values,
                  errors=errors, industry_options=_industries(ctx), cert_options=cert_options)


@bp.get("/products/new")
async def product_new(request: Request) -> HTTPResponse:
    ctx = await service_context(request)
    user = require_login(ctx.actor)
    service.require_enterprise_staff(user, user.enterprise_id or 0)
    enterprise = await get_enterprise(ctx, user.enterprise_id)
    return await _product_form(request, ctx, user.enterprise_id,
                               values={"industry": enterprise.industry}, errors={})


@bp.post("/products/new")
async def product_create(request: Request) -> HTTPResponse:
    ctx = await service_context(request)
    user = require_login(ctx.actor)
    form = form_fields(request)
    try:
        product = await service.create_product(ctx, user.enterprise_id or 0, form)
    except ApiError as exc:
        if not _form_error(exc):
            raise
        return await _product_form(request, ctx, user.enterprise_id, values=form,
                                   errors=exc.fields, status=exc.status)
    return redirect_with_flash(request, f"/products/{product.id}", "产品已添加")


@bp.get("/products/<product_id:int>")
async def product_page(request: Request, product_id: int) -> HTTPResponse:
    ctx = await service_context(request)
    product = await service.get_product(ctx, product_id)
    batches = await service.list_batches(ctx, product_id)
    certification = await product.certification if product.certification_id else None
    industry = ctx.county.industry(product.industry)
    return render(request, "trace/product.html", product=product, batches=batches,
                  certification=certification,
                  industry_name=industry.name if industry else product.industry,
                  can_write=not is_supervision(ctx.actor))


@bp.get("/products/<product_id:int>/batches/new")
async def batch_new(request: Request, product_id: int) -> HTTPResponse:
    ctx = await service_context(request)
    product = await service.get_product(ctx, product_id, write=True)
    return render(request, "trace/batch_form.html", product=product, errors={},
                  values={"production_date": clock.today().isoformat(), "quantity_unit": "件",
                          "batch_no": f"{clock.today():%Y%m%d}-01"})


@bp.post("/products/<product_id:int>/batches/new")
async def batch_create(request: Request, product_id: int) -> HTTPResponse:
    ctx = await service_context(request)
    form = form_fields(request)
    try:
        batch = await service.create_batch(ctx, product_id, form)
    except ApiError as exc:
        if not _form_error(exc):
            raise
        product = await service.get_product(ctx, product_id, write=True)
        return render(request, "trace/batch_form.html", status=exc.status, product=product,
                      values=form, errors=exc.fields)
    return redirect_with_flash(request, f"/batches/{batch.id}",
                               "批次已创建，可以记录生产过程并生成追溯码")


# -- batches ----------------------------------------------------------------------------------

@bp.get("/batches/<batch_id:int>")
async def batch_page(request: Request, batch_id: int) -> HTTPResponse:
    ctx = await service_context(request)
    batch = await service.get_batch(ctx, batch_id)
    events = await service.list_events(ctx, batch_id)
    stats = await service.code_stats(batch_id)
    page_no = page_number(request)
    codes, total = await service.list_codes(ctx, batch_id, limit=CODES_PAGE,
                                            offset=(page_no - 1) * CODES_PAGE)
    corrected = {e.corrects_id for e in events if e.corrects_id}
    return render(request, "trace/batch.html", batch=batch, product=batch.product,
                  events=events, corrected=corrected, stats=stats, codes=codes,
                  page_no=page_no, pages=max(1, ceil(total / CODES_PAGE)),
                  can_write=not is_supervision(ctx.actor), values={}, errors={},
                  warn_at=ctx.settings.SCAN_WARN_THRESHOLD)


@bp.post("/batches/<batch_id:int>/codes")
async def codes_issue(request: Request, batch_id: int) -> HTTPResponse:
    ctx = await service_context(request)
    form = form_fields(request)
    try:
        codes = await service.issue_codes(ctx, batch_id, form)
    except ApiError as exc:
        if not _form_error(exc):
            raise
        return redirect_with_flash(request, f"/batches/{batch_id}",
                                   next(iter(exc.fields.values()), exc.message))
    return redirect_with_flash(request, f"/batches/{batch_id}",
                               f"已生成{len(codes)}个追溯码，可下载标签打印")


async def _event_form(request: Request, ctx: ServiceContext, batch_id: int, *, values: dict,
                      errors: dict, status: int = 200) -> HTTPResponse:
    batch = await service.get_batch(ctx, batch_id, write=True)
    events = await service.list_events(ctx, batch_id)
    return render(request, "trace/event_form.html", status=status, batch=batch,
                  product=batch.product, values=values, errors=errors,
                  type_options=EventType.choices(),
                  corrects_options=[(str(e.id), f"{e.type.label} · {clock.local(e.at):%m-%d %H:%M}"
                                     f" · {e.location}") for e in events])


@bp.get("/batches/<batch_id:int>/events/new")
async def event_new(request: Request, batch_id: int) -> HTTPResponse:
    ctx = await service_context(request)
    values = {"at": f"{clock.local(clock.now()):%Y-%m-%dT%H:%M}",
              "corrects": request.args.get("corrects", "")}
    return await _event_form(request, ctx, batch_id, values=values, errors={})


@bp.post("/batches/<batch_id:int>/events/new")
async def event_create(request: Request, batch_id: int) -> HTTPResponse:
    ctx = await service_context(request)
    form = form_fields(request)
    try:
        await service.add_event(ctx, batch_id, form)
    except ApiError as exc:
        if not _form_error(exc):
            raise
        return await _event_form(request, ctx, batch_id, values=form, errors=exc.fields,
                                 status=exc.status)
    forget_batch(request, batch_id)
    return redirect_with_flash(request, f"/batches/{batch_id}", "生产过程记录已添加")


# -- one code ---------------------------------------------------------------------------------

@bp.get("/codes/<code:str>")
async def code_page(request: Request, code: str) -> HTTPResponse:
    ctx = await service_context(request)
    found = await service.get_code(ctx, code)
    return render(request, "trace/code.html", code=found, batch=found.batch,
                  product=found.batch.product, url=service.code_url(ctx, found.code),
                  values={}, errors={}, active=found.status == CodeStatus.ACTIVE,
                  can_label=service.is_staff_of(ctx.actor, found.batch.product.enterprise_id))


@bp.post("/codes/<code:str>/void")
async def code_void(request: Request, code: str) -> HTTPResponse:
    ctx = await service_context(request)
    form = form_fields(request)
    try:
        voided = await service.void_code(ctx, code, form)
    except ApiError as exc:
        if not _form_error(exc):
            raise
        found = await service.get_code(ctx, code)
        return render(request, "trace/code.html", status=exc.status, code=found,
                      batch=found.batch, product=found.batch.product,
                      url=service.code_url(ctx, found.code), values=form,
                      errors=exc.fields or {"reason": exc.message},
                      active=found.status == CodeStatus.ACTIVE,
                      can_label=service.is_staff_of(ctx.actor,
                                                    found.batch.product.enterprise_id))
    return redirect_with_flash(request, f"/codes/{voided.code}", "追溯码已作废，扫码将显示已作废")
