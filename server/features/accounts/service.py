"""Accounts: logging in (with throttling), creating users, passwords and API tokens."""

from __future__ import annotations

import logging
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import ApiToken, Enterprise, User, UserSession
from models.enums import Role
from models.rules import RuleError
from models.rules.password import check_password
from models.rules.phone import parse_phone
from server.core import audit, clock, throttle
from server.core.auth import API_TOKEN_PREFIX
from server.core.context import ServiceContext
from server.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    TooManyRequests,
    Unauthorized,
    ValidationError,
)
from server.core.permissions import is_supervision, require_admin, require_login
from server.core.security import new_token, token_hash
from server.core.validation import Fields, boolean, text

log = logging.getLogger("hulin.security")

WRONG_LOGIN = "手机号或密码错误"
USER_SECRET_FIELDS = ("password_hash",)
# An address shared by many people (an office NAT) gets more room than one phone.
IP_FAILURE_FACTOR = 4


def user_json(user: User) -> dict:
    return {
        "id": user.id,
        "phone": user.phone,
        "name": user.name,
        "role": user.role.value,
        "role_label": user.role.label,
        "enterprise_id": user.enterprise_id,
        "is_active": user.is_active,
    }


async def log_in(ctx: ServiceContext, phone_raw: object, password: object) -> User:
    """The user for these credentials; 401 when wrong, 429 after repeated failures.

    The same message and (through a dummy hash) the same time for an unknown phone and
    a wrong password, so log-in does not reveal which phones have accounts.
    """
    f = Fields({"phone": phone_raw, "password": password})
    f.required("phone", "手机号", str)
    f.required("password", "密码", str)
    f.raise_if_invalid()
    try:
        phone = parse_phone(phone_raw)
    except RuleError:
        phone = str(phone_raw).strip()[:20]
    settings = ctx.settings
    window = timedelta(minutes=settings.LOGIN_WINDOW_MINUTES)
    phone_key, ip_key = f"login:phone:{phone}", f"login:ip:{ctx.ip}"
    for key, limit in (
        (phone_key, settings.LOGIN_MAX_FAILURES),
        (ip_key, settings.LOGIN_MAX_FAILURES * IP_FAILURE_FACTOR),
    ):
        if await throttle.count(key, window) >= limit:
            log.warning("log-in throttled for %s", key)
            raise TooManyRequests(
                "登录失败次数过多，请稍后再试",
                retry_after=await throttle.retry_after(key, window, limit),
            )

    user = await User.get_or_none(phone=phone)
    ok = await ctx.passwords.verify(user.password_hash if user else None, str(password))
    if not ok or user is None or not user.is_active:
        await throttle.hit(phone_key, ip_key)
        log.info("failed log-in for phone %s from %s", phone, ctx.ip)
        raise Unauthorized(WRONG_LOGIN)

    await throttle.clear(phone_key)
    updates = {"last_login_at": clock.now()}
    if ctx.passwords.needs_rehash(user.password_hash):
        updates["password_hash"] = await ctx.passwords.hash(str(password))
    await User.filter(id=user.id).update(**updates)
    log.info("log-in of user %s from %s", user.id, ctx.ip)
    return user


def _parse_new_user(data: dict, *, needs_password: bool = True) -> tuple[str, str, str]:
    f = Fields(data)
    phone = f.required("phone", "手机号", parse_phone)
    name = f.required("name", "姓名", text(64, "姓名"))
    password = data.get("password")
    if needs_password:
        try:
            check_password(password, phone=phone or "")
        except RuleError as exc:
            f.add("password", str(exc))
    f.raise_if_invalid()
    return phone, name, password  # type: ignore[return-value]


async def create_user(
    ctx: ServiceContext,
    data: dict,
    *,
    role: Role,
    enterprise: Enterprise | None = None,
) -> User:
    """A new account. Staff belong to one enterprise; admins and supervisors to none.

    `ctx.actor` None means the command line (the operator of the server).
    """
    if ctx.actor is not None:
        if role == Role.STAFF:
            if not is_supervision(ctx.actor):
                raise Forbidden("只有监管人员可以为企业开设账号")
        else:
            require_admin(ctx.actor)
    if (role == Role.STAFF) != (enterprise is not None):
        raise ValidationError(fields={"role": "企业填报员必须属于一家企业，监管账号不属于企业"})
    phone, name, password = _parse_new_user(data)
    password_hash = await ctx.passwords.hash(password)
    try:
        async with in_transaction():
            user = await User.create(
                phone=phone,
                name=name,
                password_hash=password_hash,
                role=role,
                enterprise=enterprise,
                password_changed_at=clock.now(),
            )
            await audit.record(
                ctx.actor, "user.create", user,
                after=audit.snapshot(user, exclude=USER_SECRET_FIELDS),
                enterprise_id=enterprise.id if enterprise else None, ip=ctx.ip,
            )
    except IntegrityError:
        raise Conflict("该手机号已有账号", fields={"phone": "该手机号已有账号"}) from None
    return user


