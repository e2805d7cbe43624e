"""What every service call needs to know: who acts, from where, under which settings.

Routes build it from the request; tests build it directly. Services never touch the
HTTP request, so pages and the JSON API share them unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sanic import Request

from models import User
from server.core.auth import client_ip, current_user
from server.core.config import Settings
from server.core.county import County
from server.core.permissions import require_supervision
from server.core.security import Passwords


@dataclass(frozen=True)
class ServiceContext:
    settings: Settings
    county: County
    passwords: Passwords
    actor: User | None = None
    ip: str = ""

    def acting_as(self, actor: User | None) -> ServiceContext:
        return replace(self, actor=actor)


async def service_context(request: Request) -> ServiceContext:
    app = request.app
    return ServiceContext(
        settings=app.ctx.settings,
        county=app.ctx.county,
        passwords=app.ctx.passwords,
        actor=await current_user(request),
        ip=client_ip(request),
    )


async def supervision_context(request: Request) -> ServiceContext:
    """The context of a route for supervision only: 401/403 for anyone else."""
    ctx = await service_context(request)
    require_supervision(ctx.actor)
    return ctx
