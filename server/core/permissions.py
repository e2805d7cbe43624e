"""Who may do what: every role check of the app lives here.

Services call these with the acting user before they read or change anything, so the
pages and the JSON API enforce exactly the same rules.
"""

from __future__ import annotations

from models import User
from models.enums import Role
from server.core.errors import Forbidden, Unauthorized

SUPERVISION = (Role.ADMIN, Role.SUPERVISOR)


def require_login(user: User | None) -> User:
    if user is None:
        raise Unauthorized()
    return user


def is_supervision(user: User | None) -> bool:
    """Market supervision / agriculture bureau staff, and administrators."""
    return user is not None and user.role in SUPERVISION


def is_staff_of(user: User | None, enterprise_id: int) -> bool:
    return (
        user is not None
        and user.role == Role.STAFF
        and user.enterprise_id is not None
        and user.enterprise_id == enterprise_id
    )


def require_role(user: User | None, *roles: Role) -> User:
    user = require_login(user)
    if user.role not in roles:
        raise Forbidden("当前账号无权进行此操作")
    return user


def require_supervision(user: User | None) -> User:
    return require_role(user, *SUPERVISION)


def require_admin(user: User | None) -> User:
    return require_role(user, Role.ADMIN)


def require_enterprise_reader(user: User | None, enterprise_id: int) -> User:
    """Staff of that enterprise, or supervision."""
    user = require_login(user)
    if not (is_supervision(user) or is_staff_of(user, enterprise_id)):
        raise Forbidden("只能查看本企业的信息")
    return user


def require_enterprise_staff(user: User | None, enterprise_id: int) -> User:
    """Only staff of that enterprise (what the enterprise itself reports)."""
    user = require_login(user)
    if not is_staff_of(user, enterprise_id):
        raise Forbidden("只有本企业填报员可以进行此操作")
    return user


def require_enterprise_writer(user: User | None, enterprise_id: int) -> User:
    """Staff of that enterprise, or supervision acting for it."""
    user = require_login(user)
    if not (is_supervision(user) or is_staff_of(user, enterprise_id)):
        raise Forbidden("只能修改本企业的信息")
    return user