async def change_password(ctx: ServiceContext, current: object, new: object) -> None:
    """Change one's own password; every other session of the user ends."""
    user = require_login(ctx.actor)
    fresh = await User.get(id=user.id)
    if not await ctx.passwords.verify(fresh.password_hash, str(current or "")):
        raise ValidationError(fields={"current_password": "当前密码不正确"})
    try:
        check_password(new, phone=fresh.phone)  # type: ignore[arg-type]
    except RuleError as exc:
        raise ValidationError(fields={"new_password": str(exc)}) from None
    new_hash = await ctx.passwords.hash(str(new))
    async with in_transaction():
        before = audit.snapshot(fresh, exclude=USER_SECRET_FIELDS)
        fresh.password_hash = new_hash
        fresh.password_changed_at = clock.now()
        await fresh.save(update_fields=["password_hash", "password_changed_at"])
        await audit.record(ctx.actor, "user.password_change", fresh, before=before,
                           after=audit.snapshot(fresh, exclude=USER_SECRET_FIELDS),
                           enterprise_id=fresh.enterprise_id, ip=ctx.ip)


async def update_user(ctx: ServiceContext, user_id: int, data: dict) -> User:
    """Change an account's name, role, whether it may log in, or set a new password for
    someone who forgot theirs (there is no self-service reset: a person proves who they
    are to supervision, in person or by phone).

    Supervision manages staff accounts (name, active); only an admin manages supervision
    accounts, and only between admin and supervisor (a staff account belongs to its
    enterprise for good). Nobody disables or re-roles themselves, so the last admin
    cannot lock everyone out. A disabled account loses every session at once (its API
    tokens are refused while it is disabled).
    """
    actor = require_login(ctx.actor)
    if not is_supervision(actor):
        raise Forbidden("只有监管人员可以管理账号")
    target = await User.get_or_none(id=user_id)
    if target is None:
        raise NotFound("账号不存在")
    if target.role != Role.STAFF:
        require_admin(actor)
    f = Fields(data)
    changes: dict = {}
    if "name" in data:
        changes["name"] = f.required("name", "姓名", text(64, "姓名"))
    if "is_active" in data:
        changes["is_active"] = f.required("is_active", "启用", boolean)
    if "role" in data:
        raw = data.get("role")
        if target.role == Role.STAFF or raw not in (Role.ADMIN.value, Role.SUPERVISOR.value):
            f.add("role", "监管账号的身份只能是管理员或监管人员，填报员账号不能改变身份")
        else:
            changes["role"] = Role(raw)
    if "password" in data:
        try:
            check_password(data.get("password"), phone=target.phone)  # type: ignore[arg-type]
        except RuleError as exc:
            f.add("password", str(exc))
    f.raise_if_invalid()
    if not changes and "password" not in data:
        raise ValidationError(fields={"name": "没有要修改的内容"})
    if target.id == actor.id and ({"is_active", "role"} & set(changes) or "password" in data):
        raise Forbidden("不能停用自己的账号、改变自己的身份或在这里重设自己的密码")
    if "password" in data:
        changes["password_hash"] = await ctx.passwords.hash(str(data["password"]))
        changes["password_changed_at"] = clock.now()
    async with in_transaction():
        fresh = await User.select_for_update().get(id=target.id)
        before = audit.snapshot(fresh, exclude=USER_SECRET_FIELDS)
        for name, value in changes.items():
            setattr(fresh, name, value)
        await fresh.save(update_fields=list(changes))
        after = audit.snapshot(fresh, exclude=USER_SECRET_FIELDS)
        action = "user.password_reset" if "password_hash" in changes else "user.update"
        if before != after:
            await audit.record(actor, action, fresh, before=before, after=after,
                               enterprise_id=fresh.enterprise_id, ip=ctx.ip)
        # A disabled account, or one whose password was reset, is logged out everywhere.
        if not fresh.is_active or "password_hash" in changes:
            await UserSession.filter(user_id=fresh.id).delete()
    log.info("account %s changed by %s: %s", fresh.id, actor.id, sorted(changes))
    return fresh


async def create_api_token(ctx: ServiceContext, name: object) -> tuple[str, ApiToken]:
    """A new bearer token for the acting user; the plain token is returned only now."""
    user = require_login(ctx.actor)
    f = Fields({"name": name})
    label = f.required("name", "令牌名称", text(64, "令牌名称"))
    f.raise_if_invalid()
    plain = API_TOKEN_PREFIX + new_token(32)
    async with in_transaction():
        token = await ApiToken.create(
            user=user, name=label, token_hash=token_hash(plain), prefix=plain[:12]
        )
        await audit.record(ctx.actor, "api_token.create", token,
                           after={"name": label, "prefix": token.prefix},
                           enterprise_id=user.enterprise_id, ip=ctx.ip)
    return plain, token


async def list_api_tokens(ctx: ServiceContext) -> list[ApiToken]:
    user = require_login(ctx.actor)
    return await ApiToken.filter(user_id=user.id, revoked_at=None).order_by("-id")


async def revoke_api_token(ctx: ServiceContext, token_id: int) -> None:
    user = require_login(ctx.actor)
    token = await ApiToken.get_or_none(id=token_id, user_id=user.id, revoked_at=None)
    if token is None:
        raise NotFound("令牌不存在")
    async with in_transaction():
        token.revoked_at = clock.now()
        await token.save(update_fields=["revoked_at"])
        await audit.record(ctx.actor, "api_token.revoke", token,
                           enterprise_id=user.enterprise_id, ip=ctx.ip)
