"""Building test data directly in the database (the thing under test is elsewhere)."""

from __future__ import annotations

from sanic import Sanic

from models import Enterprise, User
from models.enums import Role
from server.demo.seed import demo_credit_code

DEFAULT_PASSWORD = "correct-horse-battery-staple"


async def make_enterprise(name: str, *, industry: str = "rice", township: str = "虎林镇",
                          **fields) -> Enterprise:
    return await Enterprise.create(
        credit_code=fields.pop("credit_code", demo_credit_code(name)),
        name=name, industry=industry, township=township, **fields,
    )


async def make_user(app: Sanic, phone: str, *, role: str, name: str = "测试用户",
                    enterprise: Enterprise | None = None,
                    password: str = DEFAULT_PASSWORD, **fields) -> User:
    return await User.create(
        phone=phone, name=name, role=Role(role), enterprise=enterprise,
        password_hash=app.ctx.passwords.hash_sync(password), **fields,
    )
