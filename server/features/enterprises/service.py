"""Enterprises: registering them, finding them, keeping their profile, opening accounts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import AuditLog, Enterprise, User
from models.enums import EnterpriseStatus, LeadingLevel, Role
from models.rules import RuleError
from models.rules.credit_code import parse_credit_code
from models.rules.dates import parse_date
from server.core import audit
from server.core.context import ServiceContext
from server.core.county import County
from server.core.errors import Conflict, Forbidden, NotFound
from server.core.permissions import (
    is_supervision,
    require_enterprise_reader,
    require_enterprise_writer,
    require_supervision,
)
from server.core.validation import Fields, boolean, choice, text
from server.features.accounts.service import create_user

# What the enterprise keeps itself; everything else is official data kept by supervision.
STAFF_EDITABLE = ("legal_representative", "contact_name", "contact_phone", "address")
MAX_PAGE = 500


def enterprise_json(e: Enterprise, county: County) -> dict[str, Any]:
    industry = county.industry(e.industry)
    place = county.place(e.township)
    return {
        "id": e.id,
        "credit_code": e.credit_code,
        "name": e.name,
        "township": e.township,
        "township_kind": place.kind if place else None,
        "industry": e.industry,
        "industry_name": industry.name if industry else e.industry,
        "other_industries": list(e.other_industries or []),
        "leading_level": e.leading_level.value,
        "leading_level_label": e.leading_level.label,
        "above_scale": e.above_scale,
        "above_scale_since": e.above_scale_since,
        "legal_representative": e.legal_representative,
        "contact_name": e.contact_name,
        "contact_phone": e.contact_phone,
        "address": e.address,
        "status": e.status.value,
        "status_label": e.status.label,
        "created_at": e.created_at,
        "updated_at": e.updated_at,
    }


def place_parser(county: County):
    def parse(raw: Any) -> str:
        place = county.place(str(raw))
        if place is None:
            raise RuleError("所在地应为规划所列的乡镇、农场、林场或开发区")
        return place.name

    return parse


def industry_parser(county: County):
    def parse(raw: Any) -> str:
        industry = county.industry(str(raw))
        if industry is None:
            raise RuleError("产业应为规划所列的13个产业之一")
        return industry.code

    return parse


def _industry_list(county: County, raw: Any) -> list[str]:
    items = raw if isinstance(raw, list) else [s for s in str(raw or "").split(",") if s.strip()]
    parse = industry_parser(county)
    return sorted({parse(item) for item in items})


def _parse_profile(ctx: ServiceContext, data: dict, *, creating: bool) -> dict[str, Any]:
    """Checked profile fields from `data`; on update only the fields present."""
    county = ctx.county
    f = Fields(data)
    out: dict[str, Any] = {}

    def want(name: str) -> bool:
        return creating or f.present(name)

    specs = [
        ("credit_code", "统一社会信用代码", parse_credit_code, True),
        ("name", "企业名称", text(200, "企业名称"), True),
        ("township", "所在乡镇（农场）", place_parser(county), True),
        ("industry", "主营产业", industry_parser(county), True),
    ]
    for name, label, parser, required in specs:
        if want(name):
            value = f.required(name, label, parser) if required else f.optional(name, label, parser)
            out[name] = value
    if want("other_industries"):
        try:
            out["other_industries"] = _industry_list(county, data.get("other_industries"))
        except RuleError as exc:
            f.add("other_industries", str(exc))
    if want("leading_level"):
        out["leading_level"] = LeadingLevel(
            f.optional("leading_level", "龙头企业级别",
                       choice([m.value for m in LeadingLevel], "龙头企业级别"), "none") or "none"
        )
    if want("above_scale"):
        out["above_scale"] = bool(f.optional("above_scale", "规上企业", boolean, False))
    if want("above_scale_since"):
        out["above_scale_since"] = f.optional("above_scale_since", "纳入规上时间",
                                              lambda v: parse_date(v, "纳入规上时间"))
    for name, label, size in (
        ("legal_representative", "法定代表人", 64),
        ("contact_name", "联系人", 64),
        ("contact_phone", "联系电话", 32),
        ("address", "地址", 255),
    ):
        if want(name):
            out[name] = f.optional(name, label, text(size, label), "")
    if not creating and f.present("status"):
        out["status"] = EnterpriseStatus(
            f.required("status", "经营状态",
                       choice([m.value for m in EnterpriseStatus], "经营状态")) or "active"
        )
    f.raise_if_invalid()
    return out


async def create_enterprise(ctx: ServiceContext, data: dict) -> Enterprise:
    """Register an enterprise (supervision); 409 when its credit code is already known."""
    require_supervision(ctx.actor)
    fields = _parse_profile(ctx, data, creating=True)
    if await Enterprise.exists(credit_code=fields["credit_code"]):
        raise _duplicate_code()
    try:
        async with in_transaction():
            enterprise = await Enterprise.create(**fields)
            await audit.record(ctx.actor, "enterprise.create", enterprise,
                               after=audit.snapshot(enterprise), enterprise_id=enterprise.id,
                               ip=ctx.ip)
    except IntegrityError:  # lost a race with another request registering the same code
        raise _duplicate_code() from None
    return enterprise


def _duplicate_code() -> Conflict:
    message = "该统一社会信用代码的企业已存在"
    return Conflict(message, fields={"credit_code": message})


@dataclass(frozen=True)
class EnterprisePage:
    items: list[Enterprise]
    total: int
    limit: int
    offset: int


async def list_enterprises(
    ctx: ServiceContext,
    *,
    township: str | None = None,
    industry: str | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> EnterprisePage:
    """Enterprises matching the filters (supervision), by name; `q` matches name or code."""
    require_supervision(ctx.actor)
    f = Fields({"township": township, "industry": industry})
    place = f.optional("township", "所在地", place_parser(ctx.county))
    industry_code = f.optional("industry", "产业", industry_parser(ctx.county))
    f.raise_if_invalid()
    query = Enterprise.all()
    if place:
        query = query.filter(township=place)
    if industry_code:
        query = query.filter(Q(industry=industry_code))
    if q and q.strip():
        term = q.strip()[:100]
        query = query.filter(Q(name__icontains=term) | Q(credit_code__icontains=term.upper()))
    limit = max(1, min(int(limit), MAX_PAGE))
    offset = max(0, int(offset))
    total = await query.count()
    items = await query.order_by("name", "id").offset(offset).limit(limit)
    return EnterprisePage(items, total, limit, offset)


async def existing_enterprise(enterprise_id: int) -> Enterprise:
    """The enterprise, or 404. Check the permission first: staff asking for another
    enterprise then get 403 whether or not it exists."""
    enterprise = await Enterprise.get_or_none(id=enterprise_id)
    if enterprise is None:
        raise NotFound("企业不存在")
    return enterprise


async def get_enterprise(ctx: ServiceContext, enterprise_id: int) -> Enterprise:
    """One enterprise, for supervision or its own staff (403 for anyone else's)."""
    require_enterprise_reader(ctx.actor, enterprise_id)
    return await existing_enterprise(enterprise_id)


async def update_enterprise(ctx: ServiceContext, enterprise_id: int, data: dict) -> Enterprise:
    """Change the profile. Staff keep their contacts; official fields are supervision's."""
    require_enterprise_writer(ctx.actor, enterprise_id)
    changes = _parse_profile(ctx, data, creating=False)
    async with in_transaction():
        enterprise = await Enterprise.select_for_update().get_or_none(id=enterprise_id)
        if enterprise is None:
            raise NotFound("企业不存在")
        if not is_supervision(ctx.actor):
            locked = {
                name: "由监管部门维护，如需修改请联系市场监督管理局"
                for name, value in changes.items()
                if name not in STAFF_EDITABLE and getattr(enterprise, name) != value
            }
            if locked:
                raise Forbidden("只有监管部门可以修改企业的登记信息", fields=locked)
        if "credit_code" in changes and changes["credit_code"] != enterprise.credit_code:
            if await Enterprise.exists(credit_code=changes["credit_code"]):
                raise _duplicate_code()
        before = audit.snapshot(enterprise)
        for name, value in changes.items():
            setattr(enterprise, name, value)
        await enterprise.save()
        await audit.record(ctx.actor, "enterprise.update", enterprise, before=before,
                           after=audit.snapshot(enterprise), enterprise_id=enterprise.id,
                           ip=ctx.ip)
    return enterprise


async def create_staff_account(ctx: ServiceContext, enterprise_id: int, data: dict) -> User:
    """A staff (填报员) account for the enterprise, opened by supervision."""
    require_supervision(ctx.actor)
    enterprise = await existing_enterprise(enterprise_id)
    return await create_user(ctx, data, role=Role.STAFF, enterprise=enterprise)


async def audit_trail(ctx: ServiceContext, enterprise_id: int, *, limit: int = 50,
                      offset: int = 0) -> tuple[list[AuditLog], int]:
    """Every recorded change concerning the enterprise, newest first (supervision)."""
    require_supervision(ctx.actor)
    await existing_enterprise(enterprise_id)
    query = AuditLog.filter(enterprise_id=enterprise_id)
    limit = max(1, min(int(limit), MAX_PAGE))
    total = await query.count()
    entries = await query.order_by("-at", "-id").offset(max(0, int(offset))).limit(limit)
    return entries, total


async def staff_of(ctx: ServiceContext, enterprise_id: int) -> list[User]:
    require_supervision(ctx.actor)
    return await User.filter(enterprise_id=enterprise_id).order_by("id")
