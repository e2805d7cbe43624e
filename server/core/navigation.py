"""The navigation row of each role: one table, edited when a feature adds a page."""

from __future__ import annotations

from dataclasses import dataclass

from models import User
from models.enums import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    # Other paths that belong to this entry (e.g. a product's batches and codes).
    also: tuple[str, ...] = ()

    def is_current(self, path: str) -> bool:
        if self.href == "/":
            return path == "/"
        return any(path == p or path.startswith(p + "/") or path.startswith(p + "?")
                   for p in (self.href, *self.also))


STAFF_NAV = [
    NavItem("首页", "/"),
    NavItem("月报", "/reports"),
    NavItem("证书", "/certifications"),
    NavItem("追溯平台注册", "/registration"),
    NavItem("产品追溯", "/products", also=("/batches", "/codes")),
    NavItem("企业信息", "/enterprise"),
    NavItem("账号", "/account"),
]

SUPERVISION_NAV = [
    NavItem("首页", "/"),
    # supervision (issue 5): the 100 % rule, the plan, reports, certificates, complaints
    NavItem("追溯进驻", "/compliance"),
    NavItem("目标进度", "/plan"),
    NavItem("月报报送", "/supervision/reporting"),
    NavItem("证书到期", "/supervision/certificates"),
    NavItem("投诉", "/complaints"),
    NavItem("企业", "/enterprises"),
    NavItem("审核", "/review"),
    NavItem("账号", "/account"),
]


def nav_items(user: User | None) -> list[NavItem]:
    if user is None:
        return []
    return STAFF_NAV if user.role == Role.STAFF else SUPERVISION_NAV
